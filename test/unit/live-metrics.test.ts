import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BoardChange,
  type BoardDeltaMessage,
  type BoardRep,
  type BoardSnapshotMessage,
  parseBoardMessage,
  type PresenceState,
} from '../../src/shared/board-protocol';
import { DISPOSITION_INFO, DISPOSITIONS, type Disposition } from '../../src/shared/dispositions';
import type { LeadTier } from '../../src/shared/lead';
import { calendarDayAt } from '../../sync-server/src/metrics/calendar-day';
import { LiveMetrics } from '../../sync-server/src/metrics/live-metrics';
import type { MetricsEvent, MetricsLead } from '../../sync-server/src/metrics/metrics-events';
import { OrderStatistics } from '../../sync-server/src/metrics/order-statistics';
import {
  type MetricsBreachRow,
  type MetricsOutcomeRow,
  type MetricsRepRow,
  rebuildFromRows,
} from '../../sync-server/src/metrics/rebuild';

/*
 * The live board's figures against a scripted day whose every figure is worked out by hand in
 * the comments, with a controllable clock (every time is an argument), then a property test:
 * whatever the history, the incremental state equals a rebuild from its end state, and the
 * deltas folded onto the first snapshot give the last one.
 */

const MIN = 60_000;
const HOUR = 60 * MIN;
const ZONE = 'America/New_York'; // June: EDT, UTC-4
const DAY = '2026-06-03'; // a Wednesday
const NEXT_DAY = '2026-06-04';
/** Wall time in New York on DAY (or `day`), e.g. t('08:05'). */
const t = (hhmm: string, day = DAY) => Date.parse(`${day}T${hhmm}:00-04:00`);
/** First-touch targets (the `alert_lead` step is at 100% of them, from the assignment). */
const SLA: Record<LeadTier, number> = { hot: 5 * MIN, warm: 30 * MIN, cold: 240 * MIN };
const TEAM = 't1';
const [A, B, C] = ['rep-a', 'rep-b', 'rep-c'] as const;

/** Where each disposition leaves a lead its holder logged it for (retry: still working). */
function statusAfter(disposition: Disposition): MetricsLead['status'] {
  const effect = DISPOSITION_INFO[disposition].effect;
  return effect === 'retry' || effect === 'callback' ? 'working' : effect;
}

/**
 * The server's side of the script: keeps each lead as the database would, and sends the event
 * a committed change would send. Each call returns the board changes for the team.
 */
class Script {
  readonly metrics: LiveMetrics;
  readonly deltas: BoardDeltaMessage[] = [];
  private readonly leads = new Map<string, MetricsLead>();

  constructor(start: number, atRiskSize = 3) {
    this.metrics = new LiveMetrics({ zone: ZONE, atRiskSize }, start);
  }

  route(at: number, id: string, tier: LeadTier, receivedAt: number, repId: string) {
    const lead = this.set({
      id,
      teamId: TEAM,
      tier,
      receivedAt,
      status: 'assigned',
      repId,
      touched: false,
      slaDueAt: at + SLA[tier],
    });
    return this.send({ type: 'lead.routed', at, lead: { ...lead, status: 'assigned', repId } });
  }

  queue(at: number, id: string, tier: LeadTier, receivedAt: number) {
    const lead = this.set({
      id,
      teamId: TEAM,
      tier,
      receivedAt,
      status: 'unassigned',
      repId: null,
      touched: false,
      slaDueAt: null,
    });
    return this.send({ type: 'lead.queued', at, lead: { ...lead, status: 'unassigned' } });
  }

  nurture(at: number, id: string, tier: LeadTier, receivedAt: number) {
    const lead = this.set({
      id,
      teamId: TEAM,
      tier,
      receivedAt,
      status: 'nurture',
      repId: null,
      touched: false,
      slaDueAt: null,
    });
    return this.send({ type: 'lead.nurtured', at, lead: { ...lead, status: 'nurture' } });
  }

  reassign(at: number, id: string, to: string) {
    const prev = this.get(id);
    const status = prev.touched ? 'working' : 'assigned';
    const lead = this.set({
      ...prev,
      status,
      repId: to,
      slaDueAt: prev.touched ? null : at + SLA[prev.tier],
    });
    return this.send({
      type: 'lead.reassigned',
      at,
      lead: { ...lead, status, repId: to },
      fromRepId: prev.repId,
      by: 'manual',
    });
  }

  outcome(at: number, id: string, repId: string, disposition: Disposition, occurredAt = at) {
    const prev = this.get(id);
    const lead = this.set({
      ...prev,
      status: statusAfter(disposition),
      touched: true,
      slaDueAt: null,
    });
    return this.send({
      type: 'outcome.logged',
      at,
      lead,
      outcome: { id: `o-${id}-${at}`, repId, disposition, occurredAt, firstTouch: !prev.touched },
    });
  }

  breach(at: number, id: string) {
    const lead = this.get(id);
    return this.send({
      type: 'sla.breached',
      at,
      leadId: id,
      teamId: TEAM,
      repId: lead.repId ?? '',
    });
  }

  presence(
    at: number,
    repId: string,
    facts: { connected?: boolean; receivingLeads?: boolean; away?: boolean },
  ) {
    return this.send({ type: 'rep.presence', at, repId, teamId: TEAM, ...facts });
  }

  advance(now: number): BoardChange[] {
    return this.collect(this.metrics.advance(now));
  }

