import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { type Browser, type CDPSession, chromium, type Page } from 'playwright-core';
import { onCleanup } from './cleanup';

/*
 * A real Chromium for the renderer bench, driven by playwright-core and measured over the
 * DevTools protocol. Debian's Chromium where it is installed (these machines cannot download
 * Playwright's own browser), else Playwright's own, with the flags the E2E tests use
 * (playwright.config.ts, docs: ../shared/toolchain.md).
 */

export const SYSTEM_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) =>
  existsSync(p),
);

/** The same flags as playwright.config.ts's launchOptions. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
] as const;

/** The E2E tests' window. */
export const VIEWPORT = { width: 1360, height: 820 } as const;

export interface LaunchedBrowser {
  readonly browser: Browser;
  /** "Chromium 156.0.8078.114 (/usr/bin/chromium, headless)" */
  readonly description: string;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<LaunchedBrowser> {
  const browser = await chromium.launch({
    headless: true,
    ...(SYSTEM_CHROMIUM && { executablePath: SYSTEM_CHROMIUM }),
    args: [...CHROMIUM_ARGS],
    // The bench's own guards (lib/cleanup.ts) close it; Playwright still kills it on exit.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await browser.close().catch(() => undefined);
  };
  const removeCleanup = onCleanup(close);
  return {
    browser,
    description: `Chromium ${browser.version()} (${SYSTEM_CHROMIUM ?? "Playwright's own build"}, headless, ${CHROMIUM_ARGS.join(' ')})`,
    async close() {
      await close();
      removeCleanup();
    },
  };
}

/** Performance.getMetrics as a record (seconds for durations, bytes for heap sizes). */
export async function cdpMetrics(session: CDPSession): Promise<Record<string, number>> {
  const { metrics } = await session.send('Performance.getMetrics');
  const out: Record<string, number> = {};
  for (const m of metrics) out[m.name] = m.value;
  return out;
}

export interface Heap {
  readonly usedBytes: number;
  readonly totalBytes: number;
}

/** JS heap of the page after a full garbage collection (twice: weak references clear late). */
export async function heapAfterGc(session: CDPSession): Promise<Heap> {
  await session.send('HeapProfiler.collectGarbage');
  await session.send('HeapProfiler.collectGarbage');
  const m = await cdpMetrics(session);
  return { usedBytes: m['JSHeapUsedSize'] ?? Number.NaN, totalBytes: m['JSHeapTotalSize'] ?? NaN };
}

/**
 * The page clock (performance.now() in the page) minus this process's, estimated from the
 * fastest of `samples` round trips: the page read its clock somewhere inside that round trip,
 * so the error is at most half of it (reported as `errorMs`).
 */
export async function pageClockOffset(
  page: Page,
  samples = 25,
): Promise<{ offsetMs: number; errorMs: number }> {
  let best = { offsetMs: Number.NaN, errorMs: Number.POSITIVE_INFINITY };
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    const pageNow = await page.evaluate('performance.now()');
    const t1 = performance.now();
    if (typeof pageNow !== 'number') throw new Error('the page has no performance.now()');
    const half = (t1 - t0) / 2;
    if (half < best.errorMs) best = { offsetMs: pageNow - (t0 + half), errorMs: half };
  }
  return best;
}

/** Main-thread time of the page by kind of work, from a Chromium trace. */
export interface TraceBreakdown {
  /** Sum of the page's main-thread tasks in the window, ms. */
  readonly busyMs: number;
  readonly windowMs: number;
  /** Self time by kind, ms, largest first. */
  readonly kinds: readonly { readonly kind: string; readonly ms: number }[];
  /** The longest tasks, ms. */
  readonly longestTasksMs: readonly number[];
}

/** First match wins. "UpdateLayoutTree" is DevTools' "Recalculate style". */
const KINDS: readonly [string, RegExp][] = [
  ['garbage collection', /GC|Scavenge|MarkCompact|Sweep/],
  ['compile and parse', /[Cc]ompile|Parse|[Cc]ache|[Dd]eserialize|Streamer/],
  ['style', /^UpdateLayoutTree$|Style|style/],
  ['layout', /Layout|layout|IntersectionObserver/],
  [
    'paint and composite',
    /Paint|Composit|Layer|Raster|BeginMainFrame|Lifecycle|Commit|Image|Decode/,
  ],
  [
    'script',
    /^(FunctionCall|EvaluateScript|TimerFire|EventDispatch|FireAnimationFrame|RunMicrotasks|FireIdleCallback|HandlePostMessage)$|^v8\.|^V8\./,
  ],
];

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
}

