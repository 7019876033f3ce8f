import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { z } from 'zod';
import { MemorySecretStore } from '../src/main/host/memory-secret-store';
import { ClientCore, signIn } from '../src/main/client/client-core';
import { putServerLeads } from '../src/main/client/lead-store';
import { DEFAULT_SCRYPT, hashPassword, verifyPassword } from '../sync-server/src/auth/password';
import type { AppMethod, AppResults } from '../src/shared/app-api';
import type { Disposition } from '../src/shared/dispositions';
import { uuidv7 } from '../src/shared/ids';
import type { Lead, LeadInputRaw, LeadStatus } from '../src/shared/lead';
import type { TimelineEntry } from '../src/shared/sync-protocol';
import { type Bridge, startBridge } from '../test/e2e/bridge/bridge-server';
import type { Outcome } from './intake';
import {
  barePageHtml,
  cdpMetrics,
  heapAfterGc,
  launchChromium,
  pageClockOffset,
  probe,
  PROBE_SCRIPT,
  type ProbeSnapshot,
  type TraceBreakdown,
  traceBreakdown,
  VIEWPORT,
  waitInPage,
} from './lib/browser';
import { calibrateDelivery } from './lib/browser-calibrate';
import { onCleanup } from './lib/cleanup';
import { Api, mapLimit } from './lib/http';
import { LeadGenerator } from './lib/leads';
import type { BenchOptions } from './lib/options';
import { environmentLines, markdownTable, writeDocsSection } from './lib/report';
import { benchAdmin, benchServerConfig } from './lib/seed';
import { ROOT, startServerProcess } from './lib/server';
import { int, ms, percentile } from './lib/stats';
import { makeWorkDir, subDir } from './lib/workdir';

/*
 * The renderer in a real Chromium with 5,000 leads in the rep's queue (issue 4, section 6).
 *
 * The page is the renderer as `electron-vite build` wrote it (out/renderer), served by the E2E
 * test bridge (test/e2e/bridge), which carries the app's IPC contract over a WebSocket to a real
 * AppService in this process (real client core, local SQLite, real sync) against the real
 * sync-server process with its default scrypt, so signing in costs what it costs. Everything
 * on screen is timed in the page, on the page's clock, by an init script (lib/browser.ts
 * PROBE_SCRIPT): a DOM change is "painted" at the task right after the next animation frame.
 *
 *   1. first row of the queue on screen: (a) a returning rep signs in through the form (the
 *      local database holds the 5,000 leads): click -> painted; (b) the app starts with a kept
 *      session (a new bridge on the same data folder and secret store): navigation -> painted;
 *      (c) for information, a first-ever sign-in, whose initial sync brings the 5,000 leads
 *   2. keydown (event.timeStamp) -> the frame after aria-selected moved, j pressed with gaps
 *   3. script time per second while the timers tick (CDP Performance.getMetrics, idle)
 *   4. JS heap after a full GC (CDP): after load, after the key presses, and what each queue
 *      refresh leaves behind (the 30 posted leads of 5 each bring one)
 *   5. a lead posted to the API -> its row on screen
 * Beside 2 and 3, the same measures on a bare page (a plain list, keydown moves a class). Each
 * figure comes with where its time went: the app calls' timings on the bridge's socket, the app
 * service timed alone, and a Chromium trace of the page's main thread (one extra run, traced,
 * for the goals missed). Last, what Playwright's own DevTools session adds to one queue.get
 * answer (lib/browser-calibrate.ts), since the figures include it and the real app does not.
 */

const QUEUE_LEADS = 5000;
/** Closed leads in the rep's local history for the "with history" figures (issue 13). */
const HISTORY_LEADS = 50_000;
const WORKED_EVERY = 10; // every 10th lead gets an outcome logged: ~10% worked
const FIRST_EVER_RUNS = 3;
const RETURNING_RUNS = 5;
const KEPT_RUNS = 5;
const KEY_WARM_UP = 10;
const KEY_PRESSES = 200;
const KEY_GAP_MS = 100;
const IDLE_SECONDS = 10;
const POSTED_LEADS = 30;
const IDLE_REFRESHES = 10;
const BARE_ROWS = 300; // more than the presses: j never reaches the end
const GOAL = { firstPaintMs: 300, keyMs: 16, tickScriptMsPerS: 2, heapMB: 150 } as const;
const MB = 1024 * 1024;

const TokenResponse = z.object({ token: z.string(), user: z.object({ id: z.string() }) });
const IdResponse = z.object({ team: z.object({ id: z.string() }) });
const UserResponse = z.object({ user: z.object({ id: z.string() }) });
const KeyResponse = z.object({ key: z.string() });
const LeadResponse = z.object({
  lead: z.object({ id: z.string(), assignedTo: z.string().nullable(), tier: z.string() }),
});

interface Rep {
  readonly id: string;
  readonly email: string;
  readonly password: string;
}

interface Dist {
  readonly n: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

function dist(values: readonly number[]): Dist {
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
  };
}

const sleep = (msToWait: number) => new Promise<void>((r) => setTimeout(r, msToWait));
const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;

/** The bridge's AppService, called directly (as the window would). */
async function appCall<M extends AppMethod>(
  bridge: Bridge,
  method: M,
  params: unknown = {},
): Promise<AppResults[M]> {
  const result = await bridge.service.handle({ method, params });
  if (!result.ok) throw new Error(`${method}: ${result.error.code} ${result.error.message}`);
  return result.value as AppResults[M];
}

