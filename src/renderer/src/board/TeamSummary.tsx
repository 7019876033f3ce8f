import { type JSX, memo, type ReactNode } from 'react';
import type { BoardView } from '../../../shared/board-view';
import { durationText, rateText } from './figures';
import { Age } from './Ticking';

/** The team's figures in one strip: what is waiting now, then today's work. */
export const TeamSummary = memo(function TeamSummary({
  board,
}: {
  readonly board: BoardView;
}): JSX.Element {
  const t = board.team;
  return (
    <section className="summary" aria-label="Team figures" data-testid="team-summary">
      <Tile label="Untouched" value={t.untouched} testId="team-untouched" alert={t.untouched > 0}>
        <Age since={t.oldestUntouchedAt} /> oldest
      </Tile>
      <Tile
        label="At risk"
        value={board.atRisk.length}
        testId="team-at-risk"
        alert={board.atRisk.length > 0}
      />
      <Tile label="Open" value={t.openQueue} testId="team-open" />
      <Tile label="Team queue" value={t.unassigned} testId="team-unassigned">
        <Age since={t.oldestUnassignedAt} /> oldest
      </Tile>
      <Tile label="Nurture" value={t.nurture} testId="team-nurture" />
      <span className="summary__gap" aria-hidden="true" />
      <Tile label="Attempts" value={t.attempts} testId="team-attempts" />
      <Tile label="Connects" value={t.connects} testId="team-connects">
        {rateText(t.contactRate)} contact
      </Tile>
      <Tile label="Qualified" value={t.qualified} />
      <Tile label="Meetings" value={t.meetingsBooked} />
      <Tile label="Speed p50" value={durationText(t.speedToLeadP50Ms)} testId="team-p50">
        p90 {durationText(t.speedToLeadP90Ms)} · {t.firstTouches} first
      </Tile>
      <Tile
        label="SLA breaches"
        value={t.slaBreaches}
        testId="team-breaches"
        alert={t.slaBreaches > 0}
      />
      <Tile label="Reps online" value={t.repsReceiving + t.repsOnline} testId="team-reps">
        {t.repsReceiving} receiving · {t.repsAway} away · {t.repsOffline} offline
      </Tile>
    </section>
  );
});

function Tile(props: {
  readonly label: string;
  readonly value: number | string;
  readonly testId?: string;
  readonly alert?: boolean;
  readonly children?: ReactNode;
}): JSX.Element {
  return (
    <div className={`tile${props.alert ? ' tile--alert' : ''}`}>
      <span className="tile__label">{props.label}</span>
      <strong className="tile__value" data-testid={props.testId}>
        {props.value}
      </strong>
      {props.children !== undefined && <span className="tile__sub">{props.children}</span>}
    </div>
  );
}
