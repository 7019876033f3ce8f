import os from 'node:os';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import type { BoardDeltaMessage } from '../src/shared/board-protocol';
import { DISPOSITION_INFO, DISPOSITIONS, type Disposition } from '../src/shared/dispositions';
import type { LeadTier } from '../src/shared/lead';
import type { LiveMetrics, LiveMetricsConfig } from '../sync-server/src/metrics/live-metrics';
import type { MetricsEvent, MetricsLead } from '../sync-server/src/metrics/metrics-events';
import {
  type MetricsOutcomeRow,
  type MetricsRows,
  rebuildFromRows,
} from '../sync-server/src/metrics/rebuild';
import type { Outcome } from './intake';
import type { BenchOptions } from './lib/options';
import { environmentLines, markdownTable } from './lib/report';
import { int, ms, percentile, ratio } from './lib/stats';

/*
 * The live-metrics engine (sync-server/src/metrics) in this process, no I/O: one team of 50 reps
 * (one team is the worst case: its sorted structures hold every lead), 5,000 open leads and
 * 10,000 in nurture loaded with rebuildFromRows, then an hour and a half of events at 50 events/s
 * (270,000; the clock passes the team's midnight, so one event pays for a day rollover) replayed
 * through `apply`, each timed alone. Beside it, in the same run, over the same events: the bare
 * floor of doing anything per event, one Map.set, timed the same way (so the timer's own cost is
 * in both). The events are made first, off the clock, by a model of the database that keeps the
 * stream valid (outcomes on leads a rep holds, reassignments of open leads, ...).
 *
 * Prints its table; writes no docs (the issue's benchmark section is written with the wiring).
 */

const REPS = 50;
const OPEN_LEADS = 5_000;
const NURTURE = 10_000;
const EVENTS_PER_SECOND = 50;
const SECONDS = 90 * 60;
const GOAL_MS = 1;
const WARM_UP_EVENTS = 60_000;
const CHUNK = 5_000;
const ZONE = 'America/New_York';
const TEAM = 'team-1';
/** 23:15 in New York: the replay crosses midnight 45 minutes in. */
const START = Date.parse('2026-06-03T23:15:00-04:00');
const MINUTE = 60_000;
const SLA: Record<LeadTier, number> = { hot: 5 * MINUTE, warm: 30 * MINUTE, cold: 240 * MINUTE };
const CONFIG: LiveMetricsConfig = { zone: ZONE };

/** mulberry32: a small seeded PRNG, so every run replays the same day. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The database as the events leave it: enough to make every next event a valid one. */
class Model {
  readonly leads = new Map<string, MetricsLead>();
  /** Open held leads, for picking one fast (swap-remove). */
  private readonly held: string[] = [];
  private readonly heldAt = new Map<string, number>();
  private readonly queued: string[] = [];
  private next = 0;
  readonly rnd = random(7);
  readonly reps = Array.from({ length: REPS }, (_, i) => `rep-${String(i).padStart(2, '0')}`);

  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.rnd() * list.length)] as T;
  }

  tier(): LeadTier {
    const roll = this.rnd();
    return roll < 0.2 ? 'hot' : roll < 0.6 ? 'warm' : 'cold';
  }

  newId(): string {
    return `lead-${String(this.next++).padStart(7, '0')}`;
  }

  put(lead: MetricsLead): MetricsLead {
    this.leads.set(lead.id, lead);
    const isHeld = (lead.status === 'assigned' || lead.status === 'working') && lead.repId !== null;
    const at = this.heldAt.get(lead.id);
    if (isHeld && at === undefined) {
      this.heldAt.set(lead.id, this.held.length);
      this.held.push(lead.id);
    } else if (!isHeld && at !== undefined) {
      const last = this.held.pop() as string;
      if (last !== lead.id) {
        this.held[at] = last;
        this.heldAt.set(last, at);
      }
      this.heldAt.delete(lead.id);
    }
    if (lead.status === 'won' || lead.status === 'closed') this.leads.delete(lead.id);
    return lead;
  }

  randomHeld(): MetricsLead | undefined {
    return this.held.length ? this.leads.get(this.pick(this.held)) : undefined;
  }

  get heldCount(): number {
    return this.held.length;
  }

  queue(id: string): void {
    this.queued.push(id);
  }

  dequeue(): MetricsLead | undefined {
    const id = this.queued.shift();
    return id === undefined ? undefined : this.leads.get(id);
  }
}