/**
 * Traces `action` (Chromium's devtools.timeline categories) and splits the page's main-thread
 * time by kind: script, compile and parse, garbage collection, style, layout, paint and
 * composite, and "other" (the task's own time outside those: IPC, the WebSocket's message
 * delivery, the scheduler). The page's main thread is the CrRendererMain thread that ran the
 * most script and layout.
 */
export async function traceBreakdown(
  browser: Browser,
  page: Page,
  action: () => Promise<void>,
): Promise<TraceBreakdown> {
  await browser.startTracing(page, {
    categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute'],
  });
  let buffer: Buffer;
  try {
    await action();
  } finally {
    buffer = await browser.stopTracing();
  }
  const parsed = JSON.parse(buffer.toString('utf8')) as
    { traceEvents: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
  const mains = new Set<string>();
  for (const e of events) {
    if (e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain') {
      mains.add(`${e.pid}:${e.tid}`);
    }
  }
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of events) {
    if (e.ph !== 'X' || e.dur === undefined) continue;
    const key = `${e.pid}:${e.tid}`;
    if (!mains.has(key)) continue;
    let list = byThread.get(key);
    if (!list) byThread.set(key, (list = []));
    list.push(e);
  }
  const isTask = (e: TraceEvent) =>
    e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask';
  // The page's thread is the one that ran its script and laid it out. (Not simply the one with
  // the most task time: a navigation can start in one renderer and commit in another, and the
  // one left behind can be busy with tasks of its own while the page loads elsewhere.)
  const pageWork = /^(FunctionCall|EvaluateScript|v8\.evaluateModule|Layout|UpdateLayoutTree)$/;
  let main: TraceEvent[] = [];
  let mostBusy = -1;
  for (const list of byThread.values()) {
    const busy = list.filter((e) => pageWork.test(e.name)).reduce((a, e) => a + (e.dur ?? 0), 0);
    if (busy > mostBusy) {
      mostBusy = busy;
      main = list;
    }
  }
  main.sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const self = new Map<string, number>();
  const stack: { end: number; kind: string; child: number; dur: number }[] = [];
  const close = (until: number) => {
    while (stack.length > 0 && (stack[stack.length - 1]?.end ?? 0) <= until) {
      const top = stack.pop();
      if (!top) break;
      self.set(top.kind, (self.get(top.kind) ?? 0) + Math.max(0, top.dur - top.child));
    }
  };
  const tasks: number[] = [];
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (const e of main) {
    const dur = e.dur ?? 0;
    close(e.ts);
    const parent = stack[stack.length - 1];
    if (parent) parent.child += dur;
    else if (!isTask(e)) {
      // Work outside any task (rare): counted as it is.
    }
    if (isTask(e) && !parent) tasks.push(dur / 1000);
    first = Math.min(first, e.ts);
    last = Math.max(last, e.ts + dur);
    const kind = KINDS.find(([, re]) => re.test(e.name))?.[0] ?? 'other';
    stack.push({ end: e.ts + dur, kind, child: 0, dur });
  }
  close(Number.POSITIVE_INFINITY);
  const busyMs = tasks.reduce((a, b) => a + b, 0);
  return {
    busyMs,
    windowMs: last > first ? (last - first) / 1000 : 0,
    kinds: [...self.entries()]
      .map(([kind, us]) => ({ kind, ms: us / 1000 }))
      .sort((a, b) => b.ms - a.ms),
    longestTasksMs: tasks.sort((a, b) => b - a).slice(0, 5),
  };
}

/**
 * Installed before any page script (context.addInitScript): records, on the page's own clock
 * (performance.now(), 0 = navigation start), when things reached the screen. "Painted" means
 * the task right after the requestAnimationFrame callback that follows the DOM change, i.e.
 * after that frame's style, layout and paint on the main thread. Plain JavaScript in a string:
 * the bench process's transpiler must not add helpers to code that runs in the page.
 *
 * window.__bench:
 *   clickAt                 click on the "Sign in" button (event.timeStamp)
 *   firstRow                {mutation, frame}: the first [role="option"] in the DOM, painted
 *   countsAt(text)          {mutation, frame} when [data-testid="counts"] first contained text
 *   keys                    per keydown while keys are armed: {key, down (event.timeStamp),
 *                           mutation (aria-selected="true" set), raf, frame}
 *   rows                    lead id -> {mutation, frame}, rows added while rows are armed
 *   calls                   app calls over the bridge's socket: {id, method, sent, answered, bytes}
 *   nav                     navigation and the app bundle's resource timing
 *   pause() / resume()      stop observing the DOM (so idle measurements see only the app)
 */
