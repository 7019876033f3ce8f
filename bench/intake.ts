import BetterSqlite3 from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { join } from 'node:path';
import { avgLeadRowBytes, readServerRows, runBaseline } from './lib/baseline';
import { onCleanup } from './lib/cleanup';
import { Api } from './lib/http';
import { LeadGenerator } from './lib/leads';
import { runLoad } from './lib/intake-load';
import type { BenchOptions } from './lib/options';
import { environmentLines, markdownTable, writeDocsSection } from './lib/report';
import { benchAdmin, benchServerConfig, connectReps, health, seed } from './lib/seed';
import { ownCpuSeconds, startServerProcess } from './lib/server';
import { int, ms, ratio, summarize } from './lib/stats';
import { makeWorkDir, subDir } from './lib/workdir';

export interface Outcome {
  readonly failures: readonly string[];
}

const SERVER_DB = 'pounce.db';
const WARM_UP_LEADS = 200;
/** Concurrent load before the measured window, so V8 has optimised the hot path (not counted). */
const WARM_UP_SECONDS = 3;

/**
 * Intake throughput: the real server as a child process, one team of reps connected on the live
 * channel, autocannon posting distinct valid leads. Then, with the server stopped, the baseline:
 * a bare better-sqlite3 loop inserting copies of the leads the server stored, into a copy of its
 * leads table, one durable transaction per row, for as long as the load ran.
 */
