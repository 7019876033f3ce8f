import { type JSX, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AppQueueItem, AppSession, AppSettings, QueueLead } from '../../../shared/app-api';
import { nextAttemptAt } from '../../../shared/cadence';
import type { ClientCommand, LocalLead } from '../../../shared/client-api';
import { DISPOSITION_INFO, type Disposition } from '../../../shared/dispositions';
import { useQueue } from '../hooks/use-queue';
import { useStatus } from '../hooks/use-status';
import { call, errorText, onAppEvent } from '../lib/api';
import { type Action, actionFor } from '../lib/keymap';
import { ticker } from '../lib/ticker';
import { weekdayTime } from '../lib/time';
import { CallbackPicker } from './CallbackPicker';
import { HelpOverlay } from './HelpOverlay';
import { Kbd } from './Kbd';
import { LeadDetail } from './LeadDetail';
import { NoteDialog } from './NoteDialog';
import { QueueList } from './QueueList';
import { RejectedPanel } from './RejectedPanel';
import { SearchBox } from './SearchBox';
import { SettingsPanel } from './SettingsPanel';
import { StatusBar } from './StatusBar';

type Modal = 'help' | 'settings' | 'rejected' | 'note' | 'callback' | 'callback-outcome' | null;

interface Props {
  readonly session: AppSession;
  readonly settings: AppSettings;
  readonly version: string;
  readonly onSettings: (patch: Partial<AppSettings>) => void;
  readonly onToggleTheme: () => void;
  readonly onSignOut: () => void;
}

/**
 * The rep's day: the queue on the left, the selected lead on the right, the status bar below.
 * Every action is one key (lib/keymap.ts) and a button; every change goes to the app as one
 * command, which the app writes locally at once and syncs on its own.
 */