  board(now: number): BoardSnapshotMessage {
    const { snapshot, deltas } = this.metrics.snapshot(TEAM, now);
    this.collect(deltas);
    return snapshot;
  }

  rep(now: number, repId: string): BoardRep {
    const rep = this.board(now).reps.find((r) => r.repId === repId);
    if (!rep) throw new Error(`${repId} is not on the board`);
    return rep;
  }

  private send(event: MetricsEvent): BoardChange[] {
    return this.collect(this.metrics.apply(event));
  }

  private collect(deltas: BoardDeltaMessage[]): BoardChange[] {
    this.deltas.push(...deltas);
    return deltas.filter((d) => d.teamId === TEAM).flatMap((d) => d.changes);
  }

  private get(id: string): MetricsLead {
    const lead = this.leads.get(id);
    if (!lead) throw new Error(`no lead ${id} in the script`);
    return lead;
  }

  private set(lead: MetricsLead): MetricsLead {
    this.leads.set(lead.id, lead);
    return lead;
  }
}

/** The scripted morning, 07:55 to 09:30, shared by the tests that read its figures. */
function morning(): Script {
  const s = new Script(t('07:00'));
  s.presence(t('07:55'), A, { connected: true, receivingLeads: true });
  s.presence(t('07:55'), B, { connected: true });
  s.presence(t('07:55'), C, {});
  s.route(t('08:00'), 'L1', 'hot', t('08:00'), A); //   due 08:05
  s.route(t('08:01'), 'L2', 'warm', t('08:01'), B); //  due 08:31
  s.route(t('08:02'), 'L3', 'cold', t('08:02'), A); //  due 12:02
  s.queue(t('08:03'), 'L4', 'hot', t('08:03'));
  s.nurture(t('08:04'), 'L5', 'cold', t('08:04'));
  s.outcome(t('08:04'), 'L1', A, 'no_answer'); //      first touch: 08:04 - 08:00 = 4 min
  s.route(t('08:10'), 'L6', 'hot', t('08:10'), C); //   due 08:15
  s.route(t('08:11'), 'L7', 'cold', t('08:11'), B); //  due 12:11
  s.breach(t('08:15'), 'L6'); //                         C's hold of L6 passes its target
  s.reassign(t('08:20'), 'L6', B); //                    to B, due 08:25
  s.outcome(t('08:22'), 'L6', B, 'callback'); //        first touch: 08:22 - 08:10 = 12 min
  s.outcome(t('08:30'), 'L2', B, 'voicemail'); //       first touch: 08:30 - 08:01 = 29 min
  s.route(t('09:00'), 'L4', 'hot', t('08:03'), C); //   from the queue, due 09:05
  s.outcome(t('09:02'), 'L4', C, 'qualified'); //       first touch: 09:02 - 08:03 = 59 min; won
  s.outcome(t('09:10'), 'L1', A, 'meeting_booked'); //  second attempt on L1; won
  s.outcome(t('09:30'), 'L3', A, 'not_interested'); //  first touch: 09:30 - 08:02 = 88 min; closed
  return s;
}

describe('nearest-rank percentiles', () => {
  it('takes the value at rank ceil(p/100 * n), never an average', () => {
    const s = new OrderStatistics();
    expect(s.percentile(50)).toBeNull();
    for (const v of [7, 3, 9, 1, 5]) s.insert(v);
    expect(s.toArray()).toEqual([1, 3, 5, 7, 9]);
    // n = 5 (odd): p50 rank ceil(2.5) = 3 -> 5; p90 rank ceil(4.5) = 5 -> 9.
    expect(s.percentile(50)).toBe(5);
    expect(s.percentile(90)).toBe(9);
    s.insert(4);
    // n = 6 (even), [1, 3, 4, 5, 7, 9]: p50 rank ceil(3) = 3 -> 4 (the lower middle, not 4.5).
    expect(s.percentile(50)).toBe(4);
    expect(s.percentile(90)).toBe(9); // rank ceil(5.4) = 6
  });

  it('p90 of 10 samples is the 9th, of 11 the 10th; the array grows past its first size', () => {
    const s = new OrderStatistics();
    for (let v = 10; v >= 1; v--) s.insert(v * 1000);
    expect(s.percentile(90)).toBe(9000); // rank ceil(9) = 9
    expect(s.percentile(50)).toBe(5000); // rank ceil(5) = 5
    s.insert(11_000);
    expect(s.percentile(90)).toBe(10_000); // rank ceil(9.9) = 10
    expect(s.percentile(50)).toBe(6000); // rank ceil(5.5) = 6
    for (let v = 0; v < 200; v++) s.insert(v);
    expect(s.size).toBe(211);
    expect(s.toArray()).toEqual([...s.toArray()].sort((a, b) => a - b));
    s.clear();
    expect(s.percentile(90)).toBeNull();
  });
});

