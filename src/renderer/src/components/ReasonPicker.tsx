import type { JSX } from 'react';
import type { PlaybookDisposition } from '../../../shared/playbook';
import { Kbd } from './Kbd';
import { Modal } from './Modal';

/**
 * Why the lead leaves the queue (not interested, back to nurture...): one digit per reason, the
 * team's list from the playbook; marketing gets the answer as feedback on its scoring. Enter
 * logs without one where the playbook does not ask for one.
 */
export function ReasonPicker(props: {
  readonly leadName: string;
  readonly disposition: PlaybookDisposition;
  readonly onPick: (reasonCode: string | undefined) => void;
  readonly onClose: () => void;
}): JSX.Element {
  const { disposition } = props;
  const reasons = disposition.reasons.slice(0, 9);
  return (
    <Modal title={`${disposition.label}: why?`} onClose={props.onClose}>
      <div
        className="reasons-picker"
        // Focused first (Modal focuses the first focusable): digits and Enter land here, not on
        // a reason button that Enter would press.
        tabIndex={0}
        onKeyDown={(e) => {
          if (e.target !== e.currentTarget && e.key === 'Enter') return; // a focused button
          const index = /^[1-9]$/.test(e.key) ? Number(e.key) - 1 : -1;
          const reason = reasons[index];
          if (reason) {
            e.preventDefault();
            props.onPick(reason.code);
          } else if (e.key === 'Enter' && !disposition.reasonRequired) {
            e.preventDefault();
            props.onPick(undefined);
          }
        }}
      >
        <p className="muted">
          {props.leadName}
          {disposition.reasonRequired
            ? ': pick a reason to log it.'
            : ': a reason helps marketing.'}
        </p>
        <ol className="reasons-picker__list">
          {reasons.map((r, i) => (
            <li key={r.code}>
              <button className="reasons-picker__choice" onClick={() => props.onPick(r.code)}>
                <Kbd k={String(i + 1)} /> {r.label}
              </button>
            </li>
          ))}
        </ol>
        <div className="modal__buttons">
          <button type="button" onClick={props.onClose}>
            Cancel <Kbd k="Esc" />
          </button>
          {!disposition.reasonRequired && (
            <button type="button" className="primary" onClick={() => props.onPick(undefined)}>
              Log without a reason <Kbd k="↵" />
            </button>
          )}
        </div>
      </div>
    </Modal>
  );
}