export const PROBE_SCRIPT = String.raw`
(() => {
  if (window.__bench) return;
  const now = () => performance.now();
  const b = {
    clickAt: null,
    firstRow: null,
    counts: {},
    keys: [],
    keysArmed: false,
    rows: {},
    rowsArmed: false,
    calls: [],
    byId: {},
    pendingKey: null,
  };
  const afterFrame = (cb) => {
    requestAnimationFrame(() => {
      const raf = now();
      const ch = new MessageChannel();
      ch.port1.onmessage = () => cb(raf, now());
      ch.port2.postMessage(0);
    });
  };
  const painted = (mutation, done) => afterFrame((raf, frame) => done({ mutation, raf, frame }));

  const watchCounts = () => {
    const wanted = Object.keys(b.counts).filter((k) => b.counts[k] === null);
    if (wanted.length === 0) return;
    const el = document.querySelector('[data-testid="counts"]');
    const text = el ? el.textContent || '' : '';
    const t = now();
    for (const w of wanted) {
      if (text.includes(w)) {
        b.counts[w] = { mutation: t };
        painted(t, (r) => (b.counts[w] = r));
      }
    }
  };

  const onMutations = (records) => {
    const t = now();
    let added = false;
    for (const r of records) {
      if (r.type === 'attributes') {
        const k = b.pendingKey;
        if (k && k.mutation === undefined && r.target.getAttribute('aria-selected') === 'true') {
          k.mutation = t;
          b.pendingKey = null;
          afterFrame((raf, frame) => {
            k.raf = raf;
            k.frame = frame;
          });
        }
        continue;
      }
      for (const n of r.addedNodes) {
        if (n.nodeType !== 1) continue;
        added = true;
        if (!b.rowsArmed) continue;
        const rows = n.matches('[role="option"]') ? [n] : n.querySelectorAll('[role="option"]');
        for (const row of rows) {
          const id = row.getAttribute('data-lead-id');
          if (id && !b.rows[id]) {
            b.rows[id] = { mutation: t };
            painted(t, (p) => (b.rows[id] = p));
          }
        }
      }
    }
    if (added && b.firstRow === null && document.querySelector('[role="option"]')) {
      b.firstRow = { mutation: t };
      painted(t, (p) => (b.firstRow = p));
    }
    watchCounts();
  };
  const observer = new MutationObserver(onMutations);
  const observe = () =>
    observer.observe(document, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['aria-selected'],
    });
  observe();

  addEventListener(
    'click',
    (e) => {
      const button = e.target && e.target.closest ? e.target.closest('button') : null;
      if (button && /sign in/i.test(button.textContent || '')) b.clickAt = e.timeStamp;
    },
    true,
  );
  addEventListener(
    'keydown',
    (e) => {
      if (!b.keysArmed) return;
      const k = { key: e.key, down: e.timeStamp };
      b.keys.push(k);
      b.pendingKey = k;
    },
    true,
  );

  // The bridge's transport (test/e2e/bridge/page): time each call from send to its answer,
  // reading only the frame's head (the answer to queue.get is megabytes of JSON).
  const NativeWebSocket = window.WebSocket;
  class ProbeWebSocket extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (m) => {
        if (typeof m.data !== 'string') return;
        const head = /^\{"id":(\d+),/.exec(m.data.slice(0, 32));
        const call = head ? b.byId[head[1]] : undefined;
        if (call) {
          call.answered = now();
          call.bytes = m.data.length;
        }
      });
    }
    send(data) {
      if (typeof data === 'string' && b.calls.length < 20000) {
        const head = /^\{"id":(\d+),"envelope":\{"method":"([^"]+)"/.exec(data.slice(0, 160));
        if (head) {
          const call = { id: Number(head[1]), method: head[2], sent: now() };
          b.calls.push(call);
          b.byId[head[1]] = call;
        }
      }
      return super.send(data);
    }
  }
  window.WebSocket = ProbeWebSocket;

  b.armKeys = (on) => {
    b.keysArmed = on;
    b.pendingKey = null;
  };
  b.armRows = (on) => {
    b.rowsArmed = on;
    b.rows = {};
  };
  b.armCounts = (text) => {
    b.counts[text] = null;
    watchCounts();
  };
  b.pause = () => observer.disconnect();
  b.resume = () => observe();
  const navTiming = () => {
    const nav = performance.getEntriesByType('navigation')[0];
    const script = performance
      .getEntriesByType('resource')
      .find((r) => /\/assets\/[^/]+\.js$/.test(r.name));
    return nav
      ? {
          htmlEnd: nav.responseEnd,
          scriptEnd: script ? script.responseEnd : null,
          domContentLoaded: nav.domContentLoadedEventEnd || null,
        }
      : null;
  };
  b.snapshot = () =>
    JSON.parse(
      JSON.stringify({
        clickAt: b.clickAt,
        firstRow: b.firstRow,
        counts: b.counts,
        keys: b.keys,
        rows: b.rows,
        calls: b.calls,
        nav: navTiming(),
        now: now(),
      }),
    );
  Object.defineProperty(window, '__bench', { value: b });
})();
`;

