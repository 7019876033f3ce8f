import type { JSX } from 'react';
import type { Playbook } from '../../../shared/playbook';
import { keyLabel, type Shortcut, shortcutsFor } from '../lib/keymap';
import { Kbd } from './Kbd';
import { Modal } from './Modal';

/** Every shortcut, from the same table the key handler uses. */
export function HelpOverlay({
  onClose,
  playbook,
}: {
  onClose: () => void;
  playbook: Playbook;
}): JSX.Element {
  const groups = new Map<Shortcut['group'], Shortcut[]>();
  for (const s of shortcutsFor(playbook)) groups.set(s.group, [...(groups.get(s.group) ?? []), s]);
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose} wide>
      <div className="help">
        {[...groups].map(([group, shortcuts]) => (
          <section key={group} className="help__group">
            <h3>{group}</h3>
            <dl>
              {shortcuts.map((s) => (
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