/** Rows for rebuildFromRows: 5,000 held (~35% untouched), 10,000 nurture, today's outcomes. */
function startRows(model: Model): MetricsRows {
  const outcomes: MetricsOutcomeRow[] = [];
  for (let i = 0; i < OPEN_LEADS; i++) {
    const tier = model.tier();
    const receivedAt = START - Math.floor(model.rnd() ** 2 * 3 * 86_400_000);
    const untouched = model.rnd() < 0.35;
    const repId = model.pick(model.reps);
    const lead = model.put({
      id: model.newId(),
      teamId: TEAM,
      tier,
      receivedAt,
      status: untouched ? 'assigned' : 'working',
      repId,
      touched: !untouched,
      slaDueAt: untouched ? receivedAt + SLA[tier] : null,
    });
    // Touched leads received today had their first touch today.
    if (!untouched && receivedAt > START - 23 * 60 * MINUTE) {
      outcomes.push({
        id: `o-${lead.id}`,
        leadId: lead.id,
        teamId: TEAM,
        receivedAt,
        repId,
        disposition: model.pick(DISPOSITIONS),
        occurredAt: Math.min(START, receivedAt + Math.floor(model.rnd() * 40 * MINUTE)),
        firstTouch: true,
      });
    }
  }
  for (let i = 0; i < NURTURE; i++) {
    model.put({
      id: model.newId(),
      teamId: TEAM,
      tier: 'cold',
      receivedAt: START - Math.floor(model.rnd() * 30 * 86_400_000),
      status: 'nurture',
      repId: null,
      touched: false,
      slaDueAt: null,
    });
  }
  return {
    leads: [...model.leads.values()],
    outcomes,
    breaches: [],
    reps: model.reps.map((repId, i) => ({
      repId,
      teamId: TEAM,
      connected: i % 5 !== 0,
      receivingLeads: i % 7 !== 0,
      away: false,
    })),
  };
}

/** Where an outcome leaves the lead its holder logged it for. */
function statusAfter(disposition: Disposition): MetricsLead['status'] {
  const effect = DISPOSITION_INFO[disposition].effect;
  return effect === 'retry' || effect === 'callback' ? 'working' : effect;
}

/** The next event at `at`, the mix of a busy floor; new leads match what leaves the queue. */
function nextEvent(model: Model, at: number): MetricsEvent {
  const roll = model.rnd();
  // New leads arrive as fast as leads leave, so the queue stays at OPEN_LEADS.
  if (model.heldCount < OPEN_LEADS) {
    const tier = model.tier();
    const base = { id: model.newId(), teamId: TEAM, tier, receivedAt: at, touched: false };
    if (model.rnd() < 0.1) {
      const lead = model.put({ ...base, status: 'unassigned', repId: null, slaDueAt: null });
      model.queue(lead.id);
      return { type: 'lead.queued', at, lead: { ...lead, status: 'unassigned' } };
    }
    const repId = model.pick(model.reps);
    const lead = model.put({ ...base, status: 'assigned', repId, slaDueAt: at + SLA[tier] });
    return { type: 'lead.routed', at, lead: { ...lead, status: 'assigned', repId } };
  }
  const lead = model.randomHeld();
  if (roll < 0.7 && lead?.repId) {
    // Mostly retries: 70% no answer / voicemail, the rest spread over the other outcomes.
    const disposition: Disposition =
      model.rnd() < 0.7
        ? model.pick(['no_answer', 'voicemail'] as const)
        : model.pick(DISPOSITIONS);
    const next = model.put({
      ...lead,
      status: statusAfter(disposition),
      touched: true,
      slaDueAt: null,
    });
    return {
      type: 'outcome.logged',
      at,
      lead: next,
      outcome: {
        id: `o-${at}`,
        repId: lead.repId,
        disposition,
        occurredAt: at - Math.floor(model.rnd() * 5_000),
        firstTouch: !lead.touched,
      },
    };
  }
  if (roll < 0.78 && lead?.repId) {
    const to = model.pick(model.reps);
    const status = lead.touched ? ('working' as const) : ('assigned' as const);
    const next = model.put({
      ...lead,
      status,
      repId: to,
      slaDueAt: lead.touched ? null : at + SLA[lead.tier],
    });
    return {
      type: 'lead.reassigned',
      at,
      lead: { ...next, status, repId: to },
      fromRepId: lead.repId,
      by: 'manual',
    };
  }
  if (roll < 0.86 && lead?.repId) {
    return { type: 'sla.breached', at, leadId: lead.id, teamId: TEAM, repId: lead.repId };
  }
  if (roll < 0.92) {
    const queued = model.dequeue();
    if (queued) {
      const repId = model.pick(model.reps);
      const next = model.put({
        ...queued,
        status: 'assigned',
        repId,
        slaDueAt: at + SLA[queued.tier],
      });
      return { type: 'lead.routed', at, lead: { ...next, status: 'assigned', repId } };
    }
  }
  const fact = model.pick(['connected', 'receivingLeads', 'away'] as const);
  const facts: Partial<Record<typeof fact, boolean>> = { [fact]: model.rnd() < 0.7 };
  return { type: 'rep.presence', at, repId: model.pick(model.reps), teamId: TEAM, ...facts };
}

