import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import type { Outcome } from './intake';
import { onCleanup } from './lib/cleanup';
import { seedHistory } from './lib/history';
import { Api, mapLimit } from './lib/http';
import { runLoad } from './lib/intake-load';
import { LeadGenerator } from './lib/leads';
import type { AssignedMessage } from './lib/live';
import type { BenchOptions } from './lib/options';
import { environmentLines, markdownTable, writeDocsSection } from './lib/report';
import { benchAdmin, benchServerConfig, connectReps, seed, type Seeded } from './lib/seed';
import { serverRssMb, startServerProcess, type ServerProcess } from './lib/server';
import { int, ms, summarize, type Summary } from './lib/stats';
import { makeWorkDir, subDir } from './lib/workdir';

/*
 * Cost as the data grows (issue 13): the same server, the same load, on databases that already
 * hold 0, 10k, 50k and 100k leads (a tenth of them open, the rest closed over a year; then the
 * worst case, all of them open), and a start-up with a year of data (1M leads, 20k open).
 *
 * Per size: restart to ready and its RSS; 200 leads posted one at a time for the live push
 * latency (post -> lead.assigned on the rep's socket); then intake under load (autocannon, 16
 * connections, as the issue measured) for the rate, p50/p99, server CPU per lead and the board
 * feed's time per lead (`/healthz` board.busyMs, which it spends whether or not a team lead
 * watches). History is written straight into SQLite (lib/history.ts), rows as the server writes
 * them; intake then runs through the real server over HTTP.
 */

const REPS = 10;
const CONNECTIONS = 16;
const WARM_UP_SECONDS = 3;
const PROBE_LEADS = 200;
const STARTUP_OPEN = 20_000;
const GOALS = {
  rateShare: 0.9,
  boardMsPerLead: 1,
  startupMs: 5_000,
  startupRssMb: 500,
} as const;

const Health = z.object({
  commits: z.number(),
  writes: z.number(),
  board: z.object({ events: z.number(), busyMs: z.number(), rows: z.number() }),
});

interface Size {
  readonly stored: number;
  readonly open: number;
}

interface Point extends Size {
  readonly readyMs: number;
  readonly rssReadyMb: number;
  readonly rate: number;
  readonly latency: Summary;
  readonly cpuPerLeadMs: number;
  readonly boardPerLeadMs: number;
  readonly push: Summary;
  readonly rssEndMb: number;
}

