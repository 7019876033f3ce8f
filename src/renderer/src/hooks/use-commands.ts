import { useRef, useState } from 'react';
import type { AppQueueItem } from '../../../shared/app-api';
import type { ClientCommand } from '../../../shared/client-api';
import { call, errorText } from '../lib/api';

/*
 * What the inbox asks of the app for the rep (commands, claims, links handed to the OS) and the
 * one line it says about how that went (the flash under the lead it is about). A command is
 * written locally by the app at once; what it scheduled comes back and is said.
 *
 *   const [flash, commands] = useCommands(selectedIdRef);
 *   commands.run({ type: 'addNote', leadId, text }, 'Note saved.');
 */

/** A line said under the lead it is about. */
export interface Flash {
  readonly leadId: string;
  readonly text: string;
}

/** Created once: safe for memoised components and effects. */
export interface Commands {
  readonly say: (leadId: string, text: string) => void;
  readonly clear: () => void;
  /** The flash now (what was said last), to notice later whether something newer was said. */
  readonly said: () => Flash | null;
  /** Sends a command; `done` is said once it is saved (with what it scheduled, if anything). */
  readonly run: (command: ClientCommand, done?: string) => void;
  /** Claim mode: the first rep to claim an offered lead gets it; then `then` runs. */
  readonly claim: (item: AppQueueItem, then?: () => void) => void;
  /**
   * Hands `url` to the OS and says `what` under `leadId`, unless something newer was said since
   * `since` (the flash when the rep pressed the key): "Calling ..." must not cover the outcome
   * the rep logged while the dialer was still opening.
   */
  readonly openLink: (url: string, what: string, leadId: string, since?: Flash | null) => void;
}

/** `selectedId`: the selected lead, under which a command without a lead of its own is said. */
export function useCommands(selectedId: {
  readonly current: string | null;
}): [Flash | null, Commands] {
  const [flash, setFlash] = useState<Flash | null>(null);
  const flashRef = useRef(flash);
  flashRef.current = flash;
  const [commands] = useState<Commands>(() => ({
    say: (leadId, text) => setFlash({ leadId, text }),
    clear: () => setFlash(null),
    said: () => flashRef.current,
    run: (command, done) => {
      const selected = selectedId.current ?? '';
      call('lead.command', command)
        .then((result) => {
          if (!done || !('leadId' in command)) return;
          const text = result.scheduled
            ? `${done}: ${result.scheduled}.`
            : done.endsWith('.')
              ? done
              : `${done}.`;
          setFlash({ leadId: command.leadId, text });
        })
        .catch((error: unknown) => {
          const leadId = 'leadId' in command ? command.leadId : selected;
          setFlash({ leadId, text: `Not saved: ${errorText(error)}` });
        });
    },
    claim: (item, then) => {
      const leadId = item.lead.id;
      call('lead.claim', { leadId })
        .then(() => {
          setFlash({ leadId, text: `Claimed: ${item.lead.name} is yours.` });
          then?.();
        })
        .catch((error: unknown) => setFlash({ leadId, text: `Not claimed: ${errorText(error)}` }));
    },
    openLink: (url, what, leadId, since = flashRef.current) => {
      call('link.open', { url })
        .then(() => setFlash((cur) => (cur === since ? { leadId, text: what } : cur)))
        .catch((error: unknown) =>
          setFlash({ leadId, text: `Could not open: ${errorText(error)}` }),
        );
    },
  }));
  return [flash, commands];
}