describe('the calendar day in the team zone', () => {
  it('starts at local midnight and is 23 or 25 hours long on the days clocks change', () => {
    expect(calendarDayAt(ZONE, t('12:00'))).toEqual({
      key: DAY,
      start: Date.parse('2026-06-03T04:00:00Z'),
      end: Date.parse('2026-06-04T04:00:00Z'),
    });
    const spring = calendarDayAt(ZONE, Date.parse('2026-03-08T12:00:00-04:00'));
    expect(spring.key).toBe('2026-03-08');
    expect(spring.end - spring.start).toBe(23 * HOUR);
    const autumn = calendarDayAt('Europe/Berlin', Date.parse('2026-10-25T12:00:00+01:00'));
    expect(autumn.end - autumn.start).toBe(25 * HOUR);
    // The last millisecond of a day is in it; its end is the next day's.
    expect(calendarDayAt(ZONE, t('00:00', NEXT_DAY) - 1).key).toBe(DAY);
    expect(calendarDayAt(ZONE, t('00:00', NEXT_DAY)).key).toBe(NEXT_DAY);
  });

  it('refuses an unknown zone naming the setting', () => {
    expect(() => new LiveMetrics({ zone: 'Mars/Olympus' }, 0)).toThrow(/metrics\.zone/);
    expect(() => new LiveMetrics({ zone: ZONE, teamZones: { x: 'Nope/Nope' } }, 0)).toThrow(
      /metrics\.teamZones\.x/,
    );
    expect(() => new LiveMetrics({ zone: ZONE, atRiskSize: 0 }, 0)).toThrow(/atRiskSize/);
  });
});

