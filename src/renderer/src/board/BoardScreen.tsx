import { type JSX, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { BoardPool } from '../../../shared/app-api';
import type { BoardState, BoardView } from '../../../shared/board-view';
import { HelpOverlay } from '../components/HelpOverlay';
import { Kbd } from '../components/Kbd';
import { call, errorText } from '../lib/api';
import { BOARD_SHORTCUTS, type BoardAction, boardActionFor, boardKeyFor } from '../lib/keymap';
import { BoardChartsPanel } from './BoardCharts';
import { LiveBadge, TeamTabs } from './BoardHeader';
import { AtRiskList, PoolList } from './LeadLists';
import type { RepChoice } from './rep-choices';
import { RepPicker } from './RepPicker';
import { RepQueueDialog } from './RepQueueDialog';
import { RepTable } from './RepTable';
import { cycleSort, DEFAULT_REP_SORT, nextSort, type RepColumn, sortReps } from './rep-sort';
import { TeamSummary } from './TeamSummary';
import { useAppBoard, usePool } from './use-app-board';
import { useCharts } from './use-charts';
import './board.css';

/*
 * The team board in the app (team leads and admins; loaded only when first shown, so a rep's
 * first paint does not carry it). The live figures come from the app's boards (`board.changed`),
 * the charts and lists from the server through the app. Every action is a key (lib/keymap.ts
 * BOARD_SHORTCUTS) and a click.
 */

type Pane = 'reps' | 'atRisk' | 'pool';
const PANES: readonly Pane[] = ['reps', 'atRisk', 'pool'];

/** A lead the keys act on: from the at-risk list or a pool. */
interface Target {
  readonly leadId: string;
  readonly name: string;
  /** Who holds it now (null: nobody), so the picker leaves them out. */
  readonly holder: string | null;
  readonly from: Pane;
}

type Dialog =
  | { readonly kind: 'pick'; readonly target: Target }
  | { readonly kind: 'queue'; readonly repId: string }
  | { readonly kind: 'help' }
  | null;

interface Props {
  readonly onInbox: () => void;
  readonly onToggleTheme: () => void;
}

export default function BoardScreen(props: Props): JSX.Element {
  const { state, error } = useAppBoard();
  const [teamId, setTeamId] = useState<string | null>(null);
  const board = boardOf(state, teamId);
  const [sort, setSort] = useState(DEFAULT_REP_SORT);
  const [pane, setPane] = useState<Pane>('reps');
  const [pool, setPool] = useState<BoardPool>('unassigned');
  const [selected, setSelected] = useState<Readonly<Record<Pane, string | null>>>({
    reps: null,
    atRisk: null,
    pool: null,
  });
  const [dialog, setDialog] = useState<Dialog>(null);
  const [flash, setFlash] = useState<string | null>(null);

  const people = state?.people;
  const nameOf = useCallback((id: string) => people?.[id]?.name ?? 'Someone', [people]);
  const reps = useMemo(
    () => (board ? sortReps(board.reps, sort, nameOf) : []),
    [board, sort, nameOf],
  );
  const team = board?.team;
  const charts = useCharts(
    loadCharts,
    board?.teamId ?? null,
    `${team?.day}|${team?.firstTouches}|${team?.slaBreaches}`,
  );
  const poolList = usePool(
    board?.teamId ?? null,
    pool,
    `${pool === 'unassigned' ? team?.unassigned : team?.nurture}|${team?.oldestUnassignedAt}`,
  );

  useEffect(() => {
    if (flash === null) return;
    const timer = setTimeout(() => setFlash(null), 6000);
    return () => clearTimeout(timer);
  }, [flash]);

  // ---- what the keys act on ---------------------------------------------------------------

  const idsOf = (p: Pane): readonly string[] =>
    p === 'reps'
      ? reps.map((r) => r.repId)
      : p === 'atRisk'
        ? (board?.atRisk.map((e) => e.leadId) ?? [])
        : (poolList.leads?.map((l) => l.id) ?? []);

  /** The highlighted id of a pane: the one picked if still listed, else the first row. */
  const currentId = (p: Pane): string | null => {
    const ids = idsOf(p);
    const id = selected[p];
    return id !== null && ids.includes(id) ? id : (ids[0] ?? null);
  };

  const targetOf = (p: Pane): Target | null => {
    const id = currentId(p);
    if (id === null || !board) return null;
    if (p === 'atRisk') {
      const entry = board.atRisk.find((e) => e.leadId === id);
      if (!entry) return null;
      const name = state?.leads[id]?.name ?? 'this lead';
      return { leadId: id, name, holder: entry.repId, from: p };
    }
    if (p === 'pool') {
      const lead = poolList.leads?.find((l) => l.id === id);
      return lead ? { leadId: id, name: lead.name, holder: lead.assignedTo, from: p } : null;
    }
    return null;
  };

  const move = (delta: number): void => {
    const ids = idsOf(pane);
    if (ids.length === 0) return;
    const at = Math.max(0, ids.indexOf(currentId(pane) ?? ''));
    const next = ids[Math.max(0, Math.min(ids.length - 1, at + delta))] ?? null;
    setSelected((cur) => ({ ...cur, [pane]: next }));
  };

  const choicesFor = (target: Target): RepChoice[] => {
    if (!board || !state) return [];
    const onBoard = new Map(board.reps.map((r) => [r.repId, r]));
    return Object.values(state.people)
      .filter(
        (p) => p.role === 'rep' && p.active && p.teamId === board.teamId && p.id !== target.holder,
      )
      .map((p) => ({
        id: p.id,
        name: p.name,
        presence: onBoard.get(p.id)?.presence ?? null,
        untouched: onBoard.get(p.id)?.untouched ?? null,
      }));
  };

  const reassign = (target: Target, rep: RepChoice): void => {
    setDialog(null);
    call('board.reassign', { leadId: target.leadId, toUserId: rep.id })
      .then(() => {
        setFlash(`${target.name} is now ${rep.name}’s.`);
        poolList.refresh();
      })
      .catch((e: unknown) => setFlash(`Not reassigned: ${errorText(e)}`));
  };

  const release = (target: Target): void => {
    if (target.from === 'pool' && pool === 'unassigned') {
      setFlash(`${target.name} is already in the team queue: reassign it to a rep (r).`);
      return;
    }
    // A held lead goes back to the team queue; one in the nurture pool comes back to sales.
    call('board.release', { leadId: target.leadId })
      .then((lead) => {
        const now =
          lead.assignedTo === null
            ? 'waits in the team queue'
            : `went to ${nameOf(lead.assignedTo)}`;
        setFlash(`Released ${target.name}: it ${now}.`);
        poolList.refresh();
      })
      .catch((e: unknown) => setFlash(`Not released: ${errorText(e)}`));
  };

  const drill = (): void => {
    const id = currentId(pane);
    if (id === null) return;
    if (pane === 'reps') {
      setDialog({ kind: 'queue', repId: id });
      return;
    }
    const target = targetOf(pane);
    if (target?.holder) setDialog({ kind: 'queue', repId: target.holder });
    else setFlash('Nobody holds this lead.');
  };

  const switchTeam = (step: 1 | -1): void => {
    const boards = state?.boards ?? [];
    if (boards.length < 2 || !board) return;
    const at = boards.findIndex((b) => b.teamId === board.teamId);
    const next = boards[(at + step + boards.length) % boards.length];
    if (next) setTeamId(next.teamId);
  };

  const perform = (action: BoardAction): void => {
    switch (action.type) {
      case 'next':
        move(1);
        return;
      case 'prev':
        move(-1);
        return;
      case 'nextPane':
      case 'prevPane': {
        const step = action.type === 'nextPane' ? 1 : PANES.length - 1;
        setPane((p) => PANES[(PANES.indexOf(p) + step) % PANES.length] ?? 'reps');
        return;
      }
      case 'pool':
        setPool((p) => (p === 'unassigned' ? 'nurture' : 'unassigned'));
        setPane('pool');
        return;
      case 'reassign':
      case 'release': {
        const target = targetOf(pane);
        if (!target) {
          setFlash(
            pane === 'reps'
              ? 'Pick a lead first: the at-risk list or the team queue (l).'
              : 'No lead here to move.',
          );
          return;
        }
        if (action.type === 'reassign') setDialog({ kind: 'pick', target });
        else release(target);
        return;
      }
      case 'drill':
        drill();
        return;
      case 'sortNext':
        setSort((s) => cycleSort(s, 1));
        return;
      case 'sortPrev':
        setSort((s) => cycleSort(s, -1));
        return;
      case 'sortFlip':
        setSort((s) => ({ ...s, direction: s.direction === 'asc' ? 'desc' : 'asc' }));
        return;
      case 'nextTeam':
        switchTeam(1);
        return;
      case 'prevTeam':
        switchTeam(-1);
        return;
      case 'inbox':
        props.onInbox();
        return;
      case 'theme':
        props.onToggleTheme();
        return;
      case 'help':
        setDialog({ kind: 'help' });
        return;
    }
  };

  // One key handler for the window, created once; it calls the newest `perform`.
  const latest = useRef(perform);
  latest.current = perform;
  const dialogRef = useRef(dialog);
  dialogRef.current = dialog;
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (dialogRef.current !== null || event.defaultPrevented) return;
      const target = event.target as HTMLElement | null;
      if (
        target &&
        (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))
      ) {
        return;
      }
      // A focused header button sorts with Enter itself (its click); the board's Enter is not it.
      if (event.key === 'Enter' && target instanceof HTMLButtonElement) return;
      const action = boardActionFor(event);
      if (!action) return;
      event.preventDefault();
      latest.current(action);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const pick = useMemo(
    () => ({
      rep: (id: string) => {
        setPane('reps');
        setSelected((cur) => ({ ...cur, reps: id }));
      },
      openRep: (id: string) => setDialog({ kind: 'queue', repId: id }),
      atRisk: (id: string) => {
        setPane('atRisk');
        setSelected((cur) => ({ ...cur, atRisk: id }));
      },
      pool: (id: string) => {
        setPane('pool');
        setSelected((cur) => ({ ...cur, pool: id }));
      },
      sort: (column: RepColumn) => setSort((s) => nextSort(s, column)),
    }),
    [],
  );

  const queueRepId = dialog?.kind === 'queue' ? dialog.repId : null;
  const loadQueue = useCallback(
    () =>
      queueRepId === null
        ? Promise.resolve([])
        : call('board.repQueue', { repId: queueRepId }).then((a) => a.items),
    [queueRepId],
  );

  return (
    <div className="board" data-testid="board">
      <header className="topbar">
        <span className="topbar__brand">Pounce</span>
        <span className="board__title">Team board</span>
        <TeamTabs boards={state?.boards ?? []} current={board?.teamId ?? null} onPick={setTeamId} />
        <LiveBadge live={state?.live ?? false} at={board?.at ?? null} />
        <span className="board__spacer" />
        <button className="topbar__button" onClick={props.onInbox} title="Back to the inbox">
          Inbox <Kbd k={boardKeyFor('inbox')} />
        </button>
        <button className="topbar__button" onClick={() => setDialog({ kind: 'help' })}>
          Shortcuts <Kbd k="?" />
        </button>
      </header>
      {flash !== null && (
        <p className="board__flash" role="status" data-testid="board-flash">
          {flash}
        </p>
      )}
      {error !== null && <p className="form-error">{error}</p>}
      {!board ? (
        <p className="board__waiting muted" data-testid="board-waiting">
          {state?.live
            ? 'Waiting for your team’s board from the server…'
            : 'Connecting to the server: the board is live only online.'}
        </p>
      ) : (
        <>
          <TeamSummary board={board} />
          <main className="board__grid">
            <RepTable
              reps={reps}
              nameOf={nameOf}
              sort={sort}
              onSort={pick.sort}
              selectedId={currentId('reps')}
              active={pane === 'reps'}
              onPick={pick.rep}
              onOpen={pick.openRep}
            />
            <div className="board__side">
              <AtRiskList
                entries={board.atRisk}
                leads={state?.leads ?? {}}
                nameOf={nameOf}
                selectedId={currentId('atRisk')}
                active={pane === 'atRisk'}
                onPick={pick.atRisk}
              />
              <div className="pool-tabs" role="tablist" aria-label="Leads nobody works">
                {(['unassigned', 'nurture'] as const).map((p) => (
                  <button
                    key={p}
                    role="tab"
                    aria-selected={pool === p}
                    className={`pool-tabs__tab${pool === p ? ' is-active' : ''}`}
                    onClick={() => {
                      setPool(p);
                      setPane('pool');
                    }}
                  >
                    {p === 'unassigned' ? 'Team queue' : 'Nurture pool'}{' '}
                    <span className="pane__count">
                      {p === 'unassigned' ? board.team.unassigned : board.team.nurture}
                    </span>
                  </button>
                ))}
                <Kbd k={boardKeyFor('pool')} />
              </div>
              <PoolList
                title={pool === 'unassigned' ? 'Team queue' : 'Nurture pool'}
                leads={poolList.leads}
                error={poolList.error}
                nameOf={nameOf}
                selectedId={currentId('pool')}
                active={pane === 'pool'}
                onPick={pick.pool}
                testId={`pool-${pool}`}
              />
              <p className="board__hint muted">
                <Kbd k={boardKeyFor('reassign')} /> reassign · <Kbd k={boardKeyFor('release')} />{' '}
                release · <Kbd k="↵" /> rep’s queue · <Kbd k={boardKeyFor('nextPane')} /> next pane
              </p>
            </div>
          </main>
          <BoardChartsPanel charts={charts.charts} error={charts.error} />
        </>
      )}
      {dialog?.kind === 'help' && (
        <HelpOverlay shortcuts={BOARD_SHORTCUTS} onClose={() => setDialog(null)} />
      )}
      {dialog?.kind === 'pick' && (
        <RepPicker
          leadName={dialog.target.name}
          choices={choicesFor(dialog.target)}
          onPick={(rep) => reassign(dialog.target, rep)}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog?.kind === 'queue' && (
        <RepQueueDialog
          repName={nameOf(dialog.repId)}
          load={loadQueue}
          onClose={() => setDialog(null)}
        />
      )}
    </div>
  );
}

function loadCharts(teamId: string) {
  return call('board.charts', { teamId });
}

/** The board shown: the one picked, else the first (a team lead has one). */
function boardOf(state: BoardState | null, teamId: string | null): BoardView | null {
  if (!state) return null;
  return state.boards.find((b) => b.teamId === teamId) ?? state.boards[0] ?? null;
}