/** Per-event measurements of one replay, filled chunk by chunk. */
class Meter {
  /** performance.now() at each apply's start, to match slow ones with GC pauses. */
  readonly starts: Float64Array;
  readonly times: Float64Array;
  readonly bytes: Float64Array;
  deltas = 0;
  sink = 0;

  constructor(events: number) {
    this.starts = new Float64Array(events);
    this.times = new Float64Array(events);
    this.bytes = new Float64Array(events);
  }
}

/** Replays `events` (numbered from `offset`) through `apply`, one timer pair per event. */
function replay(
  metrics: LiveMetrics,
  events: readonly MetricsEvent[],
  offset: number,
  meter: Meter,
  encode: boolean,
): void {
  for (let i = 0; i < events.length; i++) {
    const event = events[i] as MetricsEvent;
    const start = performance.now();
    const out: BoardDeltaMessage[] = metrics.apply(event);
    let size = 0;
    if (encode) for (const delta of out) size += JSON.stringify(delta).length;
    meter.times[offset + i] = performance.now() - start;
    meter.starts[offset + i] = start;
    meter.bytes[offset + i] = size;
    meter.deltas += out.length;
  }
}

/** The floor: the same events, each one Map.set, timed the same way. */
function baseline(
  map: Map<string, MetricsEvent>,
  events: readonly MetricsEvent[],
  offset: number,
  meter: Meter,
): void {
  for (let i = 0; i < events.length; i++) {
    const event = events[i] as MetricsEvent;
    const start = performance.now();
    map.set(
      'lead' in event ? event.lead.id : event.type === 'rep.presence' ? event.repId : event.leadId,
      event,
    );
    meter.times[offset + i] = performance.now() - start;
  }
  meter.sink += map.size;
}

/** The next `count` events of `model`'s day, event `first` at START + first * 20 ms. */
function makeEvents(model: Model, first: number, count: number): MetricsEvent[] {
  const events: MetricsEvent[] = [];
  for (let i = first; i < first + count; i++) {
    events.push(nextEvent(model, START + Math.floor((i * 1000) / EVENTS_PER_SECOND)));
  }
  return events;
}