describe('a scripted day for a team of three', () => {
  it('counts attempts, connects, contact rate, wins and speed-to-lead per rep', () => {
    const s = morning();
    const now = t('09:30');
    // A: no_answer (L1), meeting_booked (L1), not_interested (L3) = 3 attempts; connects are
    // meeting_booked and not_interested = 2; contact rate 2/3. First touches L1 4 min and L3
    // 88 min: n = 2, p50 rank ceil(1) = 1 -> 4 min, p90 rank ceil(1.8) = 2 -> 88 min.
    expect(s.rep(now, A)).toMatchObject({
      day: DAY,
      attempts: 3,
      connects: 2,
      contactRate: 2 / 3,
      qualified: 0,
      meetingsBooked: 1,
      firstTouches: 2,
      speedToLeadP50Ms: 4 * MIN,
      speedToLeadP90Ms: 88 * MIN,
      openQueue: 0, // L1 won, L3 closed
      untouched: 0,
      oldestUntouchedAt: null,
      slaBreaches: 0,
    });
    // B: callback (connected) on L6, voicemail on L2: 2 attempts, 1 connect, rate 1/2. First
    // touches 12 and 29 min: p50 rank 1 -> 12 min, p90 rank 2 -> 29 min. Holds L2 and L6
    // (working) and L7 (untouched since 08:11).
    expect(s.rep(now, B)).toMatchObject({
      attempts: 2,
      connects: 1,
      contactRate: 0.5,
      firstTouches: 2,
      speedToLeadP50Ms: 12 * MIN,
      speedToLeadP90Ms: 29 * MIN,
      openQueue: 3,
      untouched: 1,
      oldestUntouchedAt: t('08:11'),
      slaBreaches: 0,
    });
    // C: qualified on L4 (1 attempt, 1 connect, rate 1); first touch 59 min (n = 1: both
    // percentiles are that sample). The breach of L6 happened in C's hands.
    expect(s.rep(now, C)).toMatchObject({
      attempts: 1,
      connects: 1,
      contactRate: 1,
      qualified: 1,
      firstTouches: 1,
      speedToLeadP50Ms: 59 * MIN,
      speedToLeadP90Ms: 59 * MIN,
      openQueue: 0,
      slaBreaches: 1,
    });
  });

  it('gives the team the same totals over its leads, with the queue and the nurture pool', () => {
    const s = morning();
    const board = s.board(t('09:30'));
    // 3 + 2 + 1 = 6 attempts, 2 + 1 + 1 = 4 connects: 4/6. First touches, sorted:
    // [4, 12, 29, 59, 88] min; n = 5 (odd): p50 rank ceil(2.5) = 3 -> 29 min, p90 rank
    // ceil(4.5) = 5 -> 88 min.
    expect(board.team).toMatchObject({
      day: DAY,
      dayStartAt: Date.parse('2026-06-03T04:00:00Z'),
      attempts: 6,
      connects: 4,
      contactRate: 4 / 6,
      qualified: 1,
      meetingsBooked: 1,
      slaBreaches: 1,
      firstTouches: 5,
      speedToLeadP50Ms: 29 * MIN,
      speedToLeadP90Ms: 88 * MIN,
      openQueue: 3, // L2, L6, L7 (B)
      untouched: 1, // L7
      oldestUntouchedAt: t('08:11'),
      unassigned: 0, // L4 left the queue at 09:00
      oldestUnassignedAt: null,
      nurture: 1, // L5
      repsReceiving: 1,
      repsOnline: 1,
      repsOffline: 1,
      repsAway: 0,
    });
    expect(board.atRisk).toEqual([
      { leadId: 'L7', repId: B, tier: 'cold', receivedAt: t('08:11'), slaDueAt: t('12:11') },
    ]);

    // A sixth first touch makes the count even: L8 received 09:52, touched 10:02 = 10 min.
    s.route(t('10:00'), 'L8', 'warm', t('09:52'), A);
    s.outcome(t('10:02'), 'L8', A, 'no_answer');
    // Team [4, 10, 12, 29, 59, 88] min, n = 6: p50 rank ceil(3) = 3 -> 12 min (the lower
    // middle; an interpolated median would be 20.5 min), p90 rank ceil(5.4) = 6 -> 88 min.
    const after = s.board(t('10:02'));
    expect(after.team).toMatchObject({
      firstTouches: 6,
      speedToLeadP50Ms: 12 * MIN,
      speedToLeadP90Ms: 88 * MIN,
      attempts: 7,
      contactRate: 4 / 7,
    });
    // A: [4, 10, 88] min, n = 3: p50 rank ceil(1.5) = 2 -> 10 min, p90 rank ceil(2.7) = 3.
    expect(after.reps.find((r) => r.repId === A)).toMatchObject({
      attempts: 4,
      contactRate: 2 / 4,
      speedToLeadP50Ms: 10 * MIN,
      speedToLeadP90Ms: 88 * MIN,
      openQueue: 1,
    });
  });

  it('tracks the queue as leads arrive: untouched count and the oldest untouched lead', () => {
    const s = new Script(t('07:00'));
    s.route(t('08:00'), 'L1', 'hot', t('08:00'), A);
    s.route(t('08:02'), 'L3', 'cold', t('08:02'), A);
    // A holds L1 (08:00) and L3 (08:02), both untouched: the oldest is L1, 2 min older.
    expect(s.rep(t('08:02'), A)).toMatchObject({
      openQueue: 2,
      untouched: 2,
      oldestUntouchedAt: t('08:00'),
    });
    // Touching L1 leaves L3 the oldest; L1 stays open (working).
    const changes = s.outcome(t('08:04'), 'L1', A, 'no_answer');
    expect(changes).toContainEqual({
      kind: 'rep',
      repId: A,
      set: expect.objectContaining({ untouched: 1, oldestUntouchedAt: t('08:02') }) as unknown,
    });
    expect(s.rep(t('08:04'), A)).toMatchObject({ openQueue: 2, untouched: 1 });
  });

  it('moves the untouched count with a reassignment and sends only what changed', () => {
    const s = new Script(t('07:00'));
    s.route(t('08:01'), 'L2', 'warm', t('08:01'), B); // due 08:31
    s.route(t('08:02'), 'L3', 'cold', t('08:02'), A); // due 12:02
    s.route(t('08:10'), 'L6', 'hot', t('08:10'), C); //  due 08:15
    // L7 lands fourth by deadline (12:11): below the top 3, so the at-risk list is unchanged,
    // and the team's oldest untouched (L2, 08:01) too: open 3 -> 4, untouched 3 -> 4.
    expect(s.route(t('08:11'), 'L7', 'cold', t('08:11'), B)).toEqual([
      { kind: 'team', set: { openQueue: 4, untouched: 4 } },
      { kind: 'rep', repId: B, set: { openQueue: 2, untouched: 2 } },
    ]);
    // C -> B: C's only lead goes (1 -> 0, no oldest); B gains it (2 -> 3; oldest still L2 at
    // 08:01). The team holds as many as before: no team change. L6's new deadline (08:20 +
    // 5 min) keeps it first in the at-risk list, in B's hands.
    expect(s.reassign(t('08:20'), 'L6', B)).toEqual([
      { kind: 'rep', repId: C, set: { openQueue: 0, untouched: 0, oldestUntouchedAt: null } },
      { kind: 'rep', repId: B, set: { openQueue: 3, untouched: 3 } },
      {
        kind: 'atRisk',
        entries: [
          { leadId: 'L6', repId: B, tier: 'hot', receivedAt: t('08:10'), slaDueAt: t('08:25') },
          { leadId: 'L2', repId: B, tier: 'warm', receivedAt: t('08:01'), slaDueAt: t('08:31') },
          { leadId: 'L3', repId: A, tier: 'cold', receivedAt: t('08:02'), slaDueAt: t('12:02') },
        ],
      },
    ]);
  });

  it('orders the at-risk list by deadline and sends it when its top N changes', () => {
    const s = new Script(t('07:00'));
    const ids = (changes: BoardChange[]) =>
      changes.flatMap((c) => (c.kind === 'atRisk' ? [c.entries.map((e) => e.leadId)] : []));
    expect(ids(s.route(t('08:00'), 'L1', 'hot', t('08:00'), A))).toEqual([['L1']]);
    expect(ids(s.route(t('08:01'), 'L2', 'warm', t('08:01'), B))).toEqual([['L1', 'L2']]);
    expect(ids(s.route(t('08:02'), 'L3', 'cold', t('08:02'), A))).toEqual([['L1', 'L2', 'L3']]);
    // Touched: L1 leaves; the list shrinks.
    expect(ids(s.outcome(t('08:04'), 'L1', A, 'no_answer'))).toEqual([['L2', 'L3']]);
    // A hot lead due 08:15 goes to the front, ahead of L2 (08:31) and L3 (12:02).
    expect(ids(s.route(t('08:10'), 'L6', 'hot', t('08:10'), C))).toEqual([['L6', 'L2', 'L3']]);
    // Due 12:11, fourth: the top 3 does not change, nothing is sent.
    expect(ids(s.route(t('08:11'), 'L7', 'cold', t('08:11'), B))).toEqual([]);
    // L2 touched: L7 moves up into the top 3.
    expect(ids(s.outcome(t('08:30'), 'L2', B, 'voicemail'))).toEqual([['L6', 'L3', 'L7']]);
    // A breached lead stays at risk (still untouched) until it is touched or moved.
    s.breach(t('08:15'), 'L6');
    expect(s.board(t('08:31')).atRisk.map((e) => e.leadId)).toEqual(['L6', 'L3', 'L7']);
    // Leads without a deadline (queued) are never on it.
    expect(ids(s.queue(t('08:32'), 'L9', 'hot', t('08:32')))).toEqual([]);
  });

  it('shows presence by precedence: away > offline > receiving > online', () => {
    const s = new Script(t('07:00'));
    const presence = (changes: BoardChange[]): (PresenceState | undefined)[] =>
      changes.flatMap((c) => (c.kind === 'rep' ? [c.set.presence] : []));
    // A rep the board has not met comes with every figure, offline by default.
    const joined = s.presence(t('07:50'), A, {});
    expect(joined).toContainEqual({
      kind: 'rep',
      repId: A,
      set: expect.objectContaining({ presence: 'offline', presenceSince: t('07:50') }) as unknown,
    });
    // The switch alone, with no connection: still offline, and nothing to send.
    expect(s.presence(t('07:55'), A, { receivingLeads: true })).toEqual([]);
    expect(presence(s.presence(t('08:00'), A, { connected: true }))).toEqual(['receiving']);
    expect(presence(s.presence(t('08:30'), A, { receivingLeads: false }))).toEqual(['online']);
    expect(presence(s.presence(t('09:00'), A, { receivingLeads: true }))).toEqual(['receiving']);
    // Away wins over a live connection with the switch on...
    expect(presence(s.presence(t('10:30'), A, { away: true }))).toEqual(['away']);
    // ... and over offline: disconnecting while away changes nothing on the board.
    expect(s.presence(t('10:31'), A, { connected: false })).toEqual([]);
    expect(s.rep(t('10:45'), A)).toMatchObject({ presence: 'away', presenceSince: t('10:30') });
    // Back from away but not connected: offline; reconnecting: receiving (switch still on).
    expect(presence(s.presence(t('11:00'), A, { away: false }))).toEqual(['offline']);
    expect(presence(s.presence(t('11:05'), A, { connected: true }))).toEqual(['receiving']);
    expect(s.board(t('11:05')).team).toMatchObject({
      repsReceiving: 1,
      repsAway: 0,
      repsOffline: 0,
    });
    // Off the team: removed from its board.
    expect(
      s.metrics.apply({ type: 'rep.presence', at: t('11:10'), repId: A, teamId: null }),
    ).toMatchObject([{ changes: [{ kind: 'rep.removed', repId: A }, { kind: 'team' }] }]);
    expect(s.board(t('11:10')).reps).toEqual([]);
  });

  it('rolls the day over at local midnight: daily counters restart, the queue stays', () => {
    const s = morning();
    expect(s.metrics.nextRolloverAt()).toBe(t('00:00', NEXT_DAY)); // 04:00 UTC
    expect(s.advance(t('00:00', NEXT_DAY) - 1)).toEqual([]);
    const changes = s.advance(t('00:00', NEXT_DAY));
    expect(changes).toContainEqual({
      kind: 'team',
      set: {
        day: NEXT_DAY,
        dayStartAt: t('00:00', NEXT_DAY),
        slaBreaches: 0,
        attempts: 0,
        connects: 0,
        contactRate: null, // no attempts yet today
        qualified: 0,
        meetingsBooked: 0,
        firstTouches: 0,
        speedToLeadP50Ms: null,
        speedToLeadP90Ms: null,
      },
    });
    // Every rep starts the day at zero too (C had a breach; its day moves with the team's).
    expect(s.rep(t('00:01', NEXT_DAY), C)).toMatchObject({
      day: NEXT_DAY,
      attempts: 0,
      slaBreaches: 0,
      contactRate: null,
    });
    // What is open is not daily: B still holds L2, L6, L7.
    expect(s.rep(t('00:01', NEXT_DAY), B)).toMatchObject({ openQueue: 3, untouched: 1 });
    expect(s.metrics.nextRolloverAt()).toBe(t('00:00', '2026-06-05'));

    // A call made at 23:58 yesterday, synced at 00:05: yesterday's, so not counted today, but
    // L7 is touched now (B's untouched 1 -> 0).
    s.outcome(t('00:05', NEXT_DAY), 'L7', B, 'no_answer', t('23:58'));
    expect(s.rep(t('00:05', NEXT_DAY), B)).toMatchObject({
      attempts: 0,
      firstTouches: 0,
      untouched: 0,
    });
    // Today's first: counted.
    s.outcome(t('00:10', NEXT_DAY), 'L2', B, 'callback');
    expect(s.board(t('00:10', NEXT_DAY)).team).toMatchObject({
      day: NEXT_DAY,
      attempts: 1,
      connects: 1,
      contactRate: 1,
    });
  });

  it('rolls each team over in its own zone', () => {
    const metrics = new LiveMetrics({ zone: ZONE, teamZones: { tokyo: 'Asia/Tokyo' } }, t('09:00'));
    metrics.apply({ type: 'rep.presence', at: t('09:00'), repId: A, teamId: TEAM });
    metrics.apply({ type: 'rep.presence', at: t('09:00'), repId: 'rep-t', teamId: 'tokyo' });
    // 09:00 in New York is 22:00 in Tokyo: Tokyo's midnight comes first (15:00 UTC).
    expect(metrics.nextRolloverAt()).toBe(Date.parse('2026-06-03T15:00:00Z'));
    const rolled = metrics.advance(Date.parse('2026-06-03T15:00:00Z'));
    expect(rolled.map((d) => d.teamId)).toEqual(['tokyo']);
    expect(metrics.snapshot('tokyo', t('11:00')).snapshot.team.day).toBe(NEXT_DAY);
    expect(metrics.snapshot(TEAM, t('11:00')).snapshot.team.day).toBe(DAY);
  });

  it('versions each team board so deltas follow a snapshot without gaps', () => {
    const s = morning();
    const board = s.board(t('09:30'));
    expect(board.version).toBe(s.deltas.length);
    expect(s.deltas.map((d) => d.version)).toEqual(s.deltas.map((_, i) => i + 1));
    // Every message the engine makes is a valid board message on the wire.
    for (const delta of s.deltas) {
      expect(parseBoardMessage(JSON.parse(JSON.stringify(delta)))).toEqual(delta);
    }
    expect(parseBoardMessage(JSON.parse(JSON.stringify(board)))).toEqual(board);
  });
});

