import { type JSX, useEffect, useMemo, useRef, useState } from 'react';
import type { AppSession, AppSettings, QueueLead } from '../../../shared/app-api';
import type { SyncStatus } from '../../../shared/client-api';
import type { Disposition } from '../../../shared/dispositions';
import { playbookDisposition } from '../../../shared/playbook';
import { useActionKeys } from '../hooks/use-action-keys';
import { useCommands } from '../hooks/use-commands';
import { useLeadView } from '../hooks/use-lead-view';
import { useOpenCall } from '../hooks/use-open-call';
import { usePlaybook } from '../hooks/use-playbook';
import { itemAt, useQueue } from '../hooks/use-queue';
import { useSearch } from '../hooks/use-search';
import { useSelection } from '../hooks/use-selection';
import { call, errorText, onAppEvent } from '../lib/api';
import { type Action, keyFor } from '../lib/keymap';
import { InboxDialogs, type Modal } from './InboxDialogs';
import { Kbd } from './Kbd';
import { LeadDetail } from './LeadDetail';
import { QueueList } from './QueueList';
import { SearchBox } from './SearchBox';
import { StatusBar } from './StatusBar';

interface Props {
  readonly session: AppSession;
  readonly settings: AppSettings;
  readonly version: string;
  readonly onSettings: (patch: Partial<AppSettings>) => void;
  readonly onToggleTheme: () => void;
  readonly onSignOut: () => void;
  /** Team leads and admins: shows the team board (absent for a rep: no key, no button). */
  readonly onShowBoard?: () => void;
}

/**
 * The rep's day: the queue on the left, the selected lead on the right, the status bar below.
 * Every action is one key (lib/keymap.ts) and a button; every change goes to the app as one
 * command, which the app writes locally at once and syncs on its own.
 *
 * Handlers read the latest state through a ref and are created once: callbacks that close over
 * a render keep that render's queue alive (and, through older callbacks, every queue before
 * it), and stable callbacks keep the memoised rows from re-rendering. The selection, the lead
 * on screen, the commands and their flash, the open call, search and the window's keys are
 * hooks (hooks/); the dialogs are InboxDialogs.
 */