export async function runRenderer(options: BenchOptions): Promise<Outcome> {
  const failures: string[] = [];
  const notes: string[] = [];
  const loadAtStart = os.loadavg();
  const began = performance.now();
  const build = rendererBuild();
  if (!build.ok) throw new Error(build.text);
  if (build.stale) notes.push(build.stale);
  const dir = makeWorkDir('renderer', options.keepData);

  const chromium = await launchChromium();
  const { browser } = chromium;

  // ---- the bare baseline page, first, on a quiet machine ----
  console.log('renderer: bare baseline page (key presses, idle) ...');
  const bare = await (async () => {
    const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
    try {
      await context.addInitScript(PROBE_SCRIPT);
      await context.route('http://bare.bench/', (route) =>
        route.fulfill({ contentType: 'text/html; charset=utf-8', body: barePageHtml(BARE_ROWS) }),
      );
      const page = await context.newPage();
      await page.goto('http://bare.bench/');
      const cdp = await context.newCDPSession(page);
      await cdp.send('Performance.enable');
      await sleep(500);
      const keys = await keystrokes(page);
      const idle = await idleCost(page, cdp, IDLE_SECONDS);
      const heap = await heapAfterGc(cdp);
      return { keys, idle, heap };
    } finally {
      await context.close();
    }
  })();

  // ---- server, rep, 5,000 leads ----
  console.log('renderer: starting the server (default scrypt) and seeding one rep ...');
  const admin = benchAdmin();
  // Without the bench's fast scrypt: the server's own cost (sign-in is part of the first figure).
  const baseConfig = { ...benchServerConfig() };
  delete baseConfig['auth'];
  const server = await startServerProcess({
    dataDir: subDir(dir, 'server'),
    // Leads go to the rep whether or not an app is connected, so a first sign-in finds them.
    config: { ...baseConfig, routing: { requireOnline: false } },
    admin,
    cpuProfDir: options.cpuProfDir,
  });
  const api = new Api(server.url);
  onCleanup(() => api.close());
  const { rep, apiKey } = await seedOneRep(api, admin);

  console.log(`renderer: posting ${int(QUEUE_LEADS)} varied leads to the rep ...`);
  const generator = new LeadGenerator(randomBytes(4).toString('hex'));
  const seededAt = Date.now();
  const tiers: Record<string, number> = {};
  await mapLimit(
    Array.from({ length: QUEUE_LEADS }, (_, i) => i),
    16,
    async (i) => {
      const lead = await postLead(api, apiKey, queueLead(generator.next('queue'), i, seededAt));
      if (lead.assignedTo !== rep.id) throw new Error(`lead ${lead.id} went to ${lead.assignedTo}`);
      tiers[lead.tier] = (tiers[lead.tier] ?? 0) + 1;
    },
  );

  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  onCleanup(() => context.close().catch(() => undefined));
  await context.addInitScript(PROBE_SCRIPT);
  const secrets = new MemorySecretStore();
  const mainDataDir = subDir(dir, 'app');
  let bridge: Bridge | null = null;
  const closeBridge = async () => {
    const b = bridge;
    bridge = null;
    await b?.close();
  };
  onCleanup(closeBridge);
  const allInQueue = `${QUEUE_LEADS} in queue`;

  // ---- (c) first-ever sign-ins: each a fresh data folder, so each syncs the 5,000 leads ----
  const firstEver: { firstRow: number; allRows: number }[] = [];
  for (let run = 0; run < FIRST_EVER_RUNS; run++) {
    console.log(
      `renderer: first-ever sign-in with initial sync, ${run + 1}/${FIRST_EVER_RUNS} ...`,
    );
    const last = run === FIRST_EVER_RUNS - 1;
    const b = await startBridge({
      dataDir: last ? mainDataDir : subDir(dir, `first-ever-${run}`),
      secrets: last ? secrets : new MemorySecretStore(),
      engine: {},
    });
    bridge = b;
    const page = await context.newPage();
    await page.goto(b.url);
    await page.evaluate(`window.__bench.armCounts(${JSON.stringify(allInQueue)})`);
    await signInThroughForm(page, server.url, rep);
    await waitInPage(
      page,
      `window.__bench.counts[${JSON.stringify(allInQueue)}]?.frame !== undefined`,
      90_000,
      `all ${QUEUE_LEADS} leads in the queue after a first sign-in`,
    );
    const snap = await probe(page);
    const all = snap.counts[allInQueue];
    if (snap.clickAt !== null && snap.firstRow?.frame !== undefined && all?.frame !== undefined) {
      firstEver.push({
        firstRow: snap.firstRow.frame - snap.clickAt,
        allRows: all.frame - snap.clickAt,
      });
    }
    await page.close();
    if (!last) await closeBridge();
  }
  if (!bridge) throw new Error('no app bridge');

  // ---- a realistic queue: some leads worked (retries, callbacks later), most untouched ----
  console.log('renderer: logging outcomes on ~10% of the leads ...');
  const worked = await workSomeLeads(bridge);
  const queueInfo = await describeQueue(bridge);
  if (queueInfo.total !== QUEUE_LEADS) {
    failures.push(`the queue holds ${queueInfo.total} leads, expected ${QUEUE_LEADS}`);
  }

  // ---- (a) a returning rep signs in through the form ----
  // A fresh sign-in pays the server's KDF (scrypt at its default cost) once a month; the figure
  // is reported as that KDF's time plus the rest. The KDF is timed here, in this process, with
  // the server's default parameters, just before each sign-in.
  const kdfHash = await hashPassword(rep.password, DEFAULT_SCRYPT);
  const returning: { ms: number; kdfMs: number; stages: Stages | null }[] = [];
  for (let run = 0; run < RETURNING_RUNS; run++) {
    console.log(`renderer: returning rep signs in, ${run + 1}/${RETURNING_RUNS} ...`);
    const kdfStart = performance.now();
    if (!(await verifyPassword(rep.password, kdfHash))) throw new Error('the KDF timing failed');
    const kdfMs = performance.now() - kdfStart;
    const page = await returningSignInPage(context, bridge, server.url, rep);
    const snap = await probe(page);
    if (snap.clickAt !== null && snap.firstRow?.frame !== undefined) {
      returning.push({
        ms: snap.firstRow.frame - snap.clickAt,
        kdfMs,
        stages: loadStages(snap, snap.clickAt),
      });
    }
    await page.close();
  }

  // ---- (b) app start with a kept session ----
  const kept: { ms: number; serviceStartMs: number; stages: Stages | null }[] = [];
  let page: Page | null = null;
  for (let run = 0; run < KEPT_RUNS; run++) {
    console.log(`renderer: app start with a kept session, ${run + 1}/${KEPT_RUNS} ...`);
    await page?.close();
    await closeBridge();
    const t0 = performance.now();
    bridge = await startBridge({ dataDir: mainDataDir, secrets, engine: {} });
    const serviceStartMs = performance.now() - t0;
    page = await context.newPage();
    await page.goto(bridge.url);
    await waitInPage(page, 'window.__bench.firstRow?.frame !== undefined', 30_000, 'a first row');
    const snap = await probe(page);
    if (snap.firstRow?.frame !== undefined) {
      kept.push({ ms: snap.firstRow.frame, serviceStartMs, stages: loadStages(snap, 0) });
    }
  }
  if (!page || !bridge) throw new Error('no app page');
  const app: Bridge = bridge;
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await waitInPage(
    page,
    `document.querySelector('[data-testid="connection"]')?.textContent.includes('Online')`,
    15_000,
    'the status bar to say Online',
  );
  await sleep(1500);

  // ---- 4. heap after load ----
  const heapLoaded = await heapAfterGc(cdp);

  // ---- 2. keystrokes ----
  console.log(`renderer: ${KEY_PRESSES} presses of j on the 5,000-lead queue ...`);
  const appKeys = await keystrokes(page);
  await sleep(500);
  const heapAfterKeys = await heapAfterGc(cdp);
  const rowsInDom = await page.evaluate<number>(
    `document.querySelectorAll('[role="option"]').length`,
  );

  // ---- 3. idle with the timers ticking ----
  console.log(`renderer: ${IDLE_SECONDS} s idle, timers ticking ...`);
  await page.keyboard.press('g');
  await sleep(1000);
  const appIdle = await idleCost(page, cdp, IDLE_SECONDS);

  // One queue refresh (as every 'synced' and the 30 s re-order bring), for information.
  const refresh = await refreshCost(page, cdp, app);

  // What queue refreshes leave on the heap while the rep does nothing (as on a long call).
  console.log(`renderer: ${IDLE_REFRESHES} queue refreshes, idle, for the heap ...`);
  const heapBeforeRefreshes = await heapAfterGc(cdp);
  for (let i = 0; i < IDLE_REFRESHES; i++) await refreshCost(page, cdp, app);
  const heapAfterRefreshes = await heapAfterGc(cdp);
  const idleGrowth =
    (heapAfterRefreshes.usedBytes - heapBeforeRefreshes.usedBytes) / IDLE_REFRESHES;

  // ---- 5. a lead posted to the API -> its row on screen ----
  console.log(`renderer: ${POSTED_LEADS} hot leads posted, each to its row on screen ...`);
  const refreshesBefore = (await probe(page)).calls.filter((c) => c.method === 'queue.get').length;
  const heapBeforePosts = await heapAfterGc(cdp);
  const posted = await postToScreen(page, api, apiKey, generator, rep);
  const heapEnd = await heapAfterGc(cdp);
  const refreshesDuringPosts =
    (await probe(page)).calls.filter((c) => c.method === 'queue.get').length - refreshesBefore;
  const postGrowth =
    (heapEnd.usedBytes - heapBeforePosts.usedBytes) / Math.max(1, refreshesDuringPosts);
  // The larger of the two (the posts interleave key presses and lead reads, which vary it).
  const growthPerRefresh = Math.max(idleGrowth, postGrowth);

  // ---- where the time goes ----
  const returningDist = dist(returning.map((r) => r.ms));
  const returningKdf = dist(returning.map((r) => r.kdfMs));
  // The goal is the rest: what the app and the server add to the KDF's time.
  const returningRest = dist(returning.map((r) => r.ms - r.kdfMs));
  const keptDist = dist(kept.map((r) => r.ms));
  const keyDist = dist(appKeys.frame);
  const appIdleScript = idleFigure(appIdle);
  const heapMax = Math.max(
    heapLoaded.usedBytes,
    heapAfterKeys.usedBytes,
    heapAfterRefreshes.usedBytes,
    heapEnd.usedBytes,
  );
  const traces: { title: string; trace: TraceBreakdown }[] = [];
  console.log('renderer: tracing a queue refresh ...');
  traces.push({
    title: `one queue refresh (a change -> queue.changed -> queue.get of the page's window -> re-render)`,
    trace: await traceBreakdown(browser, page, async () => {
      await refreshCost(page, cdp, app);
    }),
  });
  if (keyDist.p95 > GOAL.keyMs) {
    console.log('renderer: tracing key presses ...');
    traces.push({
      title: `30 presses of j, ${KEY_GAP_MS} ms apart`,
      trace: await traceBreakdown(browser, page, async () => {
        for (let i = 0; i < 30; i++) {
          await page?.keyboard.press('j');
          await sleep(KEY_GAP_MS);
        }
      }),
    });
  }
  if (appIdleScript.quietMean > GOAL.tickScriptMsPerS) {
    console.log('renderer: tracing idle ticking ...');
    traces.push({
      title: '5 s idle, timers ticking',
      trace: await traceBreakdown(browser, page, () => sleep(5000)),
    });
  }
  await page.close();
  if (keptDist.p50 > GOAL.firstPaintMs) {
    console.log('renderer: tracing an app start with a kept session ...');
    const p = await context.newPage();
    traces.push({
      title: 'app start with a kept session, navigation -> first row',
      trace: await traceBreakdown(browser, p, async () => {
        await p.goto(app.url);
        await waitInPage(p, 'window.__bench.firstRow?.frame !== undefined', 30_000, 'a row');
      }),
    });
    await p.close();
  }
  if (returningRest.p50 > GOAL.firstPaintMs) {
    console.log('renderer: tracing a returning sign-in ...');
    const p = await returningSignInPage(context, app, server.url, rep, async (click) => {
      traces.push({
        title: 'returning rep, click -> first row',
        trace: await traceBreakdown(browser, click.page, async () => {
          await click.run();
        }),
      });
    });
    await p.close();
  }
  console.log('renderer: timing the app service alone ...');
  const service = await serviceCosts(app, server.url, rep);
  console.log("renderer: what Playwright's DevTools session costs a 3.9 MB message ...");
  const answer = JSON.stringify({
    id: 1,
    result: await app.service.handle({ method: 'queue.get', params: {} }),
  });
  const calibration = await calibrateDelivery(browser, answer);

  // ---- the same rep with 50,000 closed leads in the app's local history ----
  await closeBridge();
  console.log(`renderer: writing ${int(HISTORY_LEADS)} closed leads into the local history ...`);
  const held = await writeHistory(mainDataDir, rep.id, HISTORY_LEADS);
  const history = { held, ...(await historyRuns(context, mainDataDir, secrets, server.url, rep)) };
  await closeBridge();
  await context.close();
  await chromium.close();
  console.log('renderer: stopping the server ...');
  await server.stop();
  const totalS = (performance.now() - began) / 1000;

  // ---- report ----
  const firstEverDist = dist(firstEver.map((r) => r.firstRow));
  const firstEverAll = dist(firstEver.map((r) => r.allRows));
  const bareKeyDist = dist(bare.keys.frame);
  const bareIdleScript = idleFigure(bare.idle);
  const postDist = dist(posted.toRow);
  for (const [what, got, want] of [
    ['returning sign-ins', returning.length, RETURNING_RUNS],
    ['kept-session starts', kept.length, KEPT_RUNS],
    ['first-ever sign-ins', firstEver.length, FIRST_EVER_RUNS],
    ['key presses painted', appKeys.frame.length, KEY_PRESSES],
    ['bare key presses painted', bare.keys.frame.length, KEY_PRESSES],
    ['posted leads on screen', posted.toRow.length, POSTED_LEADS],
    ['kept-session starts with history', history.kept.length, KEPT_RUNS],
    ['returning sign-ins with history', history.returning.length, RETURNING_RUNS],
    ['key presses painted with history', history.keys.frame.length, KEY_PRESSES],
    ['leads held with history', history.held, QUEUE_LEADS + HISTORY_LEADS],
  ] as const) {
    if (got < want) failures.push(`${what}: measured ${got} of ${want}`);
  }

  const yes = (ok: boolean) => (ok ? 'yes' : '**no**');
  const spread = (d: Dist) => `p50 ${ms(d.p50)}, p95 ${ms(d.p95)}, max ${ms(d.max)} (n=${d.n})`;
  const paintMet = (d: Dist) =>
    `p50 ${yes(d.p50 <= GOAL.firstPaintMs)}, p95 ${yes(d.p95 <= GOAL.firstPaintMs)}`;
  const heapGrows = growthPerRefresh > 0.5 * MB;
  const refreshesTo150 = heapGrows
    ? Math.max(0, (GOAL.heapMB * MB - heapLoaded.usedBytes) / growthPerRefresh)
    : Number.POSITIVE_INFINITY;
  const goalTable = markdownTable(
    ['goal', 'measured', 'bare baseline', 'met?'],
    [
      [
        `first row after sign-in (returning rep, form), less the KDF <= ${GOAL.firstPaintMs} ms`,
        spread(returningRest),
        'n/a',
        paintMet(returningRest),
      ],
      [
        `first row at app start, kept session <= ${GOAL.firstPaintMs} ms`,
        spread(keptDist),
        'n/a',
        paintMet(keptDist),
      ],
      [
        `keydown -> next row highlighted <= ${GOAL.keyMs} ms`,
        `p50 ${ms(keyDist.p50)}, p95 ${ms(keyDist.p95)}, p99 ${ms(keyDist.p99)}, max ${ms(keyDist.max)} (n=${keyDist.n})`,
        `p50 ${ms(bareKeyDist.p50)}, p95 ${ms(bareKeyDist.p95)}, p99 ${ms(bareKeyDist.p99)}, max ${ms(bareKeyDist.max)} (n=${bareKeyDist.n})`,
        `p50 ${yes(keyDist.p50 <= GOAL.keyMs)}, p95 ${yes(keyDist.p95 <= GOAL.keyMs)}, p99 ${yes(keyDist.p99 <= GOAL.keyMs)}`,
      ],
      [
        `ticking timers <= ${GOAL.tickScriptMsPerS} ms script per second`,
        `${ms(appIdleScript.quietMean)}/s script (${ms(appIdleScript.quietTaskMean)}/s of tasks) over the ${appIdleScript.quietSeconds} s without a queue refresh; ${ms(appIdleScript.mean)}/s over all ${appIdleScript.seconds} s`,
        `${ms(bareIdleScript.mean)}/s script (${ms(bareIdleScript.taskMean)}/s of tasks)`,
        yes(appIdleScript.quietMean <= GOAL.tickScriptMsPerS),
      ],
      [
        `JS heap <= ${GOAL.heapMB} MB`,
        `${mb(heapLoaded.usedBytes)} after load, ${mb(heapAfterKeys.usedBytes)} after the key presses; +${mb(idleGrowth)} kept per queue refresh when idle, +${mb(postGrowth)} per refresh while leads came in; ${mb(heapEnd.usedBytes)} at the end`,
        mb(bare.heap.usedBytes),
        heapMax > GOAL.heapMB * MB
          ? `**no** (${mb(heapMax)} in this run)`
          : heapGrows
            ? `yes in this run; **no** over a day (${GOAL.heapMB} MB after ~${int(refreshesTo150)} refreshes)`
            : 'yes',
      ],
    ],
  );

  const kdfName = `KDF: scrypt N=2^${Math.log2(DEFAULT_SCRYPT.N)}, r=${DEFAULT_SCRYPT.r}, p=${DEFAULT_SCRYPT.p}`;
  const signInTable = markdownTable(
    [
      'returning rep, click -> first row',
      'total',
      kdfName,
      'the rest',
      `rest <= ${GOAL.firstPaintMs} ms`,
    ],
    (['p50', 'p95', 'max'] as const).map((q) => [
      q,
      ms(returningDist[q]),
      ms(returningKdf[q]),
      ms(returningRest[q]),
      yes(returningRest[q] <= GOAL.firstPaintMs),
    ]),
  );

  const infoTable = markdownTable(
    ['also measured', 'p50', 'p95', 'p99', 'max', 'n'],
    [
      distRow('first-ever sign-in: click -> first row (initial sync running)', firstEverDist),
      distRow(`first-ever sign-in: click -> all ${int(QUEUE_LEADS)} in the queue`, firstEverAll),
      distRow('lead posted to the API -> its row on screen', postDist),
      distRow('lead 2xx read -> its row on screen (signed)', dist(posted.fromResponse)),
      distRow('keydown -> aria-selected moved (before the frame)', dist(appKeys.mutation)),
      distRow('bare page: keydown -> class moved (before the frame)', dist(bare.keys.mutation)),
      distRow('server: POST /auth/login (default scrypt), from the client core', service.login),
      distRow('app service: session.signIn (login + open the local database)', service.signIn),
      distRow('app service: first queue.get after signing in', service.coldQueue),
      distRow('app service: queue.get again (warm)', service.warmQueue),
      distRow('app service: JSON of a queue.get answer', service.stringify),
      distRow(
        'app service start with a kept session (AppService.start)',
        dist(kept.map((k) => k.serviceStartMs)),
      ),
      distRow(
        `a queue.get answer (${mb(calibration.bytes)}) on a bare page: socket send -> handler, Playwright's DevTools attached`,
        dist(calibration.withDevTools?.deliverMs ?? []),
      ),
      distRow(
        '... the same in a Chromium with no DevTools client',
        dist(calibration.withoutDevTools?.deliverMs ?? []),
      ),
      distRow(
        '... its JSON.parse in the page (DevTools attached / not)',
        dist([
          ...(calibration.withDevTools?.parseMs ?? []),
          ...(calibration.withoutDevTools?.parseMs ?? []),
        ]),
      ),
    ],
  );
  const historyKeys = dist(history.keys.frame);
  const historyTable = markdownTable(
    ['with history', 'measured', `without (above)`, 'goal met?'],
    [
      [
        'first row at app start, kept session',
        spread(dist(history.kept)),
        `p50 ${ms(keptDist.p50)}`,
        paintMet(dist(history.kept)),
      ],
      [
        // The sign-ins here were not timed apart from their KDF: the KDF's p50 above is taken off.
        `first row after sign-in (returning rep, form), less the KDF's p50 (${ms(returningKdf.p50)})`,
        spread(dist(history.returning.map((v) => v - returningKdf.p50))),
        `p50 ${ms(returningRest.p50)} (less the KDF)`,
        paintMet(dist(history.returning.map((v) => v - returningKdf.p50))),
      ],
      [
        'keydown -> next row highlighted',
        `p50 ${ms(historyKeys.p50)}, p95 ${ms(historyKeys.p95)}, p99 ${ms(historyKeys.p99)}, max ${ms(historyKeys.max)} (n=${historyKeys.n})`,
        `p50 ${ms(keyDist.p50)}, p99 ${ms(keyDist.p99)}`,
        `p50 ${yes(historyKeys.p50 <= GOAL.keyMs)}, p95 ${yes(historyKeys.p95 <= GOAL.keyMs)}, p99 ${yes(historyKeys.p99 <= GOAL.keyMs)}`,
      ],
      [
        'app service: leads.search over the queue and the history (50 newest matches)',
        spread(dist(history.search)),
        'n/a',
        'n/a',
      ],
    ],
  );
  const historyLine = `With history: the same rep and queue, plus ${int(HISTORY_LEADS)} closed leads (won, closed, nurture; changed over the last 28 days, so inside the 30-day window the app keeps) written into the app's local database as a pull writes them (\`putServerLeads\`, each a copy of one of the rep's real leads with its timeline, under a new id), ${int(history.held)} leads held in all. The queue reads only the open ones (by index), so the figures should match those without.`;
  const devToolsMs =
    dist(calibration.withDevTools?.deliverMs ?? []).p50 -
    dist(calibration.withoutDevTools?.deliverMs ?? []).p50;
  const calibrationLine = calibration.error
    ? `- The cost of Playwright's DevTools session could not be measured: ${calibration.error}`
    : `- The bench's own instrumentation: Playwright keeps a DevTools session on the page (Network domain on), so Chromium also reports each WebSocket frame with its payload; that adds ~${ms(devToolsMs)} to delivering one ${mb(calibration.bytes)} queue.get answer (rows above). The first-paint and posted-lead figures include it once per queue.get; the app in Electron has no DevTools attached and gets its answers over IPC.`;

  const stageLines = [
    stageLine(
      'Returning rep, click -> first row',
      returning.map((r) => r.stages),
    ),
    stageLine(
      'Kept session, navigation -> first row',
      kept.map((r) => r.stages),
    ),
    postStageLine(posted.stages),
    calibrationLine,
  ];
  const heapLines = [
    `- JS heap (CDP Performance.getMetrics after HeapProfiler.collectGarbage), used / total: ${mb(heapLoaded.usedBytes)} / ${mb(heapLoaded.totalBytes)} after load; ${mb(heapAfterKeys.usedBytes)} / ${mb(heapAfterKeys.totalBytes)} after ${KEY_PRESSES + KEY_WARM_UP} key presses; ${mb(heapBeforeRefreshes.usedBytes)} before and ${mb(heapAfterRefreshes.usedBytes)} / ${mb(heapAfterRefreshes.totalBytes)} after ${IDLE_REFRESHES} queue refreshes with the page idle (a change each, one after another); ${mb(heapBeforePosts.usedBytes)} before and ${mb(heapEnd.usedBytes)} / ${mb(heapEnd.totalBytes)} after ${POSTED_LEADS} posted leads (${refreshesDuringPosts} queue refreshes). Bare page: ${mb(bare.heap.usedBytes)} / ${mb(bare.heap.totalBytes)}.`,
    ...(heapGrows
      ? [
          `- The heap keeps up to ~${mb(growthPerRefresh)} per queue refresh after a full GC (the answer to queue.get is ${mb(refresh.bytes)} of JSON): the page refreshes after every sync and lead, and at least twice a minute when idle (the 30 s re-order and the 30 s fallback pull), so it passes ${GOAL.heapMB} MB after ~${int(refreshesTo150)} refreshes.`,
        ]
      : []),
  ];
  const idleLines = [
    `- Idle, script ms per second: app ${appIdle.map((s) => `${s.scriptMs.toFixed(2)}${s.refresh ? '*' : ''}`).join(', ')} (* a queue refresh ran in that second); bare page ${bare.idle.map((s) => s.scriptMs.toFixed(2)).join(', ')}.`,
    `- ${int(rowsInDom)} rows in the DOM (virtualised), each with 3 ticking cells, plus the status bar's; the status bar also polls status.get every 5 s.`,
    `- One queue refresh (a change -> \`queue.changed\` -> queue.get of the page's window -> re-render): ${ms(refresh.scriptMs)} of script, ${ms(refresh.taskMs)} of main-thread tasks in the page; the answer is ${mb(refresh.bytes)} over the bridge.`,
  ];
  const traceLines = traces.flatMap(({ title, trace }) => [
    '',
    `Main thread of the page, ${title} (Chromium trace, self time by kind; ${ms(trace.busyMs)} of tasks in ${ms(trace.windowMs)}; longest tasks ${trace.longestTasksMs.map((t) => ms(t)).join(', ')}):`,
    '',
    markdownTable(
      ['kind', 'self time', 'share of tasks'],
      trace.kinds.map((k) => [
        k.kind === 'other'
          ? 'other (input and IPC delivery, the WebSocket message, scheduling)'
          : k.kind,
        ms(k.ms),
        trace.busyMs > 0 ? `${((k.ms / trace.busyMs) * 100).toFixed(1)}%` : 'n/a',
      ]),
    ),
  ]);
  const verdict = [
    `Goals: first row after sign-in <= ${GOAL.firstPaintMs} ms **${returningRest.p50 <= GOAL.firstPaintMs && keptDist.p50 <= GOAL.firstPaintMs ? 'met' : 'not met'}** (p50: returning rep ${ms(returningKdf.p50)} of KDF + ${ms(returningRest.p50)}, kept session ${ms(keptDist.p50)}); ` +
      `keystroke <= ${GOAL.keyMs} ms **${keyDist.p99 <= GOAL.keyMs ? 'met' : keyDist.p50 <= GOAL.keyMs ? 'met at p50, not at p99' : 'not met'}** (p50 ${ms(keyDist.p50)}, p99 ${ms(keyDist.p99)}; bare page p99 ${ms(bareKeyDist.p99)}); ` +
      `timers <= ${GOAL.tickScriptMsPerS} ms/s **${appIdleScript.quietMean <= GOAL.tickScriptMsPerS ? 'met' : 'not met'}** (${ms(appIdleScript.quietMean)}/s); ` +
      `heap <= ${GOAL.heapMB} MB **${heapMax > GOAL.heapMB * MB ? 'not met' : heapGrows ? 'met in this run, not over time' : 'met'}** (max ${mb(heapMax)}${heapGrows ? `, +${mb(growthPerRefresh)} per queue refresh` : ''}).`,
  ];

  console.log(
    `\n${goalTable}\n\n${signInTable}\n\n${historyLine}\n\n${historyTable}\n\n${infoTable}\n\n${stageLines.join('\n')}\n${heapLines.join('\n')}`,
  );
  console.log(`${idleLines.join('\n')}\n${traceLines.join('\n')}\n\n${verdict.join('\n')}`);
  console.log(`renderer: the bench took ${totalS.toFixed(0)} s\n`);
  if (failures.length > 0) console.error(`renderer: FAILED checks:\n- ${failures.join('\n- ')}`);

  if (options.writeDocs) {
    writeDocsSection(
      'renderer',
      [
        '## Renderer in Chromium, 5,000 leads in the queue',
        '',
        ...environmentLines(options.command, loadAtStart),
        `- Browser: ${chromium.description}; window ${VIEWPORT.width}x${VIEWPORT.height}, device scale 1`,
        `- Page: out/renderer as \`electron-vite build\` wrote it (${build.text}), served by the E2E bridge (test/e2e/bridge): the app's IPC contract over a WebSocket to a real AppService in the bench process (client core, local SQLite, WAL, \`synchronous=FULL\`), against the real server process (its default scrypt; \`routing.requireOnline\` off so leads wait for a first sign-in). Unlike in Electron, the page's files and the app service share the bench's one Node thread.`,
        `- Queue: ${int(queueInfo.total)} leads (${int(queueInfo.untouched)} untouched, ${int(worked)} with an outcome logged); tiers ${Object.entries(
          tiers,
        )
          .map(([t, n]) => `${t} ${int(n)}`)
          .join(', ')}; sections ${Object.entries(queueInfo.sections)
          .map(([s, n]) => `${s} ${int(n)}`)
          .join(
            ', ',
          )}; received over the last 3 days, from 17 time zones (some leads give only a country or a phone, some neither)`,
        `- Times are taken in the page (performance.now(), an init script): a DOM change counts as painted at the task right after the next requestAnimationFrame (that frame's style, layout and paint on the main thread are done). Sign-in: from the click on "Sign in" (event.timeStamp); kept session: from navigation start; keys: keydown's event.timeStamp to that frame, ${KEY_PRESSES} presses of j ${KEY_GAP_MS} ms apart after ${KEY_WARM_UP} not counted; timers: CDP \`Performance.getMetrics\` ScriptDuration and TaskDuration deltas each second over ${IDLE_SECONDS} s idle (the init script's observer disconnected); posted leads: this process's clock mapped to the page's (best of 25 round trips, +-${ms(posted.clockErrorMs)})`,
        `- Bare baseline (same run, same browser): a plain page of ${BARE_ROWS} rows where keydown moves a class and aria-selected; idle with nothing running`,
        `- The whole bench took ${totalS.toFixed(0)} s`,
        '',
        goalTable,
        '',
        signInTable,
        '',
        historyLine,
        '',
        historyTable,
        '',
        infoTable,
        '',
        ...stageLines,
        ...heapLines,
        ...idleLines,
        ...notes.map((n) => `- ${n}`),
        ...traceLines,
        '',
        ...verdict,
        ...(failures.length > 0
          ? ['', '**Failed checks:**', '', ...failures.map((f) => `- ${f}`)]
          : []),
      ].join('\n'),
    );
  }
  return { failures };
}