describe('the board protocol', () => {
  it('drops change kinds and fields a newer server added; refuses malformed messages', () => {
    const delta = {
      type: 'board.delta',
      teamId: 't1',
      version: 3,
      at: 1,
      changes: [
        { kind: 'team', set: { attempts: 2, futureFigure: 7 } },
        { kind: 'forecast', horizon: 3 },
      ],
    };
    expect(parseBoardMessage(delta)).toEqual({
      type: 'board.delta',
      teamId: 't1',
      version: 3,
      at: 1,
      changes: [{ kind: 'team', set: { attempts: 2 } }],
    });
    expect(parseBoardMessage({ type: 'lead.assigned' })).toBeNull();
    expect(
      parseBoardMessage({ ...delta, changes: [{ kind: 'team', set: { attempts: -1 } }] }),
    ).toBeNull();
    expect(parseBoardMessage('board.delta')).toBeNull();
  });
});

/* ---------------------------------------------------------------------------------------- */
/* Property: the incremental state equals a rebuild from the end state.                     */
/* ---------------------------------------------------------------------------------------- */

const TEAMS = { ny: 'America/New_York', tokyo: 'Asia/Tokyo' } as const;
type TeamId = keyof typeof TEAMS;
const REPS: readonly { readonly id: string; readonly team: TeamId }[] = [
  { id: 'r1', team: 'ny' },
  { id: 'r2', team: 'ny' },
  { id: 'r3', team: 'ny' },
  { id: 'r4', team: 'tokyo' },
  { id: 'r5', team: 'tokyo' },
];
const LEAD_IDS = Array.from({ length: 14 }, (_, i) => `lead-${i}`);
const TIERS: readonly LeadTier[] = ['hot', 'warm', 'cold'];

