import type { JSX } from 'react';
import type { BoardView } from '../../../shared/board-view';
import { shortDateTime } from '../lib/time';

/** Live, or since when the figures have not moved (the connection dropped). */
export function LiveBadge({
  live,
  at,
}: {
  readonly live: boolean;
  readonly at: number | null;
}): JSX.Element {
  return (
    <span className={`live${live ? ' live--on' : ''}`} data-testid="board-live">
      <span className="live__dot" aria-hidden="true" />
      {live ? 'Live' : at === null ? 'Offline' : `Offline: as of ${shortDateTime(at)}`}
    </span>
  );
}

/** One tab per team (an admin watches every team; a team lead has one and sees no tabs). */
export function TeamTabs({
  boards,
  current,
  onPick,
}: {
  readonly boards: readonly BoardView[];
  readonly current: string | null;
  readonly onPick?: (teamId: string) => void;
}): JSX.Element | null {
  if (boards.length === 0) return null;
  if (boards.length === 1 || !onPick) {
    const only = boards.find((b) => b.teamId === current) ?? boards[0];
    return <span className="board__team">{only?.teamName ?? ''}</span>;
  }
  return (
    <nav className="team-tabs" aria-label="Teams">
      {boards.map((b) => (
        <button
          key={b.teamId}
          className={`team-tabs__tab${b.teamId === current ? ' is-active' : ''}`}
          aria-current={b.teamId === current}
          onClick={() => onPick(b.teamId)}
        >
          {b.teamName ?? 'Team'}
        </button>
      ))}
    </nav>
  );
}
