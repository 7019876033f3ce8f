import { useEffect, useRef } from 'react';
import type { Playbook } from '../../../shared/playbook';
import { type Action, actionFor } from '../lib/keymap';

/**
 * One key handler for the window: a key of lib/keymap.ts (with the playbook's outcome keys)
 * becomes its action and goes to `perform`. Fields and dialogs keep their own keys: nothing is
 * done while `paused` (a dialog is open), while a field has the focus, or for a key someone
 * handled already. Always the newest `perform`, `playbook` and `paused`; listening starts once.
 *
 *   useActionKeys(perform, playbook, modal !== null);
 */
export function useActionKeys(
  perform: (action: Action) => void,
  playbook: Playbook,
  paused: boolean,
): void {
  const performRef = useRef(perform);
  performRef.current = perform;
  const playbookRef = useRef(playbook);
  playbookRef.current = playbook;
  const pausedRef = useRef(paused);
  pausedRef.current = paused;

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (pausedRef.current || event.defaultPrevented) return;
      const target = event.target as HTMLElement | null;
      if (
        target &&
        (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))
      ) {
        return;
      }
      const action = actionFor(event, playbookRef.current);
      if (!action) return;
      event.preventDefault();
      performRef.current(action);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