type Command =
  | { readonly kind: 'intake'; readonly lead: number; readonly tier: number; readonly how: number }
  | { readonly kind: 'reassign'; readonly lead: number; readonly rep: number }
  | { readonly kind: 'release'; readonly lead: number }
  | {
      readonly kind: 'outcome';
      readonly lead: number;
      readonly rep: number;
      readonly disposition: number;
      /** How long before it was synced the call happened (offline clients). */
      readonly lateMs: number;
    }
  | { readonly kind: 'close'; readonly lead: number; readonly won: boolean }
  | { readonly kind: 'reopen'; readonly lead: number; readonly rep: number }
  | { readonly kind: 'breach'; readonly lead: number }
  | {
      readonly kind: 'presence';
      readonly rep: number;
      readonly fact: 'connected' | 'receivingLeads' | 'away';
      readonly value: boolean;
    }
  | { readonly kind: 'wait'; readonly ms: number };

const index = (n: number) => fc.nat({ max: n - 1 });
const commandArb: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    kind: fc.constant('intake' as const),
    lead: index(LEAD_IDS.length),
    tier: index(3),
    how: index(4),
  }),
  fc.record({
    kind: fc.constant('reassign' as const),
    lead: index(LEAD_IDS.length),
    rep: index(5),
  }),
  fc.record({ kind: fc.constant('release' as const), lead: index(LEAD_IDS.length) }),
  fc.record({
    kind: fc.constant('outcome' as const),
    lead: index(LEAD_IDS.length),
    rep: index(5),
    disposition: index(DISPOSITIONS.length),
    lateMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3 * HOUR })),
  }),
  fc.record({
    kind: fc.constant('close' as const),
    lead: index(LEAD_IDS.length),
    won: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('reopen' as const), lead: index(LEAD_IDS.length), rep: index(5) }),
  fc.record({ kind: fc.constant('breach' as const), lead: index(LEAD_IDS.length) }),
  fc.record({
    kind: fc.constant('presence' as const),
    rep: index(5),
    fact: fc.constantFrom('connected' as const, 'receivingLeads' as const, 'away' as const),
    value: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('wait' as const),
    ms: fc.oneof(fc.integer({ min: 0, max: 10 * MIN }), fc.integer({ min: 0, max: 9 * HOUR })),
  }),
);

/** The precedence, stated again independently of the engine: the model is the spec. */
function expectedPresence(f: { connected: boolean; receivingLeads: boolean; away: boolean }) {
  return f.away ? 'away' : f.connected ? (f.receivingLeads ? 'receiving' : 'online') : 'offline';
}

