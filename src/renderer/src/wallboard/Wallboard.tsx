import { type JSX, useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { BoardChartsPanel } from '../board/BoardCharts';
import { LiveBadge, TeamTabs } from '../board/BoardHeader';
import { AtRiskList } from '../board/LeadLists';
import { RepTable } from '../board/RepTable';
import { DEFAULT_REP_SORT, nextSort, type RepColumn, sortReps } from '../board/rep-sort';
import { TeamSummary } from '../board/TeamSummary';
import { useCharts } from '../board/use-charts';
import { LiveFeed } from './live-feed';
import {
  keepSession,
  keptSession,
  logOut,
  readCharts,
  type WallboardSession,
} from './wallboard-api';
import { WallboardSignIn } from './WallboardSignIn';
import '../board/board.css';
import './wallboard.css';

/** Sign-in, then the board; back to sign-in when the session ends. */
export function Wallboard(): JSX.Element {
  const [session, setSession] = useState<WallboardSession | null>(keptSession);
  const [notice, setNotice] = useState<string | null>(null);
  const signedIn = useCallback((next: WallboardSession) => {
    keepSession(next);
    setNotice(null);
    setSession(next);
  }, []);
  const signedOut = useCallback((why: string | null) => {
    keepSession(null);
    setNotice(why);
    setSession(null);
  }, []);
  useTheme();
  if (!session) return <WallboardSignIn notice={notice} onSignedIn={signedIn} />;
  return <WallboardBoard key={session.token} session={session} onSignedOut={signedOut} />;
}

/**
 * The board, read-only and large: the same components as the app's Board view, without the
 * keys that move leads. Charts are read again every minute and when the figures they are made
 * of move.
 */
function WallboardBoard(props: {
  readonly session: WallboardSession;
  readonly onSignedOut: (why: string | null) => void;
}): JSX.Element {
  const { session, onSignedOut } = props;
  const feed = useMemo(
    () => new LiveFeed({ token: session.token, onSignedOut: (why) => onSignedOut(why) }),
    [session.token, onSignedOut],
  );
  useEffect(() => {
    feed.start();
    return () => feed.stop();
  }, [feed]);
  const state = useSyncExternalStore(feed.subscribe, feed.getState);
  const [teamId, setTeamId] = useState<string | null>(teamFromUrl);
  const board = state.boards.find((b) => b.teamId === teamId) ?? state.boards[0] ?? null;
  const [sort, setSort] = useState(DEFAULT_REP_SORT);
  const nameOf = useCallback((id: string) => state.people[id]?.name ?? 'Someone', [state.people]);
  const reps = useMemo(
    () => (board ? sortReps(board.reps, sort, nameOf) : []),
    [board, sort, nameOf],
  );
  const team = board?.team;
  const loadCharts = useCallback((id: string) => readCharts(session.token, id), [session.token]);
  const charts = useCharts(
    loadCharts,
    board?.teamId ?? null,
    `${team?.day}|${team?.firstTouches}|${team?.slaBreaches}`,
  );
  const onSort = useCallback((column: RepColumn) => setSort((s) => nextSort(s, column)), []);
  const signOut = (): void => {
    void logOut(session.token);
    onSignedOut(null);
  };

  return (
    <div className="board board--wall" data-testid="wallboard">
      <header className="topbar">
        <span className="topbar__brand">Pounce</span>
        <span className="board__title">Team board</span>
        <TeamTabs boards={state.boards} current={board?.teamId ?? null} onPick={setTeamId} />
        <LiveBadge live={state.live} at={board?.at ?? null} />
        <span className="board__spacer" />
        <WallClock />
        <button className="topbar__button wall__signout" onClick={signOut}>
          Sign out
        </button>
      </header>
      {!board ? (
        <p className="board__waiting muted" data-testid="board-waiting">
          {state.live ? 'Waiting for the team’s board…' : 'Connecting…'}
        </p>
      ) : (
        <>
          <TeamSummary board={board} />
          <main className="board__grid">
            <RepTable
              reps={reps}
              nameOf={nameOf}
              sort={sort}
              onSort={onSort}
              selectedId={null}
              active={false}
            />
            <div className="board__side">
              <AtRiskList
                entries={board.atRisk}
                leads={state.leads}
                nameOf={nameOf}
                selectedId={null}
                active={false}
              />
            </div>
          </main>
          <BoardChartsPanel charts={charts.charts} error={charts.error} big />
        </>
      )}
    </div>
  );
}

/** `/board?team=<id>` pins a team (an admin's TV for one floor). */
function teamFromUrl(): string | null {
  return new URLSearchParams(location.search).get('team');
}

/** `?theme=dark|light` pins the theme (a TV has no settings); else the system's. */
function useTheme(): void {
  useEffect(() => {
    const theme = new URLSearchParams(location.search).get('theme');
    if (theme === 'dark' || theme === 'light') document.documentElement.dataset['theme'] = theme;
  }, []);
}

/** The time on the wall, to the minute. */
function WallClock(): JSX.Element {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, []);
  return (
    <span className="wall__clock">
      {new Date(now).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}
    </span>
  );
}