/**
 * Writes `count` closed leads into the rep's local database the way a pull writes leads
 * (store.ts `putServerLeads`): each a copy of one of the rep's own leads, with its timeline, under
 * a new id, won, closed or in nurture, changed over the last 28 days (inside the 30-day window,
 * so the app keeps them). Posting and closing 50,000 leads through the server would take many
 * minutes and give the same rows; what the first-row and key figures read is this database.
 */
async function writeHistory(dataDir: string, userId: string, count: number): Promise<number> {
  const core = await ClientCore.openLocal({ dataDir, userId });
  try {
    const templates = (
      await core.db.selectFrom('leads').select(['lead', 'timeline']).execute()
    ).map((r) => ({
      lead: JSON.parse(r.lead) as Lead,
      timeline: JSON.parse(r.timeline) as TimelineEntry[],
    }));
    if (templates.length === 0) throw new Error('no leads to copy into the history');
    const statuses: readonly LeadStatus[] = ['closed', 'won', 'nurture'];
    const now = Date.now();
    for (let i = 0; i < count; i += 1000) {
      const page: { lead: Lead; timeline: TimelineEntry[] }[] = [];
      for (let j = i; j < Math.min(count, i + 1000); j++) {
        const t = templates[j % templates.length];
        if (!t) continue;
        const status = statuses[j % statuses.length] ?? 'closed';
        const at = new Date(now - (j / count) * 28 * 24 * 3_600_000 - 60_000).toISOString();
        page.push({
          lead: {
            ...t.lead,
            id: uuidv7(),
            status,
            attempts: Math.max(1, t.lead.attempts),
            firstTouchAt: t.lead.firstTouchAt ?? at,
            lastAttemptAt: at,
            lastDisposition:
              status === 'won'
                ? 'meeting_booked'
                : status === 'closed'
                  ? 'not_interested'
                  : 'not_sales_ready',
            closeReason: status === 'closed' ? 'no_need' : null,
            callbackAt: null,
            nextAttemptAt: null,
            updatedAt: at,
          },
          timeline: t.timeline,
        });
      }
      await core.db.transaction().execute((trx) => putServerLeads(trx, page));
    }
    const held = await core.db
      .selectFrom('leads')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(held.n);
  } finally {
    await core.close();
  }
}

