import { type JSX, useEffect, useState } from 'react';
import type { RejectedChange } from '../../../shared/client-api';
import { DISPOSITION_INFO, type Disposition } from '../../../shared/dispositions';
import { call, errorText } from '../lib/api';
import { shortDateTime } from '../lib/time';
import { Kbd } from './Kbd';
import { Modal } from './Modal';

const NAME_LABEL: Readonly<Record<string, string>> = {
  logOutcome: 'Call outcome',
  addNote: 'Note',
  scheduleCallback: 'Callback',
  markSeen: 'Opened',
  setReceivingLeads: 'Availability',
};

/**
 * What the rep had written, so a refused call or note can be passed on to whoever holds the
 * lead now (the server kept none of it).
 */
function whatWasSent(r: RejectedChange): string | null {
  const text = (key: string): string | null => {
    const value = r.args[key];
    return typeof value === 'string' && value !== '' ? value : null;
  };
  const disposition = text('disposition');
  const label =
    disposition !== null && disposition in DISPOSITION_INFO
      ? DISPOSITION_INFO[disposition as Disposition].label
      : disposition;
  return [label, text('note'), text('text')].filter(Boolean).join(' · ') || null;
}

/** Changes the server refused (a lead moved to someone else, ...), with why; dismissable. */
export function RejectedPanel({ onClose }: { onClose: () => void }): JSX.Element {
  const [items, setItems] = useState<readonly RejectedChange[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = (): void => {
    call('rejected.list', {})
      .then(setItems)
      .catch((e: unknown) => setError(errorText(e)));
  };
  useEffect(load, []);
  return (
    <Modal title="Changes the server did not accept" onClose={onClose} wide>
      {error && <p className="form-error">{error}</p>}
      {items?.length === 0 && (
        <p className="muted">Nothing to review: every change was accepted.</p>
      )}
      <ul className="rejected">
        {items?.map((r) => (
          <li key={r.mutationId} className="rejected__item">
            <div>
              <strong>{NAME_LABEL[r.name] ?? r.name}</strong>
              {r.leadName !== undefined && <> · {r.leadName}</>}{' '}
              <span className="muted">{shortDateTime(Date.parse(r.at))}</span>
              <div className="rejected__why">Not recorded: {r.message}</div>
              {whatWasSent(r) !== null && <div className="muted">You wrote: {whatWasSent(r)}</div>}
            </div>
            <button
              onClick={() => {
                call('rejected.dismiss', { mutationId: r.mutationId })
                  .then(load)
                  .catch((e: unknown) => setError(errorText(e)));
              }}
            >
              Dismiss
            </button>
          </li>
        ))}
      </ul>
      <div className="modal__buttons">
        <button className="primary" onClick={onClose}>
          Close <Kbd k="Esc" />
        </button>
      </div>
    </Modal>
  );
}