export async function runIntake(options: BenchOptions): Promise<Outcome> {
  const failures: string[] = [];
  const loadAtStart = os.loadavg();
  const dir = makeWorkDir('intake', options.keepData);
  const generator = new LeadGenerator(randomBytes(4).toString('hex'));

  console.log('intake: starting the server and seeding ...');
  const admin = benchAdmin();
  const server = await startServerProcess({
    dataDir: subDir(dir, 'server'),
    config: benchServerConfig(),
    admin,
    cpuProfDir: options.cpuProfDir,
  });
  const api = new Api(server.url);
  onCleanup(() => api.close());
  const seeded = await seed(api, admin, { reps: options.intakeReps, capacity: 10_000 });
  const pushed = new Set<string>();
  const sockets = await connectReps(api, server.url, seeded, (m) => pushed.add(m.leadId));
  const closeSockets = () => Promise.all(sockets.map((s) => s.close())).then(() => undefined);
  const removeSocketCleanup = onCleanup(closeSockets);

  console.log(`intake: warm-up, ${WARM_UP_LEADS} leads ...`);
  for (let i = 0; i < WARM_UP_LEADS; i++) {
    const body = generator.next('warm');
    const res = await api.request('POST', '/api/v1/leads', { token: seeded.apiKey, body });
    if (res.status !== 201) {
      throw new Error(`warm-up lead: HTTP ${res.status} ${res.text.slice(0, 300)}`);
    }
  }

  console.log(`intake: warm-up, ${options.connections} connections for ${WARM_UP_SECONDS} s ...`);
  const warm = await runLoad(server.url, seeded.apiKey, generator, {
    ...options,
    duration: WARM_UP_SECONDS,
    // Not `ac`: the check after the load counts the `ac` leads stored against those answered.
    tag: 'aw',
  });
  if (warm.non2xx > 0 || warm.errors > 0) {
    throw new Error(`warm-up load: ${warm.non2xx} non-2xx, ${warm.errors} errors`);
  }

  console.log(`intake: ${options.connections} connections for ${options.duration} s ...`);
  const before = await health(api);
  const serverCpu0 = server.cpuSeconds();
  const benchCpu0 = ownCpuSeconds();
  const load = await runLoad(server.url, seeded.apiKey, generator, options);
  const serverCpu1 = server.cpuSeconds();
  const benchCpu1 = ownCpuSeconds();
  const after = await health(api);

  // Every acknowledged lead was pushed right after its commit; allow the last frames to arrive.
  const missingPush = await waitFor(() => countMissing(load.acked, pushed), 10_000);
  const dropped = sockets.filter((s) => s.unexpectedClose !== null);
  removeSocketCleanup();
  await closeSockets();
  console.log('intake: stopping the server ...');
  await server.stop();

  const serverDb = join(server.dataDir, SERVER_DB);
  const stored = verifyStored(serverDb, load.acked, options.connections);

  console.log(`intake: baseline, ${options.duration} s ...`);
  const serverRows = readServerRows(serverDb, `external_id LIKE 'ac-%'`, 2_000);
  const baseline = runBaseline(join(dir, 'baseline.db'), serverRows, options.duration * 1000);

  // Checks: what must hold for the figures to mean anything.
  if (load.non2xx > 0) {
    failures.push(`${load.non2xx} non-2xx responses: ${JSON.stringify(load.statuses)}`);
  }
  if (load.errors > 0)
    failures.push(`${load.errors} connection errors (${load.timeouts} timeouts)`);
  if (load.ok !== load.acked.size) {
    failures.push(`${load.ok} 2xx but ${load.acked.size} distinct lead ids in their bodies`);
  }
  if (load.unassigned > 0) {
    failures.push(`${load.unassigned} acknowledged leads were not assigned to a rep`);
  }
  if (missingPush > 0) {
    failures.push(`${missingPush} acknowledged leads never arrived as lead.assigned`);
  }
  if (dropped.length > 0) failures.push(`${dropped.length} rep sockets closed during the run`);
  failures.push(...stored.failures);

  const commits = after.commits - before.commits;
  const writes = after.writes - before.writes;
  const wall = load.seconds;
  const serverCpu =
    serverCpu0 !== null && serverCpu1 !== null ? serverCpu1 - serverCpu0 : Number.NaN;
  const benchCpu = benchCpu1 - benchCpu0;
  // Leads the server processed in the window: the acknowledged ones and those cut off at the end.
  const processed = Math.max(1, load.ok + stored.unacknowledged);
  const pounceRate = load.ok / load.seconds;
  const baselineRate = baseline.rows / baseline.seconds;
  const p = summarize(load.latencies.values());
  const b = summarize(baseline.latencies.values());

  const table = markdownTable(
    [
      'metric',
      'pounce intake (HTTP, scoring, routing, live push, group commit)',
      'bare better-sqlite3 baseline',
      'ratio',
    ],
    [
      [
        'throughput',
        `${int(pounceRate)} leads/s`,
        `${int(baselineRate)} rows/s`,
        ratio(pounceRate, baselineRate),
      ],
      [
        'latency p50',
        `${ms(p.p50)} per request (${options.connections} in flight)`,
        `${ms(b.p50)} per insert (1 in flight)`,
        ratio(p.p50, b.p50),
      ],
      ['latency p99', `${ms(p.p99)} per request`, `${ms(b.p99)} per insert`, ratio(p.p99, b.p99)],
      [
        'done',
        `${int(load.ok)} leads (2xx) in ${load.seconds.toFixed(1)} s`,
        `${int(baseline.rows)} rows in ${baseline.seconds.toFixed(1)} s`,
        '',
      ],
      [
        'non-2xx / errors / timeouts',
        `${load.non2xx} / ${load.errors} / ${load.timeouts}`,
        'n/a',
        '',
      ],
      ['stored == 2xx (db file, after shutdown)', stored.summary, 'n/a', ''],
      [
        'lead.assigned received',
        `${int(load.acked.size - missingPush)} of ${int(load.acked.size)} (${seeded.reps.length} reps)`,
        'n/a',
        '',
      ],
      [
        'commits (fsyncs)',
        `${int(commits)} (${(writes / Math.max(1, commits)).toFixed(1)} leads per commit)`,
        `${int(baseline.rows)} (1 row per commit)`,
        ratio(commits, baseline.rows),
      ],
      [
        'rows written per lead',
        `1 lead (${stored.leadIndexes} indexes) + ${stored.eventsPerLead.toFixed(1)} lead_events + routing ledger`,
        '1 lead (2 indexes)',
        '',
      ],
      [
        'avg lead row size',
        `${int(stored.avgRowBytes)} B`,
        `${int(baseline.avgRowBytes)} B (${baseline.columns} columns)`,
        '',
      ],
      [
        'durability',
        'WAL, synchronous=FULL; 2xx only after its batch commit',
        `${baseline.journalMode.toUpperCase()}, synchronous=${baseline.synchronous}; 1 commit per row`,
        '',
      ],
      [
        'CPU busy (cores)',
        `server ${(serverCpu / wall).toFixed(2)}, load generator + rep sockets ${(benchCpu / wall).toFixed(2)}`,
        (baseline.cpuSeconds / baseline.seconds).toFixed(2),
        '',
      ],
      [
        'CPU time per lead / row',
        `${ms((serverCpu * 1000) / processed)} (server process)`,
        ms((baseline.cpuSeconds * 1000) / Math.max(1, baseline.rows)),
        ratio(serverCpu / processed, baseline.cpuSeconds / Math.max(1, baseline.rows)),
      ],
    ],
  );
  const goalMet = pounceRate >= baselineRate;
  const verdict =
    `Goal (intake >= 1.0x the baseline's rate, no weaker durability): ` +
    `**${goalMet ? 'met' : 'not met'}** (${ratio(pounceRate, baselineRate)}).`;
  const series = `2xx per second during the load: ${load.perSecond.map((n) => int(n)).join(', ')}.`;
  const retries =
    api.staleSocketRetries > 0
      ? [`Setup requests resent after a stale keep-alive socket: ${api.staleSocketRetries}.`]
      : [];

  console.log(`\n${table}\n\n${verdict}\n${series}\n`);
  if (failures.length > 0) console.error(`intake: FAILED checks:\n- ${failures.join('\n- ')}`);

  if (options.writeDocs) {
    writeDocsSection(
      'intake',
      [
        '## Intake throughput',
        '',
        ...environmentLines(options.command, loadAtStart),
        `- Load: autocannon, ${options.connections} connections, ${options.duration} s, after ` +
          `${WARM_UP_LEADS} sequential warm-up leads and ${WARM_UP_SECONDS} s of the same load (not counted); ${seeded.reps.length} reps (capacity 10000) ` +
          `on the live channel in the bench process`,
        `- Baseline: ${options.duration} s right after the server stopped, same filesystem; the ` +
          `server's leads table (${baseline.columns} columns) and copies of ` +
          `${int(serverRows.rows.length)} leads it stored`,
        '',
        table,
        '',
        verdict,
        '',
        series,
        ...retries,
        ...(failures.length > 0
          ? ['', '**Failed checks:**', '', ...failures.map((f) => `- ${f}`)]
          : []),
      ].join('\n'),
    );
  }
  return { failures };
}