/** Kept-session starts, returning sign-ins, key presses and searches with the history in place. */
async function historyRuns(
  context: BrowserContext,
  dataDir: string,
  secrets: MemorySecretStore,
  serverUrl: string,
  rep: Rep,
): Promise<{
  kept: number[];
  returning: number[];
  keys: KeyRun;
  search: number[];
}> {
  const kept: number[] = [];
  const returning: number[] = [];
  let bridge: Bridge | null = null;
  let page: Page | null = null;
  try {
    for (let run = 0; run < KEPT_RUNS; run++) {
      console.log(
        `renderer: with history, app start with a kept session, ${run + 1}/${KEPT_RUNS} ...`,
      );
      await page?.close();
      await bridge?.close();
      bridge = await startBridge({ dataDir, secrets, engine: {} });
      page = await context.newPage();
      await page.goto(bridge.url);
      await waitInPage(page, 'window.__bench.firstRow?.frame !== undefined', 30_000, 'a first row');
      const snap = await probe(page);
      if (snap.firstRow?.frame !== undefined) kept.push(snap.firstRow.frame);
    }
    if (!page || !bridge) throw new Error('no app page');
    await waitInPage(
      page,
      `document.querySelector('[data-testid="connection"]')?.textContent.includes('Online')`,
      15_000,
      'the status bar to say Online',
    );
    await sleep(1500);
    console.log(`renderer: with history, ${KEY_PRESSES} presses of j ...`);
    const keys = await keystrokes(page);
    await page.close();
    page = null;
    const search: number[] = [];
    for (const query of [
      'ada',
      'analytics',
      'lee',
      '415',
      'gmail',
      'vp',
      'zzz',
      'an',
      'co',
      'ma',
    ]) {
      const t0 = performance.now();
      await appCall(bridge, 'leads.search', { query });
      search.push(performance.now() - t0);
    }
    for (let run = 0; run < RETURNING_RUNS; run++) {
      console.log(
        `renderer: with history, returning rep signs in, ${run + 1}/${RETURNING_RUNS} ...`,
      );
      const p = await returningSignInPage(context, bridge, serverUrl, rep);
      const snap = await probe(p);
      if (snap.clickAt !== null && snap.firstRow?.frame !== undefined) {
        returning.push(snap.firstRow.frame - snap.clickAt);
      }
      await p.close();
    }
    return { kept, returning, keys, search };
  } finally {
    await page?.close();
    await bridge?.close();
  }
}

