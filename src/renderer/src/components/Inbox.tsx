import { type JSX, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AppQueueItem, AppSession, AppSettings, QueueLead } from '../../../shared/app-api';
import type { ClientCommand, LocalLead, OpenCall, SyncStatus } from '../../../shared/client-api';
import type { Disposition } from '../../../shared/dispositions';
import { playbookDisposition } from '../../../shared/playbook';
import { useAfterPaint } from '../hooks/use-after-paint';
import { usePlaybook } from '../hooks/use-playbook';
import { itemAt, type QueueState, useQueue } from '../hooks/use-queue';
import { call, errorText, onAppEvent } from '../lib/api';
import { type Action, actionFor, keyFor, shortcutsFor } from '../lib/keymap';
import { ticker } from '../lib/ticker';
import { weekdayTime } from '../lib/time';
import { CallbackPicker } from './CallbackPicker';
import { HelpOverlay } from './HelpOverlay';
import { Kbd } from './Kbd';
import { LeadDetail } from './LeadDetail';
import { NoteDialog } from './NoteDialog';
import { QueueList } from './QueueList';
import { ReasonPicker } from './ReasonPicker';
import { RejectedPanel } from './RejectedPanel';
import { SearchBox } from './SearchBox';
import { SettingsPanel } from './SettingsPanel';
import { StatusBar } from './StatusBar';

type Modal =
  | 'help'
  | 'settings'
  | 'rejected'
  | 'note'
  | 'callback'
  | 'callback-outcome'
  | { readonly reasonFor: Disposition }
  | null;

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

/** The highlighted row: its place in the whole queue, and its lead once the window holds it. */
interface Selection {
  readonly id: string | null;
  readonly index: number;
}

/**
 * The rep's day: the queue on the left, the selected lead on the right, the status bar below.
 * Every action is one key (lib/keymap.ts) and a button; every change goes to the app as one
 * command, which the app writes locally at once and syncs on its own.
 *
 * Handlers read the latest state through a ref and are created once: callbacks that close over
 * a render keep that render's queue alive (and, through older callbacks, every queue before
 * it), and stable callbacks keep the memoised rows from re-rendering.
 */
