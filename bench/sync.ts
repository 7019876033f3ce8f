import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { ClientCore } from '../src/main/client/client-core';
import type { Notifier } from '../src/main/client/notifier';
import type { Outcome } from './intake';
import { onCleanup } from './lib/cleanup';
import { Api, mapLimit } from './lib/http';
import { LeadGenerator } from './lib/leads';
import type { BenchOptions } from './lib/options';
import { environmentLines, markdownTable, writeDocsSection } from './lib/report';
import { benchAdmin, benchServerConfig, seed } from './lib/seed';
import { startServerProcess } from './lib/server';
import { int, ms, summarize, type Summary } from './lib/stats';
import { makeWorkDir, subDir } from './lib/workdir';
import { measureWsRoundTrip } from './lib/ws-rtt';

/*
 * The client side of speed-to-lead, with the real client core (src/main/client) in this process:
 *
 * 1. 200 reps, each with a client core (own SQLite file, own live socket). 1,000 leads posted one
 *    at a time; for each, with one clock: t_2xx (response read), t_commit (the lead committed in
 *    the assigned rep's local SQLite: the core's `lead.assigned` event, emitted after the commit),
 *    t_notify (the notifier's show() called). Beside it, a bare loopback WebSocket round trip.
 * 2. Initial sync: one rep holding 10,000 leads opens a fresh client; time until all are in its
 *    database.
 */

const CLIENTS = 200;
const LEADS = 1000;
const WARM_UP = 100;
const INITIAL_SYNC_LEADS = 10_000;
const GOAL = { p50: 5, p99: 20, initialSyncMs: 1000 } as const;
const LeadResponse = z.object({
  lead: z.object({ id: z.string(), assignedTo: z.string().nullable() }),
});

interface Timing {
  commitAt?: number;
  notifyAt?: number;
  rep?: string;
}