function distRow(name: string, d: Dist): string[] {
  return [name, ms(d.p50), ms(d.p95), ms(d.p99), ms(d.max), String(d.n)];
}

// ---------------------------------------------------------------------------------------------
// Seeding

async function seedOneRep(
  api: Api,
  admin: { email: string; password: string },
): Promise<{ rep: Rep; apiKey: string }> {
  const { token } = await api.json(TokenResponse, 'POST', '/api/v1/auth/login', { body: admin });
  const { team } = await api.json(IdResponse, 'POST', '/api/v1/teams', {
    token,
    body: { name: 'Renderer bench' },
  });
  const email = 'rita@renderer.bench.example.com';
  const password = `rep-${randomBytes(12).toString('hex')}`;
  const { user } = await api.json(UserResponse, 'POST', '/api/v1/users', {
    token,
    body: {
      email,
      name: 'Rita Rep',
      password,
      role: 'rep',
      teamId: team.id,
      weight: 1,
      capacity: 10_000,
    },
  });
  const { key } = await api.json(KeyResponse, 'POST', '/api/v1/api-keys', {
    token,
    body: { name: 'renderer bench' },
  });
  return { rep: { id: user.id, email, password }, apiKey: key };
}

async function postLead(api: Api, apiKey: string, body: unknown) {
  const res = await api.request('POST', '/api/v1/leads', { token: apiKey, body });
  if (res.status !== 201) throw new Error(`lead: HTTP ${res.status} ${res.text.slice(0, 300)}`);
  const { lead } = LeadResponse.parse(JSON.parse(res.text));
  return { ...lead, sentAt: res.sentAt, doneAt: res.doneAt };
}