export interface Painted {
  readonly mutation: number;
  readonly raf?: number;
  readonly frame?: number;
}

export interface KeyRecord {
  readonly key: string;
  readonly down: number;
  readonly mutation?: number;
  readonly raf?: number;
  readonly frame?: number;
}

export interface CallRecord {
  readonly id: number;
  readonly method: string;
  readonly sent: number;
  readonly answered?: number;
  readonly bytes?: number;
}

export interface ProbeSnapshot {
  readonly clickAt: number | null;
  readonly firstRow: Painted | null;
  readonly counts: Record<string, Painted | null>;
  readonly keys: readonly KeyRecord[];
  readonly rows: Record<string, Painted>;
  readonly calls: readonly CallRecord[];
  /** Navigation start = 0: the HTML received, the app's bundle received, DOMContentLoaded done. */
  readonly nav: {
    readonly htmlEnd: number;
    readonly scriptEnd: number | null;
    readonly domContentLoaded: number | null;
  } | null;
  /** The page's performance.now() when the snapshot was taken. */
  readonly now: number;
}

export async function probe(page: Page): Promise<ProbeSnapshot> {
  return page.evaluate<ProbeSnapshot>('window.__bench.snapshot()');
}

/**
 * Reads `expression` in the page every 50 ms until it is truthy. (Not waitForFunction: that
 * evaluates a string with eval inside the page, which the app's CSP forbids, rightly.)
 */
export async function waitInPage(
  page: Page,
  expression: string,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await page.evaluate<unknown>(expression)) return;
    if (performance.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The bare baseline page: a plain list of `rows` rows (the app's row height), where j/k move a
 * class and aria-selected and keep the selected row in view. No framework, no timers.
 */
export function barePageHtml(rows: number): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>bare</title>
<style>
  body { margin: 0; font: 14px system-ui, sans-serif; }
  #list { height: 760px; overflow-y: auto; }
  .row { height: 64px; box-sizing: border-box; padding: 12px 16px; border-bottom: 1px solid #ddd; }
  .row--selected { background: #dbeafe; box-shadow: inset 3px 0 #2563eb; }
</style></head>
<body><div id="list" role="listbox"></div>
<script>
  const list = document.getElementById('list');
  const items = [];
  for (let i = 0; i < ${rows}; i++) {
    const row = document.createElement('div');
    row.className = 'row';
    row.setAttribute('role', 'option');
    row.setAttribute('aria-selected', 'false');
    row.textContent = 'Lead ' + i + ' · Company ' + (i % 97);
    list.appendChild(row);
    items.push(row);
  }
  let selected = 0;
  const select = (i) => {
    if (i < 0 || i >= items.length || i === selected) return;
    items[selected].classList.remove('row--selected');
    items[selected].setAttribute('aria-selected', 'false');
    selected = i;
    items[i].classList.add('row--selected');
    items[i].setAttribute('aria-selected', 'true');
    items[i].scrollIntoView({ block: 'nearest' });
  };
  items[0].classList.add('row--selected');
  items[0].setAttribute('aria-selected', 'true');
  addEventListener('keydown', (e) => {
    if (e.key === 'j' || e.key === 'ArrowDown') select(selected + 1);
    else if (e.key === 'k' || e.key === 'ArrowUp') select(selected - 1);
    else if (e.key === 'g' || e.key === 'Home') select(0);
  });
</script></body></html>`;
}