export function Inbox(props: Props): JSX.Element {
  const selectedIdRef = useRef<string | null>(null);
  const [queue, queueControls] = useQueue(selectedIdRef);
  const [selection, select] = useSelection(queue, selectedIdRef);
  const { sel, pinned, opened, item: selectedItem } = selection;
  const { setSel, setPinned, setOpened } = select;
  const [modal, setModal] = useState<Modal>(null);
  const [flash, commands] = useCommands(selectedIdRef);
  const { run, claim } = commands;
  const search = useSearch();
  const [receivingOff, setReceivingOff] = useState(false);
  const statusRef = useRef<SyncStatus | null>(null);
  const playbook = usePlaybook();
  const { openCall, holds: heldByCall, cancel: cancelCall } = useOpenCall(select, commands);

  const { current, detail } = useLeadView(sel.id, selectedItem, queue.version);
  const zone = selectedItem?.row.timeZone ?? current?.lead.timezone ?? null;

  useEffect(() => {
    const untouched = queue.counts.untouched;
    document.title = untouched > 0 ? `(${untouched}) Pounce` : 'Pounce';
  }, [queue.counts.untouched]);

  // ---- handlers: fresh closures every render, reached through one ref -----------------------

  /**
   * Logs an outcome; one the playbook asks a reason for opens the reason picker first. What it
   * scheduled comes back from the app (the same rules the server applies) and is said at once.
   */
  const logOutcome = (disposition: Disposition, callbackAt?: number, reason?: string | null) => {
    const lead = current?.lead;
    if (!lead) return;
    const info = playbookDisposition(playbook, disposition);
    if (!info) return;
    if (reason === undefined && info.reasons.length > 0) {
      setModal({ reasonFor: disposition });
      return;
    }
    run(
      {
        type: 'logOutcome',
        leadId: lead.id,
        disposition,
        ...(callbackAt !== undefined && { callbackAt: new Date(callbackAt).toISOString() }),
        ...(reason && { reasonCode: reason }),
      },
      `Logged “${info.label}”`,
    );
  };

  const move = (to: number): void => {
    const index = Math.max(0, Math.min(queue.total - 1, to));
    if (heldByCall(itemAt(queue, index)?.lead.id ?? null)) return;
    setPinned(null);
    setSel({ id: itemAt(queue, index)?.lead.id ?? null, index });
  };

  const open = (index?: number): void => {
    const item = index === undefined ? selectedItem : itemAt(queue, index);
    if (!item) return;
    if (heldByCall(item.lead.id)) return;
    setSel({ id: item.lead.id, index: index ?? sel.index });
    setOpened(true);
    if (item.row.section === 'offered') claim(item);
    else if (item.lead.seenAt === null) run({ type: 'markSeen', leadId: item.lead.id });
  };

  const dial = (): void => {
    const lead = current?.lead;
    if (!lead?.phone) return;
    if (heldByCall(lead.id)) return;
    const phone = lead.phone;
    const since = commands.said();
    const selected = sel.id ?? '';
    const start = (): void => {
      call('call.start', { leadId: lead.id })
        .then(() =>
          commands.openLink(
            `tel:${phone}`,
            `Calling ${phone}… then log how it went.`,
            selected,
            since,
          ),
        )
        .catch((error: unknown) => commands.say(lead.id, errorText(error)));
    };
    // An offer is claimed first: calling a lead that is not yours is a teammate's call.
    if (selectedItem?.lead.id === lead.id && selectedItem.row.section === 'offered') {
      claim(selectedItem, start);
      return;
    }
    if (lead.seenAt === null) run({ type: 'markSeen', leadId: lead.id });
    start();
  };

  const email = (): void => {
    const lead = current?.lead;
    if (lead?.email) {
      commands.openLink(`mailto:${lead.email}`, `Writing to ${lead.email}.`, sel.id ?? '');
    }
  };

  const toggleReceiving = (): void => {
    run({ type: 'setReceivingLeads', receiving: statusRef.current?.receivingLeads === false });
  };

  const perform = (action: Action): void => {
    switch (action.type) {
      case 'next':
        move(sel.index + 1);
        return;
      case 'prev':
        move(sel.index - 1);
        return;
      case 'first':
        move(0);
        return;
      case 'last':
        move(queue.total - 1);
        return;
      case 'open':
        open();
        return;
      case 'back':
        if (flash) commands.clear();
        setOpened(false);
        return;
      case 'call':
        dial();
        return;
      case 'cancelCall':
        cancelCall();
        return;
      case 'email':
        email();
        return;
      case 'outcome':
        if (action.disposition === 'callback') {
          if (current) setModal('callback-outcome');
        } else logOutcome(action.disposition);
        return;
      case 'callback':
        if (current) setModal('callback');
        return;
      case 'note':
        if (current) setModal('note');
        return;
      case 'search':
        search.controls.focus();
        return;
      case 'availability':
        toggleReceiving();
        return;
      case 'rejected':
        setModal('rejected');
        return;
      case 'sync':
        call('sync.now', {}).catch(() => undefined);
        return;
      case 'settings':
        setModal('settings');
        return;
      case 'theme':
        props.onToggleTheme();
        return;
      case 'help':
        setModal('help');
        return;
      case 'board':
        props.onShowBoard?.();
        return;
    }
  };

  const chooseResult = (lead: QueueLead): void => {
    if (heldByCall(lead.id)) {
      search.controls.close();
      return;
    }
    setPinned(lead.id);
    select.focus(lead.id);
    search.controls.close();
    queueControls.refresh();
  };

  const handlers = {
    perform,
    move,
    open,
    logOutcome,
    toggleReceiving,
    chooseResult,
    heldByCall,
  };
  const latest = useRef(handlers);
  latest.current = handlers;

  // Created once; each calls the newest handler. The memoised panes (LeadDetail, StatusBar,
  // SearchBox) get only these, so a key press that moves the highlight re-renders the list.
  const stable = useMemo(
    () => ({
      perform: (action: Action) => latest.current.perform(action),
      pick: (index: number) => latest.current.move(index),
      open: (index: number) => latest.current.open(index),
      toggleReceiving: () => latest.current.toggleReceiving(),
      onStatus: (status: SyncStatus) => {
        statusRef.current = status;
        setReceivingOff(status.receivingLeads === false);
      },
      call: () => latest.current.perform({ type: 'call' }),
      cancelCall: () => latest.current.perform({ type: 'cancelCall' }),
      email: () => latest.current.perform({ type: 'email' }),
      outcome: (disposition: Disposition) =>
        latest.current.perform({ type: 'outcome', disposition }),
      callback: () => latest.current.perform({ type: 'callback' }),
      note: () => latest.current.perform({ type: 'note' }),
      settings: () => setModal('settings'),
      rejected: () => setModal('rejected'),
      help: () => setModal('help'),
      closeModal: () => setModal(null),
      logOutcome: (
        disposition: Disposition,
        callbackAt: number | undefined,
        reason: string | null,
      ) => latest.current.logOutcome(disposition, callbackAt, reason),
      command: commands.run,
      chooseResult: (lead: QueueLead) => latest.current.chooseResult(lead),
    }),
    [commands],
  );

  // A toast clicked in the OS: bring that lead up.
  useEffect(
    () =>
      onAppEvent((event) => {
        if (event.type !== 'lead.focus') return;
        if (latest.current.heldByCall(event.leadId)) return;
        select.focus(event.leadId);
        queueControls.refresh();
      }),
    [queueControls, select],
  );

  useActionKeys(stable.perform, playbook, modal !== null);

  const leadName = current?.lead.name ?? '';
  const flashText = flash && flash.leadId === detail.view?.lead.id ? flash.text : null;
  const selectedLeadId = current?.lead.id ?? null;

  return (
    <div className={`inbox${opened ? ' inbox--opened' : ''}`}>
      <header className="topbar">
        <span className="topbar__brand">Pounce</span>
        <SearchBox
          ref={search.ref}
          query={search.query}
          results={search.results}
          active={search.active}
          onQuery={search.controls.setQuery}
          onMove={search.controls.move}
          onChoose={stable.chooseResult}
          onClose={search.controls.close}
        />
        <span className="topbar__counts" data-testid="counts">
          <strong>{queue.counts.untouched}</strong> untouched · {queue.counts.total} in queue
        </span>
        {props.onShowBoard && (
          <button className="topbar__button" onClick={props.onShowBoard} title="Team board">
            Board <Kbd k={keyFor('board')} />
          </button>
        )}
        <button className="topbar__button" onClick={stable.settings} title="Settings">
          Settings <Kbd k="," />
        </button>
      </header>

      <main className="panes">
        <section className="panes__queue" aria-label="Queue">
          {queue.error && <p className="form-error">{queue.error}</p>}
          {queue.loaded && queue.total === 0 ? (
            <div className="queue queue--empty">
              <p>Your queue is empty.</p>
              <p className="muted">
                New leads appear here the moment they are routed to you
                {receivingOff ? ', once you turn receiving leads on (a)' : ''}.
              </p>
            </div>
          ) : (
            <QueueList
              items={queue.items}
              offset={queue.offset}
              at={queue.at}
              total={queue.total}
              selectedIndex={pinned !== null && pinned === sel.id ? -1 : sel.index}
              onPick={stable.pick}
              onOpen={stable.open}
              onShowing={queueControls.showing}
            />
          )}
        </section>
        <LeadDetail
          view={detail.view}
          loading={detail.view === null || detail.view !== detail.loaded}
          item={detail.item}
          opened={opened}
          flash={flashText}
          offered={detail.item?.row.section === 'offered'}
          playbook={playbook}
          onCallWith={openCall !== null && openCall.leadId === detail.view?.lead.id}
          onCancelCall={stable.cancelCall}
          onCall={stable.call}
          onEmail={stable.email}
          onOutcome={stable.outcome}
          onCallback={stable.callback}
          onNote={stable.note}
        />
      </main>

      <StatusBar
        doNotDisturb={props.settings.doNotDisturb}
        onStatus={stable.onStatus}
        onReviewRejected={stable.rejected}
        onToggleReceiving={stable.toggleReceiving}
        onHelp={stable.help}
      />

      <InboxDialogs
        modal={modal}
        playbook={playbook}
        leadId={selectedLeadId}
        leadName={leadName}
        zone={zone}
        board={props.onShowBoard !== undefined}
        session={props.session}
        settings={props.settings}
        version={props.version}
        onSettings={props.onSettings}
        onSignOut={props.onSignOut}
        onClose={stable.closeModal}
        onOutcome={stable.logOutcome}
        onCommand={stable.command}
      />
    </div>
  );
}
