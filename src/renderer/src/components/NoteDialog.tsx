import { type JSX, useState } from 'react';
import { Kbd } from './Kbd';
import { Modal } from './Modal';

/** A note on the lead. Ctrl+Enter (or ⌘+Enter) saves, Esc cancels. */
export function NoteDialog(props: {
  readonly leadName: string;
  readonly onSave: (text: string) => void;
  readonly onClose: () => void;
}): JSX.Element {
  const [text, setText] = useState('');
  const save = (): void => {
    if (text.trim() !== '') props.onSave(text.trim());
  };
  return (
    <Modal title={`Note on ${props.leadName}`} onClose={props.onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save();
        }}
      >
        <textarea
          className="note__text"
          value={text}
          maxLength={5000}
          rows={6}
          aria-label="Note"
          placeholder="What did you learn?"
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              save();
            }
          }}
        />
        <div className="modal__buttons">
          <button type="button" onClick={props.onClose}>
            Cancel <Kbd k="Esc" />
          </button>
          <button type="submit" className="primary" disabled={text.trim() === ''}>
            Save note <Kbd k="Ctrl+↵" />
          </button>
        </div>
      </form>
    </Modal>
  );
}