export async function runSync(options: BenchOptions): Promise<Outcome> {
  const failures: string[] = [];
  const loadAtStart = os.loadavg();
  const dir = makeWorkDir('sync', options.keepData);
  const generator = new LeadGenerator(randomBytes(4).toString('hex'));

  console.log('sync: bare loopback WebSocket round trip ...');
  const rtt = await measureWsRoundTrip(1000, 1500);

  console.log(`sync: starting the server, seeding ${CLIENTS} reps with client cores ...`);
  const admin = benchAdmin();
  const server = await startServerProcess({
    dataDir: subDir(dir, 'server'),
    config: benchServerConfig(),
    admin,
    cpuProfDir: options.cpuProfDir,
  });
  const api = new Api(server.url);
  onCleanup(() => api.close());
  const seeded = await seed(api, admin, { reps: CLIENTS, capacity: 10_000 });
  const timings = new Map<string, Timing>();
  const timing = (id: string) => {
    let t = timings.get(id);
    if (!t) timings.set(id, (t = {}));
    return t;
  };
  const cores = await mapLimit(seeded.reps, 10, async (rep, i) => {
    const notifier: Notifier = {
      show(toast) {
        if (toast.leadId) timing(toast.leadId).notifyAt = performance.now();
        return Promise.resolve();
      },
    };
    const core = await ClientCore.open({
      dataDir: subDir(dir, `client-${i}`),
      serverUrl: server.url,
      session: { token: rep.token, user: { id: rep.id, email: `rep${i}`, name: `Rep ${i}` } },
      notifier,
      // Every lead its own toast: the figure is "notify() called", not the burst summary.
      engine: { toastWindowMs: 0 },
    });
    core.on((event) => {
      if (event.type === 'lead.assigned') {
        const t = timing(event.lead.id);
        t.commitAt = performance.now();
        t.rep = rep.id;
      }
    });
    return core;
  });
  const closeCores = () => Promise.all(cores.map((c) => c.close())).then(() => undefined);
  const removeCoreCleanup = onCleanup(closeCores);
  await waitUntil(
    async () =>
      (await api.json(z.object({ online: z.number() }), 'GET', '/healthz')).online >= CLIENTS,
    30_000,
    'all clients online',
  );

  console.log(`sync: warm-up, ${WARM_UP} leads ...`);
  for (let i = 0; i < WARM_UP; i++) await postOne(api, seeded.apiKey, generator.next('warm'));

  console.log(`sync: ${LEADS} leads, one at a time ...`);
  const posted: { id: string; assignedTo: string | null; sentAt: number; doneAt: number }[] = [];
  for (let i = 0; i < LEADS; i++) {
    posted.push(await postOne(api, seeded.apiKey, generator.next('sync')));
  }
  await waitUntil(
    () => Promise.resolve(posted.every((p) => timings.get(p.id)?.notifyAt !== undefined)),
    15_000,
    'every lead committed and notified',
  ).catch((error: unknown) => failures.push(String(error)));

  const toCommit: number[] = [];
  const toNotify: number[] = [];
  const postToCommit: number[] = [];
  let wrongRep = 0;
  let missing = 0;
  for (const p of posted) {
    const t = timings.get(p.id);
    if (t?.commitAt === undefined || t.notifyAt === undefined) {
      missing += 1;
      continue;
    }
    if (t.rep !== p.assignedTo) wrongRep += 1;
    toCommit.push(t.commitAt - p.doneAt);
    toNotify.push(t.notifyAt - p.doneAt);
    postToCommit.push(t.commitAt - p.sentAt);
  }
  if (missing > 0) failures.push(`${missing} leads never reached a client's database`);
  if (wrongRep > 0) failures.push(`${wrongRep} leads reached another client than their assignee`);
  removeCoreCleanup();
  await closeCores();

  // ---- initial sync ----
  console.log(`sync: posting ${int(INITIAL_SYNC_LEADS)} leads to one rep for the initial sync ...`);
  const solo = seeded.reps[0];
  if (!solo) throw new Error('no rep');
  for (const rep of seeded.reps.slice(1)) {
    await api.request('PATCH', `/api/v1/users/${rep.id}`, {
      token: seeded.adminToken,
      body: { receivingLeads: false },
    });
  }
  const holder = await ClientCore.open({
    dataDir: subDir(dir, 'holder'),
    serverUrl: server.url,
    session: { token: solo.token, user: { id: solo.id, email: 'rep0', name: 'Rep 0' } },
    notifier: { show: () => Promise.resolve() },
    engine: { toastWindowMs: 60_000 },
  });
  onCleanup(() => holder.close());
  await waitUntil(
    async () => (await api.json(z.object({ online: z.number() }), 'GET', '/healthz')).online >= 1,
    10_000,
    'holder online',
  );
  let target = 0;
  await mapLimit(
    Array.from({ length: INITIAL_SYNC_LEADS }, (_, i) => i),
    20,
    async () => {
      const p = await postOne(api, seeded.apiKey, generator.next('init'));
      if (p.assignedTo === solo.id) target += 1;
    },
  );
  await holder.close();

  const fresh = subDir(dir, 'fresh');
  const started = performance.now();
  let pages = 0;
  let received = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const core = await ClientCore.open({
    dataDir: fresh,
    serverUrl: server.url,
    session: { token: solo.token, user: { id: solo.id, email: 'rep0', name: 'Rep 0' } },
    notifier: { show: () => Promise.resolve() },
    engine: { toastWindowMs: 60_000 },
  });
  core.on((event) => {
    if (event.type !== 'synced') return;
    pages += 1;
    received += event.changes;
    if (received >= target) done();
  });
  await Promise.race([finished, new Promise((r) => setTimeout(r, 60_000))]);
  const syncMs = performance.now() - started;
  const stored = (await core.listLeads()).length;
  await core.close();
  if (stored < target) failures.push(`initial sync stored ${stored} of ${target} leads`);

  console.log('sync: stopping the server ...');
  await server.stop();

  const commit = summarize(toCommit);
  const notify = summarize(toNotify);
  const post = summarize(postToCommit);
  const row = (name: string, s: Summary) => [name, ms(s.p50), ms(s.p90), ms(s.p99), ms(s.max)];
  const table = markdownTable(
    ['measure', 'p50', 'p90', 'p99', 'max'],
    [
      row('2xx -> lead committed in the client SQLite (signed)', commit),
      row('2xx -> notify() called (signed)', notify),
      row('post -> lead committed in the client SQLite', post),
      row('baseline: bare loopback WebSocket round trip (1.5 KB)', rtt),
    ],
  );
  const goalMet = commit.p50 <= GOAL.p50 && commit.p99 <= GOAL.p99;
  const verdict =
    `Goal (2xx -> local commit p50 <= ${GOAL.p50} ms, p99 <= ${GOAL.p99} ms, ${CLIENTS} clients): ` +
    `**${goalMet ? 'met' : 'not met'}** (p50 ${ms(commit.p50)}, p99 ${ms(commit.p99)}); from the post: p50 ${ms(post.p50)}, p99 ${ms(post.p99)}.`;
  const syncVerdict =
    `Initial sync of ${int(stored)} leads (of ${int(target)} held) in ${int(pages)} pulls: **${ms(syncMs)}** ` +
    `(goal under ${int(GOAL.initialSyncMs)} ms: **${syncMs < GOAL.initialSyncMs ? 'met' : 'not met'}**), ` +
    `from opening the client to the last page committed, each lead with its timeline.`;
  console.log(`\n${table}\n\n${verdict}\n${syncVerdict}\n`);
  if (failures.length > 0) console.error(`sync: FAILED checks:\n- ${failures.join('\n- ')}`);

  if (options.writeDocs) {
    writeDocsSection(
      'sync',
      [
        "## Lead to the rep's database (client core)",
        '',
        ...environmentLines(options.command, loadAtStart),
        `- ${CLIENTS} reps, each with a client core in the bench process (own SQLite file, WAL, ` +
          '`synchronous=FULL`; own live socket); leads posted one at a time after ' +
          `${WARM_UP} warm-up leads; one clock (performance.now) for every time`,
        '- Signed: negative means the lead was in the client database before the HTTP 2xx was read ' +
          '(the server pushes right after its commit, before it answers)',
        '',
        table,
        '',
        verdict,
        '',
        syncVerdict,
        ...(failures.length > 0
          ? ['', '**Failed checks:**', '', ...failures.map((f) => `- ${f}`)]
          : []),
      ].join('\n'),
    );
  }
  return { failures };
}

async function postOne(api: Api, apiKey: string, body: unknown) {
  const res = await api.request('POST', '/api/v1/leads', { token: apiKey, body });
  if (res.status !== 201) throw new Error(`lead: HTTP ${res.status} ${res.text.slice(0, 200)}`);
  const { lead } = LeadResponse.parse(JSON.parse(res.text));
  return { id: lead.id, assignedTo: lead.assignedTo, sentAt: res.sentAt, doneAt: res.doneAt };
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