export function Inbox(props: Props): JSX.Element {
  const queue = useQueue();
  const { status, refresh: refreshStatus } = useStatus();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  /** A lead picked from search that is not in the queue (won, closed) stays up until a move. */
  const [pinned, setPinned] = useState<string | null>(null);
  const lastIndex = useRef(0);
  const [opened, setOpened] = useState(false);
  const [view, setView] = useState<LocalLead | null>(null);
  const [modal, setModal] = useState<Modal>(null);
  const [flash, setFlash] = useState<{ leadId: string; text: string } | null>(null);
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<readonly QueueLead[] | null>(null);
  const [activeResult, setActiveResult] = useState(0);
  const searchRef = useRef<HTMLInputElement>(null);

  const items = queue.items;
  const index = useMemo(
    () => (selectedId === null ? -1 : items.findIndex((i) => i.lead.id === selectedId)),
    [items, selectedId],
  );
  if (index >= 0) lastIndex.current = index;

  // The selected lead left the queue (an outcome closed it, it was reassigned): the row that took
  // its place is selected, so the rep's next key acts on what they see highlighted.
  useEffect(() => {
    if (!queue.loaded || items.length === 0) return;
    if (selectedId === null || (index < 0 && pinned !== selectedId)) {
      const next = items[Math.min(lastIndex.current, items.length - 1)];
      if (next) setSelectedId(next.lead.id);
    }
  }, [queue.loaded, items, index, selectedId, pinned]);

  // The whole lead (message, timeline) for the selection; refreshed with the queue.
  useEffect(() => {
    if (selectedId === null) {
      setView(null);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      call('lead.get', { id: selectedId })
        .then((v) => {
          if (live) setView(v);
        })
        .catch(() => undefined);
    }, 30);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [selectedId, queue.version]);

  // A toast clicked in the OS: bring that lead up.
  useEffect(
    () =>
      onAppEvent((event) => {
        if (event.type === 'lead.focus') {
          setSelectedId(event.leadId);
          setOpened(true);
        }
      }),
    [],
  );

  useEffect(() => {
    const untouched = queue.counts.untouched;
    document.title = untouched > 0 ? `(${untouched}) Pounce` : 'Pounce';
  }, [queue.counts.untouched]);

  const selected = index >= 0 ? (items[index] ?? null) : null;
  // Until lead.get answers (a few ms), the row's own data stands in, so keys pressed right
  // after moving act on the highlighted lead instead of being lost.
  const loaded = view?.lead.id === selectedId ? view : null;
  const selectedLead = loaded ?? (selected ? placeholderView(selected) : null);

  const run = useCallback(
    (command: ClientCommand, done?: string) => {
      call('lead.command', command)
        .then(() => {
          if (done && 'leadId' in command) setFlash({ leadId: command.leadId, text: done });
          refreshStatus();
        })
        .catch((error: unknown) => {
          const leadId = 'leadId' in command ? command.leadId : (selectedId ?? '');
          setFlash({ leadId, text: `Not saved: ${errorText(error)}` });
        });
    },
    [refreshStatus, selectedId],
  );

  const zone = selected?.row.timeZone ?? selectedLead?.lead.timezone ?? null;

  const logOutcome = useCallback(
    (disposition: Disposition, callbackAt?: number) => {
      const lead = selectedLead?.lead;
      if (!lead) return;
      const info = DISPOSITION_INFO[disposition];
      let next: string;
      switch (info.effect) {
        case 'retry': {
          const at = nextAttemptAt(lead.attempts + 1, ticker.now(), zone);
          next =
            at === null
              ? 'that was the last attempt on the ladder'
              : `next attempt ${weekdayTime(at, zone)}${zone ? ' their time' : ''}`;
          break;
        }
        case 'callback':
          next = callbackAt ? `callback ${weekdayTime(callbackAt, zone)}` : 'callback';
          break;
        case 'won':
          next = 'left your queue as won';
          break;
        case 'closed':
          next = 'closed';
          break;
        case 'nurture':
          next = 'back to marketing (nurture)';
          break;
      }
      run(
        {
          type: 'logOutcome',
          leadId: lead.id,
          disposition,
          ...(callbackAt !== undefined && { callbackAt: new Date(callbackAt).toISOString() }),
        },
        `Logged “${info.label}”: ${next}.`,
      );
    },
    [selectedLead, zone, run],
  );

  const open = useCallback(
    (at?: number) => {
      const item = at === undefined ? selected : items[at];
      if (!item) return;
      setSelectedId(item.lead.id);
      setOpened(true);
      if (item.lead.seenAt === null) run({ type: 'markSeen', leadId: item.lead.id });
    },
    [items, selected, run],
  );

  const move = useCallback(
    (to: number) => {
      const clamped = Math.max(0, Math.min(items.length - 1, to));
      const item = items[clamped];
      setPinned(null);
      if (item) setSelectedId(item.lead.id);
    },
    [items],
  );

  const openLink = useCallback(
    (url: string, what: string) => {
      call('link.open', { url })
        .then(() => selectedId && setFlash({ leadId: selectedId, text: what }))
        .catch((error: unknown) =>
          setFlash({ leadId: selectedId ?? '', text: `Could not open: ${errorText(error)}` }),
        );
    },
    [selectedId],
  );

  const dial = useCallback(() => {
    const lead = selectedLead?.lead ?? selected?.lead;
    if (!lead?.phone) return;
    if (lead.seenAt === null) run({ type: 'markSeen', leadId: lead.id });
    openLink(`tel:${lead.phone}`, `Calling ${lead.phone}… then log the outcome (1–8).`);
  }, [selectedLead, selected, openLink, run]);

  const email = useCallback(() => {
    const lead = selectedLead?.lead ?? selected?.lead;
    if (lead?.email) openLink(`mailto:${lead.email}`, `Writing to ${lead.email}.`);
  }, [selectedLead, selected, openLink]);

  const toggleReceiving = useCallback(() => {
    run({ type: 'setReceivingLeads', receiving: status?.receivingLeads === false });
  }, [run, status]);

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

  const perform = useCallback(
    (action: Action) => {
      switch (action.type) {
        case 'next':
          move(index < 0 ? lastIndex.current : index + 1);
          return;
        case 'prev':
          move(index < 0 ? lastIndex.current : index - 1);
          return;
        case 'first':
          move(0);
          return;
        case 'last':
          move(items.length - 1);
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
        case 'email':
          email();
          return;
        case 'outcome':
          if (action.disposition === 'callback') setModal('callback-outcome');
          else logOutcome(action.disposition);
          return;
        case 'callback':
          if (selectedLead) setModal('callback');
          return;
        case 'note':
          if (selectedLead) setModal('note');
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
      }
    },
    [
      index,
      items.length,
      move,
      open,
      flash,
      dial,
      email,
      logOutcome,
      selectedLead,
      toggleReceiving,
      props,
    ],
  );

  // One key handler for the window; fields and dialogs keep their own keys.
  const performRef = useRef(perform);
  performRef.current = perform;
  const modalRef = useRef(modal);
  modalRef.current = modal;
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
      const action = actionFor(event);
      if (!action) return;
      event.preventDefault();
      performRef.current(action);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const leadName = selectedLead?.lead.name ?? '';
  const flashText = flash && flash.leadId === selectedId ? flash.text : null;

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
          onMove={(d) =>
            setActiveResult((a) => Math.max(0, Math.min((results?.length ?? 1) - 1, a + d)))
          }
          onChoose={(lead) => {
            setPinned(lead.id);
            setSelectedId(lead.id);
            setOpened(true);
            closeSearch();
          }}
          onClose={closeSearch}
        />
        <span className="topbar__counts" data-testid="counts">
          <strong>{queue.counts.untouched}</strong> untouched · {queue.counts.total} in queue
        </span>
        <button className="topbar__button" onClick={() => setModal('settings')} title="Settings">
          Settings <Kbd k="," />
        </button>
      </header>

      <main className="panes">
        <section className="panes__queue" aria-label="Queue">
          {queue.error && <p className="form-error">{queue.error}</p>}
          {queue.loaded && items.length === 0 ? (
            <div className="queue queue--empty">
              <p>Your queue is empty.</p>
              <p className="muted">
                New leads appear here the moment they are routed to you
                {status?.receivingLeads === false ? ', once you turn receiving leads on (a)' : ''}.
              </p>
            </div>
          ) : (
            <QueueList items={items} selectedIndex={index} onPick={move} onOpen={open} />
          )}
        </section>
        <LeadDetail
          view={selectedLead}
          loading={loaded === null}
          item={selected}
          opened={opened}
          flash={flashText}
          onCall={dial}
          onEmail={email}
          onOutcome={(d) => perform({ type: 'outcome', disposition: d })}
          onCallback={() => perform({ type: 'callback' })}
          onNote={() => perform({ type: 'note' })}
        />
      </main>

      <StatusBar
        status={status}
        doNotDisturb={props.settings.doNotDisturb}
        onReviewRejected={() => setModal('rejected')}
        onToggleReceiving={toggleReceiving}
        onHelp={() => setModal('help')}
      />

      {modal === 'help' && <HelpOverlay onClose={() => setModal(null)} />}
      {modal === 'rejected' && (
        <RejectedPanel
          onClose={() => {
            setModal(null);
            refreshStatus();
          }}
        />
      )}
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
      {modal === 'note' && selectedLead && (
        <NoteDialog
          leadName={leadName}
          onClose={() => setModal(null)}
          onSave={(text) => {
            setModal(null);
            run({ type: 'addNote', leadId: selectedLead.lead.id, text }, 'Note saved.');
          }}
        />
      )}
      {(modal === 'callback' || modal === 'callback-outcome') && selectedLead && (
        <CallbackPicker
          leadName={leadName}
          zone={zone}
          now={ticker.now()}
          purpose={modal === 'callback' ? 'callback' : 'outcome'}
          onClose={() => setModal(null)}
          onPick={(at, note) => {
            setModal(null);
            if (modal === 'callback-outcome') {
              logOutcome('callback', at);
              return;
            }
            run(
              {
                type: 'scheduleCallback',
                leadId: selectedLead.lead.id,
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
