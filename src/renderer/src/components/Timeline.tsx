import type { JSX } from 'react';
import type { LocalTimelineEntry } from '../../../shared/client-api';
import { DISPOSITION_INFO, type Disposition } from '../../../shared/dispositions';
import { isoMs } from '../../../shared/iso-time';
import { shortDateTime } from '../lib/time';

/** Everything that happened to the lead, newest first; local changes not yet synced are marked. */
export function Timeline({ entries }: { entries: readonly LocalTimelineEntry[] }): JSX.Element {
  const sorted = [...entries].sort((a, b) => isoMs(b.at) - isoMs(a.at));
  return (
    <ol className="timeline" aria-label="Timeline">
      {sorted.map((entry) => (
        <li
          key={entry.id}
          className={`timeline__entry timeline__entry--${entry.type}${entry.pending ? ' timeline__entry--pending' : ''}`}
        >
          <span className="timeline__dot" aria-hidden="true" />
          <div className="timeline__body">
            <div className="timeline__line">
              <span className="timeline__what">{describe(entry)}</span>
              <time className="timeline__at" dateTime={entry.at}>
                {shortDateTime(isoMs(entry.at))}
              </time>
            </div>
            {detail(entry) && <div className="timeline__detail">{detail(entry)}</div>}
            {entry.pending && <div className="timeline__pending">waiting to sync</div>}
          </div>
        </li>
      ))}
    </ol>
  );
}

function str(data: Readonly<Record<string, unknown>>, key: string): string | null {
  const value = data[key];
  return typeof value === 'string' && value !== '' ? value : null;
}

function describe(entry: LocalTimelineEntry): string {
  const d = entry.data;
  switch (entry.type) {
    case 'received':
      return `Landed from ${str(d, 'source') ?? 'a lead source'}`;
    case 'assigned':
      return 'Assigned to you';
    case 'queued':
      return 'Waiting for an available rep';
    case 'nurtured':
      return 'Sent to nurture';
    case 'outcome': {
      const disposition = str(d, 'disposition');
      const info =
        disposition !== null && disposition in DISPOSITION_INFO
          ? DISPOSITION_INFO[disposition as Disposition]
          : null;
      return `Call: ${info?.label ?? disposition ?? 'logged'}`;
    }
    case 'note':
      return 'Note';
    case 'callback': {
      const at = str(d, 'at');
      return at ? `Callback set for ${shortDateTime(isoMs(at))}` : 'Callback set';
    }
    case 'seen':
      return 'Opened';
    case 'reassigned':
      return 'Reassigned';
    case 'released':
      return 'Released to the team queue';
    default:
      return entry.type.replace(/[._]/g, ' ');
  }
}

function detail(entry: LocalTimelineEntry): string | null {
  const d = entry.data;
  switch (entry.type) {
    case 'outcome': {
      const note = str(d, 'note');
      const callbackAt = str(d, 'callbackAt');
      return [note, callbackAt ? `callback ${shortDateTime(isoMs(callbackAt))}` : null]
        .filter(Boolean)
        .join(' · ');
    }
    case 'note':
      return str(d, 'text');
    case 'callback':
      return str(d, 'note');
    default:
      return str(d, 'reason') ?? str(d, 'note');
  }
}