/** mulberry32: every run posts the same mix. */
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

const PLACES: readonly { tz: string; country: string; region: string; phone: string }[] = [
  { tz: 'America/New_York', country: 'US', region: 'New York', phone: '+1 212 555 01' },
  { tz: 'America/Chicago', country: 'US', region: 'Illinois', phone: '+1 312 555 01' },
  { tz: 'America/Denver', country: 'US', region: 'Colorado', phone: '+1 303 555 01' },
  { tz: 'America/Los_Angeles', country: 'US', region: 'California', phone: '+1 415 555 01' },
  { tz: 'America/Toronto', country: 'CA', region: 'Ontario', phone: '+1 416 555 01' },
  { tz: 'America/Sao_Paulo', country: 'BR', region: 'Sao Paulo', phone: '+55 11 2345 67' },
  { tz: 'Europe/London', country: 'GB', region: 'London', phone: '+44 20 7946 09' },
  { tz: 'Europe/Berlin', country: 'DE', region: 'Berlin', phone: '+49 30 1234 56' },
  { tz: 'Europe/Paris', country: 'FR', region: 'Ile-de-France', phone: '+33 1 42 68 53' },
  { tz: 'Europe/Madrid', country: 'ES', region: 'Madrid', phone: '+34 91 123 45' },
  { tz: 'Europe/Stockholm', country: 'SE', region: 'Stockholm', phone: '+46 8 123 456' },
  { tz: 'Asia/Dubai', country: 'AE', region: 'Dubai', phone: '+971 4 123 45' },
  { tz: 'Asia/Kolkata', country: 'IN', region: 'Maharashtra', phone: '+91 22 2345 67' },
  { tz: 'Asia/Singapore', country: 'SG', region: 'Singapore', phone: '+65 6123 45' },
  { tz: 'Asia/Tokyo', country: 'JP', region: 'Tokyo', phone: '+81 3 1234 56' },
  { tz: 'Australia/Sydney', country: 'AU', region: 'New South Wales', phone: '+61 2 9374 40' },
  { tz: 'Pacific/Auckland', country: 'NZ', region: 'Auckland', phone: '+64 9 123 45' },
];

const rand = random(0x5eed);

/** Numbers handed out per place so far (placePhone). */
const phonesUsed = new Map<string, number>();
/** NANP exchanges 200-899 without the N11 codes (211, 311, ...). */
const EXCHANGES = Array.from({ length: 700 }, (_, i) => 200 + i).filter((e) => e % 100 !== 11);

/**
 * A number of the place (its area, so a lead with only a phone is placed in the zone), never
 * handed out before: intake folds a second inquiry from the same phone into the first lead, and
 * the bench's 5,000 leads are 5,000 people. NANP: another exchange per number; elsewhere the
 * last three digits (a place gets ~300 of the 5,000 leads).
 */
function placePhone(place: { readonly tz: string; readonly phone: string }): string {
  const k = phonesUsed.get(place.tz) ?? 0;
  phonesUsed.set(place.tz, k + 1);
  if (place.phone.startsWith('+1 ')) {
    const area = place.phone.slice(0, 6); // "+1 212"
    const exchange = EXCHANGES[k % EXCHANGES.length] ?? 555;
    return `${area} ${exchange} ${String(100 + Math.floor(k / EXCHANGES.length)).padStart(4, '0')}`;
  }
  if (k >= 1000) throw new Error(`more than 1,000 bench phones for ${place.tz}`);
  return `${place.phone.slice(0, -1)}${String(k).padStart(3, '0')}`;
}

/**
 * A lead of the 5,000: hot, warm or cold (20/40/40 by what it did and who it is), received up
 * to 3 days ago, from one of 17 zones; 65% give a zone, 15% only a country, 12% only a phone,
 * 8% neither.
 */
function queueLead(base: LeadInputRaw, n: number, now: number): LeadInputRaw {
  const lead: Record<string, unknown> = { ...base };
  const kind = n % 10;
  const age = rand();
  const receivedMs =
    age < 0.1
      ? now - (20 + rand() * 40) * 60_000 // the last hour (at least 20 min ago)
      : age < 0.4
        ? now - rand() * 8 * 3_600_000
        : now - rand() * 72 * 3_600_000;
  const at = new Date(Math.min(receivedMs, now - 20 * 60_000)).toISOString();
  lead['receivedAt'] = at;
  if (kind < 2) {
    // hot: as generated (demo or trial intent, a title, a company address)
    lead['signals'] = (base.signals ?? []).map((s) => ({ ...s, at }));
  } else if (kind < 6) {
    lead['signals'] = [{ type: kind % 2 === 0 ? 'pricing_page' : 'contact_form', at }];
    if (kind % 2 === 1) delete lead['title'];
  } else {
    lead['signals'] = [
      { type: 'webinar', at },
      { type: 'whitepaper_download', at },
    ];
    delete lead['title'];
    if (kind !== 9) delete lead['message'];
  }
  const place = PLACES[Math.floor(rand() * PLACES.length)] ?? PLACES[0];
  const where = rand();
  delete lead['region'];
  delete lead['timezone'];
  delete lead['country'];
  if (!place) return lead as LeadInputRaw;
  const phone = placePhone(place);
  if (where < 0.65) {
    Object.assign(lead, {
      timezone: place.tz,
      country: place.country,
      region: place.region,
      phone,
    });
  } else if (where < 0.8) {
    lead['country'] = place.country;
    delete lead['phone'];
  } else if (where < 0.92) {
    lead['phone'] = phone;
  } else {
    delete lead['phone'];
  }
  return lead as LeadInputRaw;
}