export async function runGrowth(options: BenchOptions): Promise<Outcome> {
  const failures: string[] = [];
  const loadAtStart = os.loadavg();
  const dir = makeWorkDir('growth', options.keepData);
  const sizes: Size[] = [
    { stored: 0, open: 0 },
    ...options.growthSizes.map((stored) => ({ stored, open: Math.round(stored / 10) })),
    ...options.growthSizes.map((stored) => ({ stored, open: stored })),
  ];
  const points: Point[] = [];
  for (const [i, size] of sizes.entries()) {
    console.log(`growth: ${int(size.stored)} leads stored, ${int(size.open)} open ...`);
    points.push(await measureSize(subDir(dir, `size-${i}`), size, options, failures));
  }
  console.log(
    `growth: start-up with ${int(options.startupLeads)} leads stored, ${int(STARTUP_OPEN)} open ...`,
  );
  const startup = await measureStartup(subDir(dir, 'startup'), options.startupLeads);

  const base = points[0];
  const table = markdownTable(
    [
      'leads stored',
      'open',
      'intake leads/s',
      'vs empty',
      'p50',
      'p99',
      'server CPU per lead',
      'board feed per lead',
      'push p50',
      'push p99',
      'restart to ready',
      'RSS ready / after',
    ],
    points.map((p) => [
      int(p.stored),
      int(p.open),
      int(p.rate),
      base ? `${((100 * p.rate) / base.rate).toFixed(0)}%` : '',
      ms(p.latency.p50),
      ms(p.latency.p99),
      ms(p.cpuPerLeadMs),
      ms(p.boardPerLeadMs),
      ms(p.push.p50),
      ms(p.push.p99),
      ms(p.readyMs),
      `${int(p.rssReadyMb)} / ${int(p.rssEndMb)} MB`,
    ]),
  );
  const startupTable = markdownTable(
    ['leads stored', 'open', 'seeded in', 'start 1 to ready', 'start 2 to ready', 'RSS ready'],
    [
      [
        int(options.startupLeads),
        int(STARTUP_OPEN),
        `${startup.seedSeconds.toFixed(0)} s`,
        ms(startup.readyMs[0] ?? Number.NaN),
        ms(startup.readyMs[1] ?? Number.NaN),
        `${int(startup.rssMb)} MB`,
      ],
    ],
  );

  const verdicts: string[] = [];
  const largest = points.filter((p) => p.open === Math.round(p.stored / 10)).at(-1);
  if (base && largest) {
    const share = largest.rate / base.rate;
    verdicts.push(
      `Intake at ${int(largest.stored)} stored >= ${GOALS.rateShare * 100}% of the rate at 0: ` +
        `**${share >= GOALS.rateShare ? 'met' : 'not met'}** (${(share * 100).toFixed(0)}%).`,
    );
  }
  const boardWorst = Math.max(...points.map((p) => p.boardPerLeadMs));
  verdicts.push(
    `Board feed <= ${GOALS.boardMsPerLead} ms per lead at every size, all open included: ` +
      `**${boardWorst <= GOALS.boardMsPerLead ? 'met' : 'not met'}** (worst ${ms(boardWorst)}).`,
  );
  if (base) {
    const pushWorst = Math.max(...points.map((p) => p.push.p99));
    verdicts.push(
      `Push p99 across sizes: ${ms(base.push.p99)} empty, worst ${ms(pushWorst)} ` +
        `(${(pushWorst / base.push.p99).toFixed(2)}x).`,
    );
  }
  const slowest = Math.max(...startup.readyMs);
  verdicts.push(
    `Start-up with ${int(options.startupLeads)} leads (${int(STARTUP_OPEN)} open) <= ${GOALS.startupMs / 1000} s ` +
      `and <= ${GOALS.startupRssMb} MB: **${slowest <= GOALS.startupMs && startup.rssMb <= GOALS.startupRssMb ? 'met' : 'not met'}** ` +
      `(${ms(slowest)}, ${int(startup.rssMb)} MB; the empty server: ${ms(base?.readyMs ?? Number.NaN)}).`,
  );

  console.log(`\n${table}\n\n${startupTable}\n\n${verdicts.join('\n')}\n`);
  if (failures.length > 0) console.error(`growth: FAILED checks:\n- ${failures.join('\n- ')}`);
  if (options.writeDocs) {
    writeDocsSection(
      'growth',
      [
        '## Cost as the data grows',
        '',
        ...environmentLines(options.command, loadAtStart),
        `- Per size: history written straight into SQLite (closed leads over a year, open ones ` +
          `"working" from the last 14 days, with their events, outcome, deadlines and sync log; in the ` +
          `all-open rows half of them never touched, their SLA steps long run), ` +
          `then the server restarted on it; ${REPS} reps on the live channel; ${PROBE_LEADS} leads ` +
          `one at a time for push latency (post -> lead.assigned); then autocannon, ${CONNECTIONS} ` +
          `connections, ${options.duration} s (after ${WARM_UP_SECONDS} s of warm-up load).`,
        '- Board feed per lead: `/healthz` board.busyMs over the leads of the load (no team lead ' +
          'connected: the board is kept current regardless).',
        '- Restart to ready: from spawning the server process (tsx, which compiles the ' +
          'TypeScript first) to its `listening` line.',
        '',
        table,
        '',
        startupTable,
        '',
        ...verdicts.map((v) => `- ${v}`),
        ...(failures.length > 0
          ? ['', '**Failed checks:**', '', ...failures.map((f) => `- ${f}`)]
          : []),
      ].join('\n'),
    );
  }
  return { failures };
}

/** A server whose database holds the team and reps, stopped, ready for history to be added. */
async function prepare(
  dataDir: string,
): Promise<{ seeded: Seeded; admin: ReturnType<typeof benchAdmin> }> {
  const admin = benchAdmin();
  const server = await startServerProcess({ dataDir, config: benchServerConfig(), admin });
  const api = new Api(server.url);
  try {
    const seeded = await seed(api, admin, { reps: REPS, capacity: 10_000 });
    return { seeded, admin };
  } finally {
    api.close();
    await server.stop();
  }
}

async function timedStart(
  dataDir: string,
  admin: ReturnType<typeof benchAdmin>,
  cpuProfDir?: string,
): Promise<{ server: ServerProcess; readyMs: number }> {
  const started = performance.now();
  const server = await startServerProcess({
    dataDir,
    config: benchServerConfig(),
    admin,
    cpuProfDir,
    startTimeoutMs: 600_000,
  });
  return { server, readyMs: performance.now() - started };
}