interface ModelRep {
  readonly id: string;
  readonly team: TeamId;
  facts: { connected: boolean; receivingLeads: boolean; away: boolean };
  presence: string;
  since: number;
}

/**
 * A history run two ways: as events into a LiveMetrics, and as the database would keep it
 * (leads now, every outcome and breach, reps' facts), from which `rows()` reads the end state.
 */
class History {
  readonly live: LiveMetrics;
  readonly deltas: BoardDeltaMessage[] = [];
  readonly first: Map<string, BoardSnapshotMessage>;
  readonly leads = new Map<string, MetricsLead>();
  readonly outcomes: MetricsOutcomeRow[] = [];
  readonly breaches: MetricsBreachRow[] = [];
  readonly reps: ModelRep[];
  now: number;
  private seq = 0;

  constructor(start: number) {
    this.now = start;
    this.live = new LiveMetrics({ zone: 'UTC', teamZones: TEAMS, atRiskSize: 3 }, start);
    this.reps = REPS.map((r) => ({
      ...r,
      facts: { connected: false, receivingLeads: false, away: false },
      presence: 'offline',
      since: start,
    }));
    for (const rep of this.reps) {
      this.send({ type: 'rep.presence', at: start, repId: rep.id, teamId: rep.team });
    }
    this.first = new Map(
      (Object.keys(TEAMS) as TeamId[]).map((team) => [
        team,
        this.live.snapshot(team, start).snapshot,
      ]),
    );
  }

  run(command: Command): void {
    switch (command.kind) {
      case 'wait':
        this.now += command.ms;
        this.deltas.push(...this.live.advance(this.now));
        return;
      case 'intake':
        return this.intake(command);
      case 'reassign': {
        const lead = this.openLead(command.lead);
        if (!lead) return;
        const rep = this.teamRep(lead.teamId, command.rep);
        const next = this.hold(lead, rep);
        this.send({
          type: 'lead.reassigned',
          at: this.now,
          lead: next,
          fromRepId: lead.repId,
          by: 'manual',
        });
        return;
      }
      case 'release': {
        const lead = this.openLead(command.lead);
        if (!lead || lead.repId === null) return;
        const next = this.put({ ...lead, status: 'unassigned', repId: null, slaDueAt: null });
        this.send({
          type: 'lead.released',
          at: this.now,
          lead: { ...next, status: 'unassigned' },
          fromRepId: lead.repId,
        });
        return;
      }
      case 'outcome':
        return this.outcome(command);
      case 'close': {
        const lead = this.leads.get(LEAD_IDS[command.lead] ?? '');
        if (!lead || lead.status === 'won' || lead.status === 'closed') return;
        const status = command.won ? 'won' : 'closed';
        const next = this.put({ ...lead, status, slaDueAt: null });
        this.send({ type: 'lead.closed', at: this.now, lead: { ...next, status } });
        return;
      }
      case 'reopen': {
        const lead = this.leads.get(LEAD_IDS[command.lead] ?? '');
        if (!lead) return;
        // Reopened with a rep of its team (the ladder starts again only when untouched).
        const rep = this.teamRep(lead.teamId, command.rep);
        this.send({ type: 'lead.reopened', at: this.now, lead: this.hold(lead, rep) });
        return;
      }
      case 'breach': {
        const lead = this.openLead(command.lead);
        if (!lead || lead.repId === null || lead.touched || lead.slaDueAt === null) return;
        const row = { leadId: lead.id, teamId: lead.teamId, repId: lead.repId, at: this.now };
        this.breaches.push(row);
        this.send({ type: 'sla.breached', ...row });
        return;
      }
      case 'presence': {
        const rep = this.reps[command.rep];
        if (!rep) return;
        rep.facts = { ...rep.facts, [command.fact]: command.value };
        const presence = expectedPresence(rep.facts);
        if (presence !== rep.presence) {
          rep.presence = presence;
          rep.since = this.now;
        }
        const fact: Partial<ModelRep['facts']> = { [command.fact]: command.value };
        this.send({ type: 'rep.presence', at: this.now, repId: rep.id, teamId: rep.team, ...fact });
        return;
      }
    }
  }

  rows() {
    return {
      leads: [...this.leads.values()].filter((l) => l.status !== 'won' && l.status !== 'closed'),
      outcomes: this.outcomes,
      breaches: this.breaches,
      reps: this.reps.map((r): MetricsRepRow => ({
        repId: r.id,
        teamId: r.team,
        ...r.facts,
        since: r.since,
      })),
    };
  }

  private intake(command: Extract<Command, { kind: 'intake' }>): void {
    const id = LEAD_IDS[command.lead] ?? '';
    if (this.leads.has(id)) return;
    const teamId: TeamId = command.lead % 2 === 0 ? 'ny' : 'tokyo';
    const base: MetricsLead = {
      id,
      teamId,
      tier: TIERS[command.tier] ?? 'hot',
      // Some leads come in a little before they are routed (they waited in the queue).
      receivedAt: this.now - (command.how % 2) * 7 * MIN,
      status: 'unassigned',
      repId: null,
      touched: false,
      slaDueAt: null,
    };
    if (command.how === 0) {
      this.send({
        type: 'lead.queued',
        at: this.now,
        lead: { ...this.put(base), status: 'unassigned' },
      });
    } else if (command.how === 1) {
      const lead = this.put({ ...base, status: 'nurture' });
      this.send({ type: 'lead.nurtured', at: this.now, lead: { ...lead, status: 'nurture' } });
    } else {
      const lead = this.hold(base, this.teamRep(teamId, command.lead));
      this.send({ type: command.how === 2 ? 'lead.routed' : 'lead.claimed', at: this.now, lead });
    }
  }