/** Outcomes on every 10th lead: no answer, voicemail, or a callback booked for later. */
async function workSomeLeads(bridge: Bridge): Promise<number> {
  const queue = await appCall(bridge, 'queue.get');
  let n = 0;
  for (const [i, item] of queue.items.entries()) {
    if (i % WORKED_EVERY !== 3) continue;
    const pick = n % 5;
    const disposition: Disposition = pick < 3 ? 'no_answer' : pick < 4 ? 'voicemail' : 'callback';
    await appCall(bridge, 'lead.command', {
      type: 'logOutcome',
      leadId: item.lead.id,
      disposition,
      ...(disposition === 'callback' && {
        callbackAt: new Date(Date.now() + (2 + (n % 46)) * 3_600_000).toISOString(),
      }),
    });
    n += 1;
  }
  const deadline = Date.now() + 60_000;
  for (;;) {
    const status = await appCall(bridge, 'status.get');
    if (status.pending === 0) break;
    if (Date.now() > deadline) {
      throw new Error(
        `${status.pending} outcomes never synced (status: ${JSON.stringify(status)})`,
      );
    }
    await sleep(100);
  }
  return n;
}

async function describeQueue(bridge: Bridge) {
  const queue = await appCall(bridge, 'queue.get');
  const sections: Record<string, number> = {};
  for (const item of queue.items)
    sections[item.row.section] = (sections[item.row.section] ?? 0) + 1;
  return { total: queue.counts.total, untouched: queue.counts.untouched, sections };
}

// ---------------------------------------------------------------------------------------------
// In the page

async function signInThroughForm(page: Page, serverUrl: string, rep: Rep): Promise<void> {
  // (The first-ever sign-ins; returningSignInPage does the same for a returning rep.)
  await page.getByLabel('Server').fill(serverUrl);
  // The bench's server is on 127.0.0.1: http:// there needs the rep's yes.
  await page.getByLabel('Sign in without encryption').check();
  await page.getByLabel('Email').fill(rep.email);
  await page.getByLabel('Password').fill(rep.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Signs the app out, opens the sign-in form in a new page, signs in, waits for a row. */
async function returningSignInPage(
  context: BrowserContext,
  bridge: Bridge,
  serverUrl: string,
  rep: Rep,
  around?: (click: { page: Page; run: () => Promise<void> }) => Promise<void>,
): Promise<Page> {
  await appCall(bridge, 'session.signOut');
  const page = await context.newPage();
  await page.goto(bridge.url);
  await page.getByLabel('Server').fill(serverUrl);
  // The bench's server is on 127.0.0.1: http:// there needs the rep's yes.
  await page.getByLabel('Sign in without encryption').check();
  await page.getByLabel('Email').fill(rep.email);
  await page.getByLabel('Password').fill(rep.password);
  const run = async () => {
    await page.getByRole('button', { name: 'Sign in' }).click();
    await waitInPage(page, 'window.__bench.firstRow?.frame !== undefined', 30_000, 'a first row');
  };
  if (around) await around({ page, run });
  else await run();
  return page;
}

/** When each step happened, ms from the start (the click, or navigation start). */
interface Stages {
  /** Navigation only: the HTML, the app's bundle received, DOMContentLoaded done. */
  readonly htmlEnd: number | null;
  readonly scriptEnd: number | null;
  readonly domContentLoaded: number | null;
  /** The call that brings the session (session.signIn, or session.get at start). */
  readonly sessionSent: number;
  readonly sessionAnswered: number;
  /** The first queue.get after it (the inbox mounts on the session.changed event). */
  readonly queueSent: number;
  readonly queueAnswered: number;
  readonly painted: number;
  readonly queueBytes: number;
}

function loadStages(snap: ProbeSnapshot, from: number): Stages | null {
  const session = snap.calls.find(
    (c) => (c.method === 'session.signIn' || c.method === 'session.get') && c.sent >= from - 1,
  );
  if (session?.answered === undefined) return null;
  const queue = snap.calls.find((c) => c.method === 'queue.get' && c.sent >= session.sent);
  const frame = snap.firstRow?.frame;
  if (queue?.answered === undefined || frame === undefined) return null;
  const nav = from === 0 ? snap.nav : null;
  return {
    htmlEnd: nav?.htmlEnd ?? null,
    scriptEnd: nav?.scriptEnd ?? null,
    domContentLoaded: nav?.domContentLoaded ?? null,
    sessionSent: session.sent - from,
    sessionAnswered: session.answered - from,
    queueSent: queue.sent - from,
    queueAnswered: queue.answered - from,
    painted: frame - from,
    queueBytes: queue.bytes ?? 0,
  };
}

function stageLine(title: string, stages: readonly (Stages | null)[]): string {
  const got = stages.filter((s): s is Stages => s !== null);
  if (got.length === 0) return `- ${title}: the stages could not be read from the bridge's socket`;
  const med = (f: (s: Stages) => number | null) => {
    const values = got.map(f).filter((v): v is number => v !== null);
    return values.length ? ms(dist(values).p50) : 'n/a';
  };
  const first = got[0];
  const nav =
    first?.htmlEnd !== null
      ? `HTML received ${med((s) => s.htmlEnd)}, the app's bundle ${med((s) => s.scriptEnd)}, DOMContentLoaded ${med((s) => s.domContentLoaded)}, `
      : '';
  const call = first?.htmlEnd !== null ? 'session.get' : 'session.signIn';
  return (
    `- ${title}, medians of ${got.length}, from the start: ${nav}${call} sent ${med((s) => s.sessionSent)} and answered ${med((s) => s.sessionAnswered)}, ` +
    `queue.get sent ${med((s) => s.queueSent)} and its answer (${mb(first?.queueBytes ?? 0)}) received ${med((s) => s.queueAnswered)}, ` +
    `first row painted ${med((s) => s.painted)} (so ${med((s) => s.painted - s.queueAnswered)} from the answer to the painted row)`
  );
}

interface PostStages {
  /** 2xx read -> the page sends queue.get (push, local commit, event, the page's debounce). */
  readonly toQueueCall: number;
  readonly queueCall: number;
  /** queue.get answered -> the row painted. */
  readonly render: number;
}

function postStageLine(stages: readonly PostStages[]): string {
  if (stages.length === 0) return '- Posted leads: the stages could not be read';
  const med = (f: (s: PostStages) => number) => ms(dist(stages.map(f)).p50);
  return (
    `- Posted lead -> row, medians of ${stages.length}: from the 2xx to the page sending queue.get ${med((s) => s.toQueueCall)} ` +
    `(server push, the client core's commit, the event, the page's 16 ms debounce; the push comes before the 2xx); ` +
    `queue.get answered after ${med((s) => s.queueCall)}; answer -> row painted ${med((s) => s.render)}`
  );
}

interface KeyRun {
  /** keydown -> painted, ms, per press that moved the selection. */
  readonly frame: number[];
  /** keydown -> aria-selected="true" set on the next row. */
  readonly mutation: number[];
}

async function keystrokes(page: Page): Promise<KeyRun> {
  await page.evaluate('window.__bench.armKeys(true)');
  for (let i = 0; i < KEY_WARM_UP + KEY_PRESSES; i++) {
    if (i === KEY_WARM_UP) await page.evaluate('window.__bench.keys.length = 0');
    await page.keyboard.press('j');
    await sleep(KEY_GAP_MS);
  }
  await sleep(300);
  const snap = await probe(page);
  await page.evaluate('window.__bench.armKeys(false)');
  const frame: number[] = [];
  const mutation: number[] = [];
  for (const k of snap.keys) {
    if (k.frame === undefined || k.mutation === undefined) continue;
    frame.push(k.frame - k.down);
    mutation.push(k.mutation - k.down);
  }
  return { frame, mutation };
}

interface IdleSecond {
  readonly scriptMs: number;
  readonly taskMs: number;
  /** A queue.get ran in (or just before) this second. */
  readonly refresh: boolean;
}

async function idleCost(page: Page, cdp: CDPSession, seconds: number): Promise<IdleSecond[]> {
  await page.evaluate('window.__bench.pause()');
  const { offsetMs } = await pageClockOffset(page, 10);
  const out: IdleSecond[] = [];
  const windows: { from: number; to: number; scriptMs: number; taskMs: number }[] = [];
  let prev = await cdpMetrics(cdp);
  let prevAt = performance.now();
  const start = prevAt;
  for (let i = 1; i <= seconds; i++) {
    await sleep(Math.max(0, start + i * 1000 - performance.now()));
    const m = await cdpMetrics(cdp);
    const at = performance.now();
    const scale = 1000 / (at - prevAt); // per second of wall time
    windows.push({
      from: prevAt + offsetMs,
      to: at + offsetMs,
      scriptMs: ((m['ScriptDuration'] ?? 0) - (prev['ScriptDuration'] ?? 0)) * 1000 * scale,
      taskMs: ((m['TaskDuration'] ?? 0) - (prev['TaskDuration'] ?? 0)) * 1000 * scale,
    });
    prev = m;
    prevAt = at;
  }
  const snap = await probe(page);
  await page.evaluate('window.__bench.resume()');
  const queueCalls = snap.calls.filter((c) => c.method === 'queue.get');
  for (const w of windows) {
    const refresh = queueCalls.some(
      (c) => (c.answered ?? c.sent) + 300 >= w.from && c.sent <= w.to,
    );
    out.push({ scriptMs: w.scriptMs, taskMs: w.taskMs, refresh });
  }
  return out;
}

function idleFigure(seconds: readonly IdleSecond[]) {
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
  const quiet = seconds.filter((s) => !s.refresh);
  return {
    seconds: seconds.length,
    mean: mean(seconds.map((s) => s.scriptMs)),
    taskMean: mean(seconds.map((s) => s.taskMs)),
    quietSeconds: quiet.length,
    quietMean: mean(quiet.map((s) => s.scriptMs)),
    quietTaskMean: mean(quiet.map((s) => s.taskMs)),
  };
}

/**
 * Script and task time in the page for one queue refresh brought by a change to the queue: the
 * rep's app writes a change (a lead marked seen), the client core says `queue.changed`, the page
 * fetches its window again. (A sync that changed nothing no longer refreshes the page.)
 */
async function refreshCost(page: Page, cdp: CDPSession, bridge: Bridge) {
  await page.evaluate('window.__bench.pause()');
  const before = await probe(page);
  const calls0 = before.calls.length;
  const m0 = await cdpMetrics(cdp);
  const queue = await appCall(bridge, 'queue.get', { limit: 1 });
  const leadId = queue.items[0]?.lead.id;
  if (leadId === undefined) throw new Error('the queue is empty');
  await appCall(bridge, 'lead.command', { type: 'markSeen', leadId });
  await waitInPage(
    page,
    `window.__bench.calls.slice(${calls0}).some((c) => c.method === 'queue.get' && c.answered)`,
    10_000,
    'a queue refresh after a change',
  );
  await sleep(700);
  const m1 = await cdpMetrics(cdp);
  const after = await probe(page);
  await page.evaluate('window.__bench.resume()');
  const call = after.calls.slice(calls0).find((c) => c.method === 'queue.get');
  // Less the ticking that happened meanwhile (about one second's worth).
  return {
    scriptMs: ((m1['ScriptDuration'] ?? 0) - (m0['ScriptDuration'] ?? 0)) * 1000,
    taskMs: ((m1['TaskDuration'] ?? 0) - (m0['TaskDuration'] ?? 0)) * 1000,
    bytes: call?.bytes ?? 0,
  };
}

/**
 * The app service alone (no page): the client core's login, session.signIn (login and opening
 * the local database), the first queue.get after it and a second one, and serialising the
 * answer as the bridge does. Leaves the service signed in.
 */
async function serviceCosts(bridge: Bridge, serverUrl: string, rep: Rep) {
  const login: number[] = [];
  const signInMs: number[] = [];
  const coldQueue: number[] = [];
  const warmQueue: number[] = [];
  const stringify: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await signIn(serverUrl, rep.email, rep.password);
    login.push(performance.now() - t0);
  }
  for (let i = 0; i < 3; i++) {
    await appCall(bridge, 'session.signOut');
    const t0 = performance.now();
    await appCall(bridge, 'session.signIn', {
      serverUrl,
      // The bench's server is on 127.0.0.1: http:// there needs the user's yes.
      allowInsecureHttp: true,
      email: rep.email,
      password: rep.password,
    });
    const t1 = performance.now();
    const result = await bridge.service.handle({ method: 'queue.get', params: {} });
    const t2 = performance.now();
    JSON.stringify({ id: 1, result });
    const t3 = performance.now();
    await bridge.service.handle({ method: 'queue.get', params: {} });
    const t4 = performance.now();
    signInMs.push(t1 - t0);
    coldQueue.push(t2 - t1);
    stringify.push(t3 - t2);
    warmQueue.push(t4 - t3);
  }
  return {
    login: dist(login),
    signIn: dist(signInMs),
    coldQueue: dist(coldQueue),
    warmQueue: dist(warmQueue),
    stringify: dist(stringify),
  };
}

/** A time zone where it is mid-day now, so a posted lead is callable and sorts to the top. */
function callableZone(now = Date.now()): string {
  for (const { tz } of PLACES) {
    const hour = Number(
      new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', hourCycle: 'h23' }).format(
        now,
      ),
    );
    if (hour >= 10 && hour < 18) return tz;
  }
  return 'UTC';
}

