import type { JSX } from 'react';
import { keyLabel } from '../lib/keymap';
import { Kbd } from './Kbd';
import { Modal } from './Modal';

/** A row of the overlay: the inbox's and the board's shortcut tables both have this shape. */
export interface HelpEntry {
  readonly keys: readonly string[];
  readonly label: string;
  readonly group: string;
}

/** Every shortcut, from the same table the key handler uses. */
export function HelpOverlay({
  onClose,
  shortcuts,
}: {
  onClose: () => void;
  shortcuts: readonly HelpEntry[];
}): JSX.Element {
  const groups = new Map<string, HelpEntry[]>();
  for (const s of shortcuts) groups.set(s.group, [...(groups.get(s.group) ?? []), s]);
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose} wide>
      <div className="help">
        {[...groups].map(([group, entries]) => (
          <section key={group} className="help__group">
            <h3>{group}</h3>
            <dl>
              {entries.map((s) => (
                <div key={s.label} className="help__row">
                  <dt>
                    {s.keys.map((k) => (
                      <Kbd key={k} k={keyLabel(k)} />
                    ))}
                  </dt>
                  <dd>{s.label}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
      <div className="modal__buttons">
        <button className="primary" onClick={onClose}>
          Close <Kbd k="Esc" />
        </button>
      </div>
    </Modal>
  );
}