function countMissing(expected: ReadonlySet<string>, seen: ReadonlySet<string>): number {
  let missing = 0;
  for (const id of expected) if (!seen.has(id)) missing += 1;
  return missing;
}

/** Polls `count` until it is 0 or `timeoutMs` passes; resolves with the last count. */
async function waitFor(count: () => number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let n = count();
  while (n > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    n = count();
  }
  return n;
}

interface StoredCheck {
  readonly summary: string;
  readonly failures: readonly string[];
  readonly avgRowBytes: number;
  readonly eventsPerLead: number;
  /** Stored leads that were sent but not answered before the load stopped. */
  readonly unacknowledged: number;
  /** Indexes on the server's leads table, its primary key included. */
  readonly leadIndexes: number;
}

/**
 * Reads the server's database file after it shut down: every acknowledged lead must be there,
 * assigned. Leads sent but unanswered when autocannon stopped may be there too (at most one per
 * connection); they are counted, not failed.
 */
function verifyStored(file: string, acked: ReadonlySet<string>, connections: number): StoredCheck {
  const db = new BetterSqlite3(file, { fileMustExist: true });
  try {
    const rows = db
      .prepare(`SELECT id, status, assigned_to FROM leads WHERE external_id LIKE 'ac-%'`)
      .all() as {
      id: string;
      status: string;
      assigned_to: string | null;
    }[];
    const byId = new Map(rows.map((r) => [r.id, r]));
    let missing = 0;
    let notAssigned = 0;
    for (const id of acked) {
      const row = byId.get(id);
      if (!row) missing += 1;
      else if (row.status !== 'assigned' || row.assigned_to === null) notAssigned += 1;
    }
    const extra = rows.length - (acked.size - missing);
    const events = db
      .prepare(
        `SELECT count(*) AS n FROM lead_events WHERE lead_id IN (SELECT id FROM leads WHERE external_id LIKE 'ac-%')`,
      )
      .get() as { n: number };
    const failures: string[] = [];
    if (missing > 0) failures.push(`${missing} acknowledged leads are missing from the database`);
    if (notAssigned > 0)
      failures.push(`${notAssigned} acknowledged leads are stored but not assigned`);
    if (extra > connections)
      failures.push(
        `${extra} stored leads were never acknowledged (more than the ${connections} in flight)`,
      );
    const summary =
      missing === 0
        ? `yes: all ${int(acked.size)} acknowledged leads stored and assigned` +
          (extra > 0 ? ` (+${extra} sent but unanswered when the load stopped)` : '')
        : `NO: ${int(missing)} of ${int(acked.size)} missing`;
    return {
      summary,
      failures,
      avgRowBytes: avgLeadRowBytes(db, `external_id LIKE 'ac-%'`),
      eventsPerLead: rows.length ? Number(events.n) / rows.length : Number.NaN,
      unacknowledged: Math.max(0, extra),
      leadIndexes: (
        db.prepare(`SELECT count(*) AS n FROM pragma_index_list('leads')`).get() as { n: number }
      ).n,
    };
  } finally {
    db.close();
  }
}
