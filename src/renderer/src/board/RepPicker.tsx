import { type JSX, useState } from 'react';
import { Kbd } from '../components/Kbd';
import { Modal } from '../components/Modal';
import { PresenceChip } from './PresenceChip';
import { filterChoices, orderChoices, type RepChoice } from './rep-choices';

/**
 * Pick the rep a lead goes to: a digit takes the numbered rep, typing narrows the list by name,
 * arrows move, Enter takes the highlighted one, Esc cancels.
 */
export function RepPicker(props: {
  readonly leadName: string;
  readonly choices: readonly RepChoice[];
  readonly onPick: (rep: RepChoice) => void;
  readonly onClose: () => void;
}): JSX.Element {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const shown = filterChoices(orderChoices(props.choices), query);
  const current = Math.min(active, Math.max(0, shown.length - 1));
  return (
    <Modal title={`Reassign ${props.leadName}`} onClose={props.onClose}>
      <div className="rep-picker">
        <input
          className="rep-picker__filter"
          aria-label="Rep name"
          placeholder="Type a name, or press a number"
          value={query}
          autoComplete="off"
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={(e) => {
            if (/^[1-9]$/.test(e.key)) {
              e.preventDefault();
              const rep = shown[Number(e.key) - 1];
              if (rep) props.onPick(rep);
            } else if (e.key === 'ArrowDown') {
              e.preventDefault();
              setActive(Math.min(shown.length - 1, current + 1));
            } else if (e.key === 'ArrowUp') {
              e.preventDefault();
              setActive(Math.max(0, current - 1));
            } else if (e.key === 'Enter') {
              e.preventDefault();
              const rep = shown[current];
              if (rep) props.onPick(rep);
            }
          }}
        />
        {shown.length === 0 ? (
          <p className="muted">
            {props.choices.length === 0
              ? 'No other active rep on this team.'
              : 'No rep by that name.'}
          </p>
        ) : (
          <ol className="rep-picker__list" aria-label="Reps">
            {shown.map((rep, i) => (
              <li key={rep.id}>
                <button
                  type="button"
                  className={`rep-picker__choice${i === current ? ' is-active' : ''}`}
                  aria-current={i === current}
                  onClick={() => props.onPick(rep)}
                >
                  <Kbd k={i < 9 ? String(i + 1) : ''} />
                  <span className="rep-picker__name">{rep.name}</span>
                  {rep.presence !== null && <PresenceChip presence={rep.presence} />}
                  {rep.untouched !== null && (
                    <span className="muted">{rep.untouched} untouched</span>
                  )}
                </button>
              </li>
            ))}
          </ol>
        )}
        <div className="modal__buttons">
          <button type="button" onClick={props.onClose}>
            Cancel <Kbd k="Esc" />
          </button>
        </div>
      </div>
    </Modal>
  );
}
