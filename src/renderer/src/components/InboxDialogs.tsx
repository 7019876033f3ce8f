import type { JSX } from 'react';
import type { AppSession, AppSettings } from '../../../shared/app-api';
import type { ClientCommand } from '../../../shared/client-api';
import type { Disposition } from '../../../shared/dispositions';
import { type Playbook, playbookDisposition } from '../../../shared/playbook';
import { shortcutsFor } from '../lib/keymap';
import { ticker } from '../lib/ticker';
import { weekdayTime } from '../lib/time';
import { CallbackPicker } from './CallbackPicker';
import { HelpOverlay } from './HelpOverlay';
import { NoteDialog } from './NoteDialog';
import { ReasonPicker } from './ReasonPicker';
import { RejectedPanel } from './RejectedPanel';
import { SettingsPanel } from './SettingsPanel';

/** The dialog the inbox shows over itself, if any. */
export type Modal =
  | 'help'
  | 'settings'
  | 'rejected'
  | 'note'
  | 'callback'
  | 'callback-outcome'
  | { readonly reasonFor: Disposition }
  | null;

interface Props {
  readonly modal: Modal;
  readonly playbook: Playbook;
  /** The selected lead (dialogs about a lead need one), its name and its zone. */
  readonly leadId: string | null;
  readonly leadName: string;
  readonly zone: string | null;
  /** Team leads and admins: the help lists the board's key. */
  readonly board: boolean;
  readonly session: AppSession;
  readonly settings: AppSettings;
  readonly version: string;
  readonly onSettings: (patch: Partial<AppSettings>) => void;
  readonly onSignOut: () => void;
  readonly onClose: () => void;
  /** Logs an outcome, as the inbox's outcome keys do (`reason` null: none asked). */
  readonly onOutcome: (
    disposition: Disposition,
    callbackAt: number | undefined,
    reason: string | null,
  ) => void;
  /** Sends a command to the app and says `done` when it is saved. */
  readonly onCommand: (command: ClientCommand, done: string) => void;
}

/**
 * The inbox's dialogs: help, settings, rejected changes, and those about the selected lead (an
 * outcome's reason, a note, a callback). Each closes itself before it acts.
 */
export function InboxDialogs(props: Props): JSX.Element | null {
  const { modal, playbook, leadId, leadName, zone, onClose } = props;
  if (modal === null) return null;
  if (modal === 'help') {
    return (
      <HelpOverlay shortcuts={shortcutsFor(playbook, { board: props.board })} onClose={onClose} />
    );
  }
  if (modal === 'rejected') return <RejectedPanel onClose={onClose} />;
  if (modal === 'settings') {
    return (
      <SettingsPanel
        settings={props.settings}
        session={props.session}
        version={props.version}
        onChange={props.onSettings}
        onSignOut={props.onSignOut}
        onClose={onClose}
      />
    );
  }
  if (leadId === null) return null;
  if (typeof modal === 'object') {
    return (
      <ReasonPicker
        leadName={leadName}
        disposition={
          playbookDisposition(playbook, modal.reasonFor) ?? {
            key: modal.reasonFor,
            label: modal.reasonFor,
            shortcut: '',
            reasons: [],
            reasonRequired: false,
          }
        }
        onClose={onClose}
        onPick={(reason) => {
          onClose();
          props.onOutcome(modal.reasonFor, undefined, reason ?? null);
        }}
      />
    );
  }
  if (modal === 'note') {
    return (
      <NoteDialog
        leadName={leadName}
        onClose={onClose}
        onSave={(text) => {
          onClose();
          props.onCommand({ type: 'addNote', leadId, text }, 'Note saved.');
        }}
      />
    );
  }
  return (
    <CallbackPicker
      leadName={leadName}
      zone={zone}
      now={ticker.now()}
      purpose={modal === 'callback' ? 'callback' : 'outcome'}
      onClose={onClose}
      onPick={(at, note) => {
        onClose();
        if (modal === 'callback-outcome') {
          props.onOutcome('callback', at, null);
          return;
        }
        props.onCommand(
          {
            type: 'scheduleCallback',
            leadId,
            at: new Date(at).toISOString(),
            ...(note.trim() !== '' && { note: note.trim() }),
          },
          `Callback booked for ${weekdayTime(at, zone)}${zone ? ' their time' : ''}.`,
        );
      }}
    />
  );
}