async function postToScreen(
  page: Page,
  api: Api,
  apiKey: string,
  generator: LeadGenerator,
  rep: Rep,
) {
  const toRow: number[] = [];
  const fromResponse: number[] = [];
  const stages: PostStages[] = [];
  const clock = await pageClockOffset(page);
  for (let i = 0; i < POSTED_LEADS; i++) {
    // The selection on the first row, so the new lead (hot, callable, just in) lands in view.
    await page.keyboard.press('g');
    await sleep(200);
    await page.evaluate('window.__bench.armRows(true)');
    const callsBefore = (await probe(page)).calls.length;
    const base = generator.next('live');
    const body: Record<string, unknown> = {
      ...base,
      title: 'Founder',
      signals: [{ type: 'demo_request' }],
      timezone: callableZone(),
    };
    delete body['country'];
    delete body['region'];
    const lead = await postLead(api, apiKey, body);
    if (lead.assignedTo !== rep.id) throw new Error(`live lead went to ${lead.assignedTo}`);
    try {
      await waitInPage(
        page,
        `window.__bench.rows[${JSON.stringify(lead.id)}]?.frame !== undefined`,
        5000,
        `lead ${lead.id} on screen`,
      );
      const snap = await probe(page);
      const seen = snap.rows[lead.id];
      if (seen?.frame !== undefined) {
        const at = seen.frame - clock.offsetMs; // this process's clock
        toRow.push(at - lead.sentAt);
        fromResponse.push(at - lead.doneAt);
        // The refresh that brought the row: the last queue.get answered before it was painted.
        const refresh = snap.calls
          .slice(callsBefore)
          .filter((c) => c.method === 'queue.get' && c.answered !== undefined)
          .filter((c) => (c.answered ?? Infinity) <= (seen.mutation ?? Infinity))
          .pop();
        if (refresh?.answered !== undefined) {
          stages.push({
            toQueueCall: refresh.sent - (lead.doneAt + clock.offsetMs),
            queueCall: refresh.answered - refresh.sent,
            render: seen.frame - refresh.answered,
          });
        }
      }
    } catch {
      // counted as missing
    }
    await page.evaluate('window.__bench.armRows(false)');
    await sleep(100);
  }
  return { toRow, fromResponse, stages, clockErrorMs: clock.errorMs };
}

// ---------------------------------------------------------------------------------------------

/** out/renderer must exist; says when it is older than the renderer's sources. */
function rendererBuild(): { ok: boolean; text: string; stale: string | null } {
  const index = join(ROOT, 'out/renderer/index.html');
  if (!existsSync(index)) {
    return {
      ok: false,
      text: 'out/renderer is missing: run `npx electron-vite build` first',
      stale: null,
    };
  }
  const built = statSync(index).mtimeMs;
  let newest = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  walk(join(ROOT, 'src/renderer'));
  const text = `built ${new Date(built).toISOString().replace(/\.\d+Z$/, 'Z')}`;
  return {
    ok: true,
    text,
    stale:
      newest > built
        ? 'out/renderer is older than a file under src/renderer: these figures may not be of the current code'
        : null,
  };
}