export function Inbox(props: Props): JSX.Element {
  const selectedIdRef = useRef<string | null>(null);
  const [queue, queueControls] = useQueue(selectedIdRef);
  const [sel, setSel] = useState<Selection>({ id: null, index: 0 });
  selectedIdRef.current = sel.id;
  /** A lead picked from search that is not in the queue (won, closed) stays up until a move. */
  const [pinned, setPinned] = useState<string | null>(null);
  const [opened, setOpened] = useState(false);
  const [view, setView] = useState<LocalLead | null>(null);
  const [modal, setModal] = useState<Modal>(null);
  const [flash, setFlash] = useState<{ leadId: string; text: string } | null>(null);
  const flashRef = useRef(flash);
  flashRef.current = flash;
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<readonly QueueLead[] | null>(null);
  const [activeResult, setActiveResult] = useState(0);
  const [receivingOff, setReceivingOff] = useState(false);
  const statusRef = useRef<SyncStatus | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const playbook = usePlaybook();
  const playbookRef = useRef(playbook);
  playbookRef.current = playbook;
  /** A call the rep started and has not logged: they stay on that lead until they do. */
  const [openCall, setOpenCall] = useState<OpenCall | null>(null);

  // A call left open (the app was closed mid-call) brings the rep back to that lead.
  useEffect(() => {
    let live = true;
    call('status.get', {})
      .then((status) => {
        if (!live || !status.openCall) return;
        const leadId = status.openCall.leadId;
        setOpenCall(status.openCall);
        setSel((cur) => (cur.id === leadId ? cur : { id: leadId, index: cur.index }));
        setOpened(true);
      })
      .catch(() => undefined);
    const off = onAppEvent((event) => {
      if (event.type === 'call.changed') setOpenCall(event.call);
    });
    return () => {
      live = false;
      off();
    };
  }, []);

  // Follow the queue: the selected lead where it moved to; if it left, the row in its place.
  useEffect(() => {
    if (!queue.loaded) return;
    setSel((cur) => reconcile(cur, queue, pinned));
  }, [queue, pinned]);

  const selectedItem = selectedItemOf(queue, sel);

  // Until lead.get answers (a few ms), the row's own data stands in, so keys pressed right
  // after moving act on the highlighted lead instead of being lost.
  const loaded = view !== null && view.lead.id === sel.id ? view : null;
  const placeholder = useMemo(
    () => (selectedItem ? placeholderView(selectedItem) : null),
    [selectedItem],
  );
  const current = loaded ?? placeholder;
  const zone = selectedItem?.row.timeZone ?? current?.lead.timezone ?? null;

  // The detail pane (and its lead.get) follows once the frame with the new highlight is
  // painted: the render of a key press leaves the (memoised) pane's props as they were, so that
  // frame holds two rows' change of class, and the pane renders in a task of its own.
  const detail = useAfterPaint(
    useMemo(
      () => ({ id: sel.id, view: current, loaded, item: selectedItem }),
      [sel.id, current, loaded, selectedItem],
    ),
  );
  const detailId = detail.id;

  // The whole lead (message, timeline) for the selection; refreshed with the queue.
  useEffect(() => {
    if (detailId === null) {
      setView(null);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      call('lead.get', { id: detailId })
        .then((v) => {
          if (live) setView(v);
        })
        .catch(() => undefined);
    }, 30);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [detailId, queue.version]);

  useEffect(() => {
    const untouched = queue.counts.untouched;
    document.title = untouched > 0 ? `(${untouched}) Pounce` : 'Pounce';
  }, [queue.counts.untouched]);

  // ---- handlers: fresh closures every render, reached through one ref -----------------------

  const run = (command: ClientCommand, done?: string): void => {
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
        const leadId = 'leadId' in command ? command.leadId : (sel.id ?? '');
        setFlash({ leadId, text: `Not saved: ${errorText(error)}` });
      });
  };

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

  /** With a call open, the rep stays on its lead: says so, and brings it back up. */
  const heldByCall = (targetId: string | null): boolean => {
    if (!openCall || targetId === openCall.leadId) return false;
    const leadId = openCall.leadId;
    setPinned(null);
    setSel((cur) => (cur.id === leadId ? cur : { id: leadId, index: cur.index }));
    setOpened(true);
    setFlash({
      leadId,
      text: 'Log how the call went first (the outcome keys), or x if the call did not happen.',
    });
    return true;
  };

  const move = (to: number): void => {
    const index = Math.max(0, Math.min(queue.total - 1, to));
    if (heldByCall(itemAt(queue, index)?.lead.id ?? null)) return;
    setPinned(null);
    setSel({ id: itemAt(queue, index)?.lead.id ?? null, index });
  };

  /** Claim mode: the first rep to claim an offered lead gets it; then `then` runs. */
  const claim = (item: AppQueueItem, then?: () => void): void => {
    const leadId = item.lead.id;
    call('lead.claim', { leadId })
      .then(() => {
        setFlash({ leadId, text: `Claimed: ${item.lead.name} is yours.` });
        then?.();
      })
      .catch((error: unknown) => setFlash({ leadId, text: `Not claimed: ${errorText(error)}` }));
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

  /**
   * Hands `url` to the OS and says `what`, unless something newer was said since `since` (the
   * flash when the rep pressed the key): "Calling ..." must not cover the outcome the rep logged
   * while the dialer was still opening.
   */
  const openLink = (url: string, what: string, since = flashRef.current): void => {
    const leadId = sel.id ?? '';
    call('link.open', { url })
      .then(() => setFlash((cur) => (cur === since ? { leadId, text: what } : cur)))
      .catch((error: unknown) => setFlash({ leadId, text: `Could not open: ${errorText(error)}` }));
  };

  const dial = (): void => {
    const lead = current?.lead;
    if (!lead?.phone) return;
    if (heldByCall(lead.id)) return;
    const phone = lead.phone;
    const since = flashRef.current;
    const start = (): void => {
      call('call.start', { leadId: lead.id })
        .then(() => openLink(`tel:${phone}`, `Calling ${phone}… then log how it went.`, since))
        .catch((error: unknown) => setFlash({ leadId: lead.id, text: errorText(error) }));
    };
    // An offer is claimed first: calling a lead that is not yours is a teammate's call.
    if (selectedItem?.lead.id === lead.id && selectedItem.row.section === 'offered') {
      claim(selectedItem, start);
      return;
    }
    if (lead.seenAt === null) run({ type: 'markSeen', leadId: lead.id });
    start();
  };

  const cancelCall = (): void => {
    if (!openCall) return;
    const leadId = openCall.leadId;
    call('call.cancel', {})
      .then(() => setFlash({ leadId, text: 'No call: nothing logged.' }))
      .catch(() => undefined);
  };

  const email = (): void => {
    const lead = current?.lead;
    if (lead?.email) openLink(`mailto:${lead.email}`, `Writing to ${lead.email}.`);
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
        if (flash) setFlash(null);
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
        searchRef.current?.focus();
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

  const moveResult = (delta: number): void =>
    setActiveResult((a) => Math.max(0, Math.min((results?.length ?? 1) - 1, a + delta)));

  const chooseResult = (lead: QueueLead): void => {
    if (heldByCall(lead.id)) {
      setQuery('');
      setResults(null);
      searchRef.current?.blur();
      return;
    }
    setPinned(lead.id);
    setSel((cur) => ({ id: lead.id, index: cur.index }));
    setOpened(true);
    setQuery('');
    setResults(null);
    searchRef.current?.blur();
    queueControls.refresh();
  };

  const handlers = {
    perform,
    move,
    open,
    logOutcome,
    run,
    toggleReceiving,
    moveResult,
    chooseResult,
    heldByCall,
  };
  const latest = useRef(handlers);
  latest.current = handlers;
  const modalRef = useRef(modal);
  modalRef.current = modal;

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
      moveResult: (delta: number) => latest.current.moveResult(delta),
      chooseResult: (lead: QueueLead) => latest.current.chooseResult(lead),
    }),
    [],
  );

  // A toast clicked in the OS: bring that lead up.
  useEffect(
    () =>
      onAppEvent((event) => {
        if (event.type !== 'lead.focus') return;
        if (latest.current.heldByCall(event.leadId)) return;
        setSel((cur) => ({ id: event.leadId, index: cur.index }));
        setOpened(true);
        queueControls.refresh();
      }),
    [queueControls],
  );

  // One key handler for the window; fields and dialogs keep their own keys.
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (modalRef.current !== null || event.defaultPrevented) return;
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
      stable.perform(action);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [stable]);

  // Search: the app looks through every lead it holds.
  useEffect(() => {
    if (query.trim() === '') {
      setResults(null);
      return;
    }
    const timer = setTimeout(() => {
      call('leads.search', { query })
        .then((found) => {
          setResults(found);
          setActiveResult(0);
        })
        .catch(() => setResults([]));
    }, 80);
    return () => clearTimeout(timer);
  }, [query]);

  const closeSearch = useCallback(() => {
    setQuery('');
    setResults(null);
    searchRef.current?.blur();
  }, []);

  const leadName = current?.lead.name ?? '';
  const flashText = flash && flash.leadId === detail.view?.lead.id ? flash.text : null;
  const selectedLeadId = current?.lead.id ?? null;

  return (
    <div className={`inbox${opened ? ' inbox--opened' : ''}`}>
      <header className="topbar">
        <span className="topbar__brand">Pounce</span>
        <SearchBox
          ref={searchRef}
          query={query}
          results={results}
          active={activeResult}
          onQuery={setQuery}
          onMove={stable.moveResult}
          onChoose={stable.chooseResult}
          onClose={closeSearch}
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

      {modal === 'help' && (
        <HelpOverlay
          shortcuts={shortcutsFor(playbook, { board: props.onShowBoard !== undefined })}
          onClose={() => setModal(null)}
        />
      )}
      {typeof modal === 'object' && modal !== null && selectedLeadId !== null && (
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
          onClose={() => setModal(null)}
          onPick={(reason) => {
            setModal(null);
            latest.current.logOutcome(modal.reasonFor, undefined, reason ?? null);
          }}
        />
      )}
      {modal === 'rejected' && <RejectedPanel onClose={() => setModal(null)} />}
      {modal === 'settings' && (
        <SettingsPanel
          settings={props.settings}
          session={props.session}
          version={props.version}
          onChange={props.onSettings}
          onSignOut={props.onSignOut}
          onClose={() => setModal(null)}
        />
      )}
      {modal === 'note' && selectedLeadId !== null && (
        <NoteDialog
          leadName={leadName}
          onClose={() => setModal(null)}
          onSave={(text) => {
            setModal(null);
            latest.current.run({ type: 'addNote', leadId: selectedLeadId, text }, 'Note saved.');
          }}
        />
      )}
      {(modal === 'callback' || modal === 'callback-outcome') && selectedLeadId !== null && (
        <CallbackPicker
          leadName={leadName}
          zone={zone}
          now={ticker.now()}
          purpose={modal === 'callback' ? 'callback' : 'outcome'}
          onClose={() => setModal(null)}
          onPick={(at, note) => {
            setModal(null);
            if (modal === 'callback-outcome') {
              latest.current.logOutcome('callback', at, null);
              return;
            }
            latest.current.run(
              {
                type: 'scheduleCallback',
                leadId: selectedLeadId,
                at: new Date(at).toISOString(),
                ...(note.trim() !== '' && { note: note.trim() }),
              },
              `Callback booked for ${weekdayTime(at, zone)}${zone ? ' their time' : ''}.`,
            );
          }}
        />
      )}
    </div>
  );
}

