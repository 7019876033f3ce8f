import type { BoardCharts } from '../../../src/shared/board-charts';
import type { Db } from '../repos/db-types';
import { calendarDayAt } from './calendar-day';
import {
  addDays,
  type HistoryTeam,
  readDailyHistory,
  readTeamDayDetail,
  type TeamDayFigures,
} from './history';

/*
 * The board's charts for a team (`GET /api/v1/teams/:id/board/charts`): today read fresh on
 * every request, the days before it from a short-lived cache. A board asks again after every
 * first touch and every breach, and a large team's fortnight is tens of thousands of outcomes;
 * today's are a day's worth. Past days only change when an offline call from back then is
 * synced late (breaches are always "now"), so a past day may lag by up to `pastDaysTtlMs`.
 *
 *   const charts = new ChartsReader({ db, clock });
 *   const body = await charts.read({ id: team.id, zone }, 14);
 */

export interface ChartsReaderDeps {
  /** The reader connection (committed data). */
  readonly db: Db;
  readonly clock: () => number;
  /** How long a past day's figures are reused (default 5 min). */
  readonly pastDaysTtlMs?: number;
}

/** Past team days kept at most; beyond, the cache starts over (teams x 31 days is far below). */
const MAX_ENTRIES = 50_000;

export class ChartsReader {
  private readonly past = new Map<string, { readonly at: number; readonly day: TeamDayFigures }>();
  private readonly ttlMs: number;

  constructor(private readonly deps: ChartsReaderDeps) {
    this.ttlMs = deps.pastDaysTtlMs ?? 5 * 60_000;
  }

  /** The charts of `days` days (1-31), today (in the team's zone) last. */
  async read(team: HistoryTeam, days: number): Promise<BoardCharts> {
    const now = this.deps.clock();
    const today = calendarDayAt(team.zone, now).key;
    const detail = await readTeamDayDetail(this.deps.db, team, today);
    const earlier =
      days > 1 ? await this.pastDays(team, addDays(today, -(days - 1)), today, now) : [];
    return {
      zone: team.zone,
      today: {
        day: today,
        speedToLeadMs: [...detail.speedToLeadMs],
        breachesByHour: [...detail.breachesByHour],
      },
      daily: [...earlier, detail.figures].map((d) => ({
        day: d.day,
        firstTouches: d.firstTouches,
        speedToLeadP50Ms: d.speedToLeadP50Ms,
        speedToLeadP90Ms: d.speedToLeadP90Ms,
        slaBreaches: d.slaBreaches,
      })),
    };
  }

  /** The team's days from `from` up to (not including) `today`; what is missing read at once. */
  private async pastDays(
    team: HistoryTeam,
    from: string,
    today: string,
    now: number,
  ): Promise<TeamDayFigures[]> {
    const keys: string[] = [];
    for (let day = from; day < today; day = addDays(day, 1)) keys.push(day);
    const key = (day: string) => `${team.id}|${team.zone}|${day}`;
    const fresh = (day: string) => {
      const entry = this.past.get(key(day));
      return entry !== undefined && now - entry.at < this.ttlMs && entry.at <= now;
    };
    const missing = keys.filter((day) => !fresh(day));
    const first = missing[0];
    const last = missing[missing.length - 1];
    if (first !== undefined && last !== undefined) {
      const history = await readDailyHistory(this.deps.db, [team], { from: first, to: last });
      if (this.past.size + history.teams.length > MAX_ENTRIES) this.past.clear();
      for (const day of history.teams) this.past.set(key(day.day), { at: now, day });
    }
    return keys.flatMap((day) => {
      const entry = this.past.get(key(day));
      return entry ? [entry.day] : [];
    });
  }
}
