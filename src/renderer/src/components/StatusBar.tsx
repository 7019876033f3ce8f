import { type JSX, memo, useEffect, useRef } from 'react';
import type { SyncStatus } from '../../../shared/client-api';
import { useStatus } from '../hooks/use-status';
import { useTick } from '../hooks/use-tick';
import { keyFor } from '../lib/keymap';
import { setText } from '../lib/dom';
import { agoText } from '../lib/time';
import { Kbd } from './Kbd';

interface Props {
  readonly doNotDisturb: boolean;
  /** Told each status the bar reads (the inbox keeps it for the availability key). */
  readonly onStatus: (status: SyncStatus) => void;
  readonly onReviewRejected: () => void;
  readonly onToggleReceiving: () => void;
  readonly onHelp: () => void;
}

/**
 * Whether the rep can trust what they see: connection, last sync, what is still to send. It
 * reads the status itself, so its polling re-renders the bar and nothing else.
 */
export const StatusBar = memo(function StatusBar(props: Props): JSX.Element {
  const { status } = useStatus();
  const { onStatus } = props;
  useEffect(() => {
    if (status) onStatus(status);
  }, [status, onStatus]);
  const syncedRef = useRef<HTMLSpanElement>(null);
  const lastSync = status?.lastSyncAt ? Date.parse(status.lastSyncAt) : null;
  useTick(
    (now) => {
      if (syncedRef.current) {
        setText(
          syncedRef.current,
          lastSync === null ? 'not synced yet' : `synced ${agoText(now - lastSync)}`,
        );
      }
    },
    [lastSync],
  );

  const connection = status?.stopped
    ? { cls: 'stopped', text: stoppedText(status.stopped) }
    : status?.online
      ? { cls: 'online', text: 'Online' }
      : { cls: 'offline', text: 'Offline: your work is kept and sent when back' };

  return (
    <footer className="statusbar" role="status" aria-label="Sync status">
      <span
        className={`statusbar__conn statusbar__conn--${connection.cls}`}
        data-testid="connection"
      >
        <span className="dot" aria-hidden="true" />
        {connection.text}
      </span>
      <span className="statusbar__synced" ref={syncedRef} data-testid="last-sync" />
      <span className="statusbar__pending" data-testid="pending">
        {status === null
          ? ''
          : status.pending === 0
            ? 'All changes synced'
            : `${status.pending} change${status.pending > 1 ? 's' : ''} waiting to sync`}
      </span>
      {status !== null && status.rejected > 0 && (
        <button className="statusbar__rejected" onClick={props.onReviewRejected}>
          {status.rejected} rejected: review <Kbd k={keyFor('rejected')} />
        </button>
      )}
      {status !== null && status.skipped > 0 && (
        <span
          className="statusbar__skipped"
          data-testid="skipped"
          title="The server sent changes this app could not read; everything else is in sync. Updating the app usually fixes this."
        >
          {status.skipped} change{status.skipped > 1 ? 's' : ''} could not be read
        </span>
      )}
      <span className="statusbar__spacer" />
      {props.doNotDisturb && <span className="statusbar__dnd">Do not disturb</span>}
      <button
        className={`statusbar__receiving${status?.receivingLeads === false ? ' is-off' : ''}`}
        onClick={props.onToggleReceiving}
        data-testid="receiving"
        aria-pressed={status?.receivingLeads !== false}
      >
        {status?.receivingLeads === false ? 'Not receiving leads' : 'Receiving leads'}{' '}
        <Kbd k={keyFor('availability')} />
      </button>
      <button className="statusbar__help" onClick={props.onHelp}>
        Shortcuts <Kbd k="?" />
      </button>
    </footer>
  );
});

function stoppedText(code: string): string {
  switch (code) {
    case 'incompatible_protocol':
      return 'Sync stopped: this app is too old for the server. Update Pounce.';
    case 'unauthorized':
      return 'Sync stopped: your session ended. Sign in again.';
    default:
      return `Sync stopped: ${code.replace(/_/g, ' ')}`;
  }
}