/**
 * The selection after a queue answer: the same lead where it is now; if it left the queue, the
 * row that took its place; a lead pinned from search stays.
 */
function reconcile(cur: Selection, queue: QueueState, pinned: string | null): Selection {
  if (queue.total === 0) return cur.id === pinned && pinned !== null ? cur : { id: null, index: 0 };
  if (cur.id !== null && cur.id === pinned) return cur;
  if (cur.id !== null) {
    const at = queue.items.findIndex((i) => i.lead.id === cur.id);
    if (at >= 0) return same(cur, { id: cur.id, index: queue.offset + at });
    if (queue.selectedFor === cur.id) {
      if (queue.selected) return same(cur, { id: cur.id, index: queue.selected.index });
      // It left the queue (an outcome closed it, it was reassigned).
      const index = Math.min(cur.index, queue.total - 1);
      return { id: itemAt(queue, index)?.lead.id ?? null, index };
    }
    return cur; // asked about another lead; the next answer tells about this one
  }
  const index = Math.min(cur.index, queue.total - 1);
  return same(cur, { id: itemAt(queue, index)?.lead.id ?? null, index });
}

/** Keeps the old object when nothing changed, so React skips the re-render. */
function same(a: Selection, b: Selection): Selection {
  return a.id === b.id && a.index === b.index ? a : b;
}

/** The selected lead's row: from the window, or the one the answer carried for it. */
function selectedItemOf(queue: QueueState, sel: Selection): AppQueueItem | null {
  if (sel.id === null) return null;
  const inWindow = itemAt(queue, sel.index);
  if (inWindow?.lead.id === sel.id) return inWindow;
  if (queue.selected?.item.lead.id === sel.id) return queue.selected.item;
  return queue.items.find((i) => i.lead.id === sel.id) ?? null;
}

/** What a queue row knows of its lead, shaped as the full view (the rest arrives with lead.get). */
function placeholderView(item: AppQueueItem): LocalLead {
  const l = item.lead;
  return {
    lead: {
      ...l,
      externalId: null,
      region: null,
      message: null,
      signals: [],
      fields: {},
      scoreReasons: [],
      teamId: null,
      assignedTo: null,
      assignedAt: null,
      lastAttemptAt: null,
      createdAt: l.receivedAt,
      updatedAt: l.receivedAt,
    },
    timeline: [],
    pending: item.pending,
    revoked: null,
  };
}
