import { type JSX, useMemo, useState } from 'react';
import { callbackChoices, customTimeDefault, parseCustomTime } from '../lib/callback-choices';
import { weekdayTime } from '../lib/time';
import { Kbd } from './Kbd';
import { Modal } from './Modal';

interface Props {
  readonly leadName: string;
  /** The lead's zone: choices read in their time. Null: the rep's own. */
  readonly zone: string | null;
  readonly now: number;
  /** "Connected, call back later" logs the outcome with the time; otherwise just the callback. */
  readonly purpose: 'outcome' | 'callback';
  readonly onPick: (at: number, note: string) => void;
  readonly onClose: () => void;
}

/** Quick choices in the lead's local time (keys 1–6), or a custom time; Enter books it. */
export function CallbackPicker(props: Props): JSX.Element {
  const { zone, now } = props;
  const choices = useMemo(() => callbackChoices(now, zone), [now, zone]);
  const [custom, setCustom] = useState(() => customTimeDefault(now, zone));
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const their = zone ? ` (their time, ${zone.replace(/_/g, ' ')})` : '';

  const bookCustom = (): void => {
    const at = parseCustomTime(custom, zone, Date.now());
    if (at === null) {
      setError('Pick a time in the future.');
      return;
    }
    props.onPick(at, note);
  };

  return (
    <Modal
      title={`${props.purpose === 'outcome' ? 'Connected: call back' : 'Callback'} for ${props.leadName}`}
      onClose={props.onClose}
    >
      <div
        className="picker"
        onKeyDown={(e) => {
          const target = e.target as HTMLElement;
          const typing = target.tagName === 'TEXTAREA' || target.tagName === 'INPUT';
          const choice = choices.find((c) => c.key === e.key);
          if (choice && !typing) {
            e.preventDefault();
            props.onPick(choice.at, note);
          }
        }}
      >
        <p className="muted">Quick choices{their}:</p>
        <ul className="picker__choices">
          {choices.map((c) => (
            <li key={c.key}>
              <button className="picker__choice" onClick={() => props.onPick(c.at, note)}>
                <Kbd k={c.key} />
                <span className="picker__label">{c.label}</span>
                <span className="picker__when">
                  {weekdayTime(c.at, zone)}
                  {zone && <span className="muted"> · yours {weekdayTime(c.at, null)}</span>}
                </span>
              </button>
            </li>
          ))}
        </ul>
        <form
          className="picker__custom"
          onSubmit={(e) => {
            e.preventDefault();
            bookCustom();
          }}
        >
          <label>
            Custom time{their}
            <input
              type="datetime-local"
              value={custom}
              onChange={(e) => {
                setCustom(e.target.value);
                setError(null);
              }}
              aria-label="Custom callback time"
            />
          </label>
          <label>
            Note (optional)
            <input
              type="text"
              value={note}
              maxLength={2000}
              onChange={(e) => setNote(e.target.value)}
              placeholder="e.g. asked for pricing for 40 seats"
              aria-label="Callback note"
            />
          </label>
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
          <div className="modal__buttons">
            <button type="button" onClick={props.onClose}>
              Cancel <Kbd k="Esc" />
            </button>
            <button type="submit" className="primary">
              Book custom time <Kbd k="↵" />
            </button>
          </div>
        </form>
      </div>
    </Modal>
  );
}