async function measureSize(
  dataDir: string,
  size: Size,
  options: BenchOptions,
  failures: string[],
): Promise<Point> {
  const { seeded, admin } = await prepare(dataDir);
  if (size.stored > 0) {
    seedHistory(join(dataDir, 'pounce.db'), {
      closed: size.stored - size.open,
      open: size.open,
      // The worst case is also a backlog nobody works: half of all-open never touched.
      untouchedShare: size.open === size.stored ? 0.5 : 0,
      teamId: seeded.teamId,
      repIds: seeded.reps.map((r) => r.id),
      now: Date.now(),
    });
  }
  const { server, readyMs } = await timedStart(dataDir, admin, options.cpuProfDir);
  const rssReadyMb = serverRssMb(server.pid) ?? Number.NaN;
  const api = new Api(server.url);
  const removeApi = onCleanup(() => api.close());
  const label = `${int(size.stored)} stored / ${int(size.open)} open`;
  const messages = new Map<string, AssignedMessage>();
  const sockets = await connectReps(api, server.url, seeded, (m) => messages.set(m.leadId, m));
  try {
    const generator = new LeadGenerator(randomBytes(4).toString('hex'));
    await runLoad(server.url, seeded.apiKey, generator, {
      connections: CONNECTIONS,
      duration: WARM_UP_SECONDS,
    });

    // Push latency, one lead at a time: nothing queued behind another request.
    const bodies = Array.from({ length: PROBE_LEADS }, () => generator.next('probe'));
    const posted = await mapLimit(bodies, 1, async (body) => {
      const res = await api.request('POST', '/api/v1/leads', { token: seeded.apiKey, body });
      if (res.status !== 201) throw new Error(`probe lead: HTTP ${res.status} ${res.text}`);
      const id = z.object({ lead: z.object({ id: z.string() }) }).parse(JSON.parse(res.text))
        .lead.id;
      return { id, sentAt: res.sentAt };
    });
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline && posted.some((p) => !messages.has(p.id))) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const pushes: number[] = [];
    for (const p of posted) {
      const m = messages.get(p.id);
      if (m) pushes.push(m.at - p.sentAt);
    }
    if (pushes.length < posted.length) {
      failures.push(`${label}: ${posted.length - pushes.length} probe leads were never pushed`);
    }

    const before = Health.parse(JSON.parse((await api.request('GET', '/healthz')).text));
    const cpu0 = server.cpuSeconds();
    const load = await runLoad(server.url, seeded.apiKey, generator, {
      connections: CONNECTIONS,
      duration: options.duration,
    });
    const cpu1 = server.cpuSeconds();
    // Let the board apply the last commits before reading its time.
    await new Promise((r) => setTimeout(r, 300));
    const after = Health.parse(JSON.parse((await api.request('GET', '/healthz')).text));
    if (load.non2xx > 0 || load.errors > 0) {
      failures.push(`${label}: ${load.non2xx} non-2xx, ${load.errors} errors under load`);
    }
    if (load.unassigned > 0) failures.push(`${label}: ${load.unassigned} leads not assigned`);
    const leads = Math.max(1, after.writes - before.writes);
    const rssEndMb = serverRssMb(server.pid) ?? Number.NaN;
    return {
      ...size,
      readyMs,
      rssReadyMb,
      rate: load.ok / load.seconds,
      latency: summarize(load.latencies.values()),
      cpuPerLeadMs: cpu0 !== null && cpu1 !== null ? ((cpu1 - cpu0) * 1000) / leads : Number.NaN,
      boardPerLeadMs: (after.board.busyMs - before.board.busyMs) / leads,
      push: summarize(pushes),
      rssEndMb,
    };
  } finally {
    await Promise.all(sockets.map((s) => s.close()));
    removeApi();
    api.close();
    await server.stop();
  }
}

async function measureStartup(
  dataDir: string,
  stored: number,
): Promise<{ seedSeconds: number; readyMs: number[]; rssMb: number }> {
  const { seeded, admin } = await prepare(dataDir);
  const open = Math.min(STARTUP_OPEN, stored);
  const counts = seedHistory(join(dataDir, 'pounce.db'), {
    closed: stored - open,
    open,
    teamId: seeded.teamId,
    repIds: seeded.reps.map((r) => r.id),
    now: Date.now(),
  });
  const readyMs: number[] = [];
  let rssMb = 0;
  for (let i = 0; i < 2; i++) {
    const { server, readyMs: ready } = await timedStart(dataDir, admin);
    readyMs.push(ready);
    rssMb = Math.max(rssMb, serverRssMb(server.pid) ?? Number.NaN);
    await server.stop();
  }
  return { seedSeconds: counts.seconds, readyMs, rssMb };
}