  private outcome(command: Extract<Command, { kind: 'outcome' }>): void {
    const lead = this.leads.get(LEAD_IDS[command.lead] ?? '');
    if (!lead || lead.status === 'won' || lead.status === 'closed') return;
    const disposition = DISPOSITIONS[command.disposition] ?? 'no_answer';
    // The holder moves the lead on; anyone else's outcome (logged after a reassignment) only
    // records the call, as apply-mutation.ts does.
    const holder = lead.repId !== null && (lead.status === 'assigned' || lead.status === 'working');
    const repId =
      holder && command.rep % 2 === 0 ? (lead.repId ?? '') : this.teamRep(lead.teamId, command.rep);
    const moves = holder && repId === lead.repId;
    const next = this.put({
      ...lead,
      status: moves ? statusAfter(disposition) : lead.status,
      touched: true,
      slaDueAt: null,
    });
    const outcome = {
      id: `o${++this.seq}`,
      repId,
      disposition,
      occurredAt: Math.max(lead.receivedAt, this.now - command.lateMs),
      firstTouch: !lead.touched,
    };
    this.outcomes.push({
      ...outcome,
      leadId: lead.id,
      teamId: lead.teamId,
      receivedAt: lead.receivedAt,
    });
    this.send({ type: 'outcome.logged', at: this.now, lead: next, outcome });
  }

  /** The lead with `repId` (assigned when untouched, with a fresh deadline; else working). */
  private hold(lead: MetricsLead, repId: string) {
    const status = lead.touched ? ('working' as const) : ('assigned' as const);
    const held = this.put({
      ...lead,
      status,
      repId,
      slaDueAt: lead.touched ? null : this.now + SLA[lead.tier],
    });
    return { ...held, status, repId };
  }

  private openLead(n: number): MetricsLead | undefined {
    const lead = this.leads.get(LEAD_IDS[n] ?? '');
    return lead &&
      (lead.status === 'assigned' || lead.status === 'working' || lead.status === 'unassigned')
      ? lead
      : undefined;
  }

  private teamRep(teamId: string, n: number): string {
    const team = this.reps.filter((r) => r.team === teamId);
    return team[n % team.length]?.id ?? '';
  }

  private put(lead: MetricsLead): MetricsLead {
    this.leads.set(lead.id, lead);
    return lead;
  }

  private send(event: MetricsEvent): void {
    this.deltas.push(...this.live.apply(event));
  }
}

/** What a board does with the messages: start from the snapshot, merge each delta in. */
function fold(snapshot: BoardSnapshotMessage, deltas: readonly BoardDeltaMessage[]) {
  let board = structuredClone(snapshot);
  for (const delta of deltas) {
    // Deltas up to the snapshot's version are already in it.
    if (delta.teamId !== board.teamId || delta.version <= board.version) continue;
    expect(delta.version).toBe(board.version + 1);
    board = { ...board, version: delta.version, at: delta.at };
    for (const change of delta.changes) {
      switch (change.kind) {
        case 'team':
          board.team = { ...board.team, ...change.set };
          break;
        case 'rep': {
          const known = board.reps.find((r) => r.repId === change.repId);
          const reps = board.reps.filter((r) => r.repId !== change.repId);
          reps.push({ ...(known ?? { repId: change.repId }), ...change.set } as BoardRep);
          board.reps = reps.sort((a, b) => (a.repId < b.repId ? -1 : 1));
          break;
        }
        case 'rep.removed':
          board.reps = board.reps.filter((r) => r.repId !== change.repId);
          break;
        case 'atRisk':
          board.atRisk = change.entries;
          break;
      }
    }
  }
  return board;
}

describe('incremental state against a rebuild', () => {
  it('equals rebuildFromRows over the end state of any history, and deltas fold to it', () => {
    const start = Date.parse('2026-06-03T10:00:00Z');
    fc.assert(
      fc.property(
        fc.array(commandArb, { maxLength: 120 }),
        fc.integer({ min: 0, max: 20 * HOUR }),
        (commands, tail) => {
          const history = new History(start);
          for (const command of commands) history.run(command);
          const end = history.now + tail;
          history.deltas.push(...history.live.advance(end));
          const rebuilt = rebuildFromRows(history.rows(), end, {
            zone: 'UTC',
            teamZones: TEAMS,
            atRiskSize: 3,
          });
          for (const team of Object.keys(TEAMS) as TeamId[]) {
            const live = history.live.snapshot(team, end);
            const again = rebuilt.snapshot(team, end);
            expect(live.deltas).toEqual([]);
            expect(again.deltas).toEqual([]);
            expect({ ...again.snapshot, version: 0 }).toEqual({ ...live.snapshot, version: 0 });
            // `at` is when each message was made; everything else must match.
            const folded = fold(history.first.get(team) as BoardSnapshotMessage, history.deltas);
            expect({ ...folded, at: end }).toEqual(live.snapshot);
          }
          // A rebuilt engine sends nothing until something happens, then only the news.
          expect(rebuilt.advance(end)).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