export async function runMetrics(options: BenchOptions): Promise<Outcome> {
  // GC pauses, to tell the slowest applies that waited for the collector from those that did
  // not. Entries arrive only after the synchronous replay yields, hence the wait before the
  // report.
  const pauses: { start: number; end: number }[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      pauses.push({ start: entry.startTime, end: entry.startTime + entry.duration });
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  try {
    const run = measure();
    // GC entries are delivered on a timer after the loop yields (a setImmediate is too soon).
    await new Promise((resolve) => setTimeout(resolve, 100));
    return report(options, run, pauses);
  } finally {
    observer.disconnect();
  }
}

interface Measured {
  readonly loadAtStart: readonly number[];
  readonly total: number;
  readonly rows: MetricsRows;
  readonly rebuildMs: number;
  readonly metrics: LiveMetrics;
  readonly model: Model;
  readonly applied: Meter;
  readonly encoded: Meter;
  readonly bare: Meter;
  readonly types: readonly string[];
  readonly mix: ReadonlyMap<string, number>;
  readonly snapshotTimes: readonly number[];
}

function measure(): Measured {
  const loadAtStart = os.loadavg();
  const total = EVENTS_PER_SECOND * SECONDS;
  console.log(
    `metrics: ${int(WARM_UP_EVENTS)} warm-up events, then ${int(total)} over ${SECONDS / 60} min at ${EVENTS_PER_SECOND}/s ...`,
  );

  // Warm-up, not counted: the start of the same day on engines of its own, so `apply` and the
  // baseline are optimised before the clock starts.
  {
    const model = new Model();
    const engine = rebuildFromRows(startRows(model), START, CONFIG);
    const meter = new Meter(WARM_UP_EVENTS);
    const map = new Map<string, MetricsEvent>();
    for (let first = 0; first < WARM_UP_EVENTS; first += CHUNK) {
      const events = makeEvents(model, first, CHUNK);
      replay(engine, events, first, meter, true);
      baseline(map, events, first, meter);
    }
  }

  const model = new Model();
  const rows = startRows(model);
  const rebuildStart = performance.now();
  const metrics = rebuildFromRows(rows, START, CONFIG);
  const rebuildMs = performance.now() - rebuildStart;
  const encodingEngine = rebuildFromRows(rows, START, CONFIG);
  const applied = new Meter(total);
  const encoded = new Meter(total);
  const bare = new Meter(total);
  const map = new Map<string, MetricsEvent>();
  const types: string[] = [];
  const mix = new Map<string, number>();
  // Made a chunk at a time, off the clock, and dropped once replayed: the process holds no
  // more than the server would (a heap of 270,000 kept events would only inflate GC pauses).
  for (let first = 0; first < total; first += CHUNK) {
    const events = makeEvents(model, first, Math.min(CHUNK, total - first));
    for (const event of events) {
      types.push(event.type);
      mix.set(event.type, (mix.get(event.type) ?? 0) + 1);
    }
    replay(metrics, events, first, applied, false);
    replay(encodingEngine, events, first, encoded, true);
    baseline(map, events, first, bare);
  }

  const snapshotTimes: number[] = [];
  for (let i = 0; i < 50; i++) {
    const start = performance.now();
    metrics.snapshot(TEAM, START + SECONDS * 1000);
    snapshotTimes.push(performance.now() - start);
  }
  return {
    loadAtStart,
    total,
    rows,
    rebuildMs,
    metrics,
    model,
    applied,
    encoded,
    bare,
    types,
    mix,
    snapshotTimes,
  };
}

function report(
  options: BenchOptions,
  run: Measured,
  pauses: readonly { start: number; end: number }[],
): Outcome {
  const failures: string[] = [];
  const { loadAtStart, total, rows, rebuildMs, metrics, model, applied, encoded, bare } = run;
  const { types, mix, snapshotTimes } = run;
  const inPause = (i: number) => {
    const start = applied.starts[i] ?? 0;
    const end = start + (applied.times[i] ?? 0);
    return pauses.some((p) => p.start < end && p.end > start);
  };

  // The engine's queue against the model's: every lead accounted for.
  const board = metrics.snapshot(TEAM, START + SECONDS * 1000).snapshot;
  if (board.reps.length !== REPS) failures.push(`snapshot has ${board.reps.length} reps`);
  const heldUntouched = [...model.leads.values()].filter(
    (l) => l.status === 'assigned' && l.repId !== null && !l.touched,
  ).length;
  if (board.team.openQueue !== model.heldCount)
    failures.push(`openQueue ${board.team.openQueue}, the model holds ${model.heldCount}`);
  if (board.team.untouched !== heldUntouched)
    failures.push(`untouched ${board.team.untouched}, the model has ${heldUntouched}`);
  if (board.team.day !== '2026-06-04')
    failures.push(`the day did not roll over (${board.team.day})`);
  if (applied.deltas === 0) failures.push('no deltas');

  const sorted = (values: Float64Array) => Float64Array.from(values).sort();
  const row = (name: string, values: Float64Array, base: Float64Array) => {
    const s = sorted(values);
    const b = sorted(base);
    const mean = s.reduce((sum, v) => sum + v, 0) / s.length;
    return [
      name,
      us(percentile(s, 50)),
      us(percentile(s, 95)),
      us(percentile(s, 99)),
      ms(s[s.length - 1] ?? Number.NaN),
      us(mean),
      int(s.length),
      ratio(percentile(s, 50), percentile(b, 50)),
    ];
  };
  const table = markdownTable(
    ['measure (per event)', 'p50', 'p95', 'p99', 'max', 'mean', 'events', 'p50 vs baseline'],
    [
      row('LiveMetrics.apply', applied.times, bare.times),
      row('LiveMetrics.apply + JSON.stringify of its deltas', encoded.times, bare.times),
      row('baseline: one Map.set per event', bare.times, bare.times),
    ],
  );
  const slowest = [...applied.times.keys()]
    .sort((a, b) => (applied.times[b] ?? 0) - (applied.times[a] ?? 0))
    .slice(0, 5)
    .map(
      (i) =>
        `${types[i]} #${int(i)} ${ms(applied.times[i] ?? Number.NaN)}${inPause(i) ? ' (in a GC pause)' : ''}`,
    );
  const applySorted = sorted(applied.times);
  const over = [...applied.times.keys()].filter((i) => (applied.times[i] ?? 0) > GOAL_MS);
  const overInPause = over.filter(inPause).length;
  const longestPause = Math.max(0, ...pauses.map((p) => p.end - p.start));
  // The first event at or after the team's midnight pays for the rollover.
  const midnight = Date.parse('2026-06-04T00:00:00-04:00');
  const rollover = Math.ceil(((midnight - START) * EVENTS_PER_SECOND) / 1000);
  const p99 = percentile(applySorted, 99);
  const worst = applySorted[applySorted.length - 1] ?? Number.NaN;
  const bytes = sorted(encoded.bytes);
  const met = p99 <= GOAL_MS;
  const notes = [
    ...environmentLines(options.command, loadAtStart),
    `- Start: ${REPS} reps in one team (zone ${ZONE}), ${int(OPEN_LEADS)} open leads (~35% untouched, with SLA deadlines), ${int(NURTURE)} nurture leads, ${int(rows.outcomes.length)} of today's outcomes; rebuildFromRows took ${ms(rebuildMs)}`,
    `- Events: ${int(total)}, 1 every ${1000 / EVENTS_PER_SECOND} ms of clock from 23:15 local (midnight is crossed: one event rolls the day over for the team and its ${REPS} reps); mix: ${[...mix].map(([type, n]) => `${type} ${Math.round((n / total) * 100)}%`).join(', ')}`,
    `- Deltas: ${int(applied.deltas)} (${ratio(applied.deltas, total)} per event); bytes of JSON per event p50 ${int(percentile(bytes, 50))}, p99 ${int(percentile(bytes, 99))}, max ${int(bytes[bytes.length - 1] ?? 0)}`,
    `- Slowest applies: ${slowest.join(', ')}; over ${GOAL_MS} ms: ${int(over.length)} of ${int(total)}, ${int(overInPause)} of them during a GC pause (${int(pauses.length)} pauses in the run, the longest ${ms(longestPause)})`,
    `- The rollover (event #${int(rollover)}, ${types[rollover]}, resets the team and ${REPS} reps): ${us(applied.times[rollover] ?? Number.NaN)}`,
    `- snapshot() of the 50-rep team: p50 ${us(percentile(Float64Array.from(snapshotTimes).sort(), 50))}`,
    `- Leads held at the end: engine ${int(metrics.trackedLeads)} (open, waiting, nurture), model ${int(model.leads.size)}`,
    `- The bare baseline is the timer pair plus one Map.set: the floor any per-event work pays here`,
  ];
  const verdict =
    `Goal (server cost of keeping metrics current <= ${GOAL_MS} ms per event): ` +
    `**${met ? 'met' : 'not met'}** (p99 ${us(p99)}, max ${ms(worst)}).`;
  console.log(`\n${table}\n\n${notes.join('\n')}\n\n${verdict}\n`);
  if (failures.length > 0) console.error(`metrics: FAILED checks:\n- ${failures.join('\n- ')}`);
  if (bare.sink === 0) console.error('metrics: nothing ran');
  return { failures };
}

/** Microseconds, for per-event costs far below a millisecond. */
function us(valueMs: number): string {
  if (!Number.isFinite(valueMs)) return 'n/a';
  const v = valueMs * 1000;
  return `${v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)} µs`;
}
