import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Browser } from 'playwright-core';
import { type WebSocket, WebSocketServer } from 'ws';
import { CHROMIUM_ARGS, SYSTEM_CHROMIUM } from './browser';
import { onCleanup, onExitKill } from './cleanup';

/*
 * What the bench's own instrumentation costs. Playwright keeps a DevTools session on every page
 * it drives, with the Network domain on, so Chromium reports each WebSocket frame, payload and
 * all, to it; for the app's multi-megabyte queue.get answers that is extra main-thread work the
 * real app (Electron IPC, no DevTools) never does. Measured here on a tiny page that receives the
 * same text over a WebSocket and parses it: once in a page Playwright drives, once in a Chromium
 * started with no DevTools client at all. Each time: this process's clock at send -> the page's
 * message handler (clock offset from the best of 20 small round trips on the same socket), and
 * the page's JSON.parse.
 */

const PAGE = `<!doctype html><meta charset="utf-8"><title>calibration</title><script>
const ws = new WebSocket('ws://' + location.host + '/');
ws.onmessage = (m) => {
  const at = performance.now();
  if (m.data.length < 100) {
    ws.send(JSON.stringify({ pong: JSON.parse(m.data).ping, now: at }));
    return;
  }
  JSON.parse(m.data);
  ws.send(JSON.stringify({ got: at, parseMs: performance.now() - at }));
};
</script>`;

export interface Delivery {
  /** send -> the page's handler, ms, per message. */
  readonly deliverMs: number[];
  readonly parseMs: number[];
}

export interface Calibration {
  readonly bytes: number;
  readonly withDevTools: Delivery | null;
  readonly withoutDevTools: Delivery | null;
  readonly error: string | null;
}

/** `text` is sent `times` times to each page, 600 ms apart. */
export async function calibrateDelivery(
  browser: Browser,
  text: string,
  times = 5,
): Promise<Calibration> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(PAGE);
  });
  const sockets = new WebSocketServer({ server, maxPayload: 1 << 30 });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const closeServer = async () => {
    for (const s of sockets.clients) s.terminate();
    await new Promise<void>((done) => sockets.close(() => done()));
    await new Promise<void>((done) => server.close(() => done()));
  };
  const removeCleanup = onCleanup(closeServer);
  const nextSocket = () => once(sockets, 'connection').then(([s]) => s as WebSocket);
  const result: { withDevTools: Delivery | null; withoutDevTools: Delivery | null } = {
    withDevTools: null,
    withoutDevTools: null,
  };
  let error: string | null = null;
  try {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const socket = nextSocket();
      await page.goto(url);
      result.withDevTools = await deliver(await socket, text, times);
    } finally {
      await context.close();
    }
    if (SYSTEM_CHROMIUM) {
      const profile = mkdtempSync(join(os.tmpdir(), 'pounce-bench-chromium-'));
      const socket = nextSocket();
      const child = spawn(
        SYSTEM_CHROMIUM,
        ['--headless', ...CHROMIUM_ARGS, `--user-data-dir=${profile}`, url],
        { stdio: 'ignore', detached: true },
      );
      const kill = () => {
        try {
          if (child.pid) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // gone already
        }
      };
      const removeKill = onExitKill(kill);
      try {
        const s = await Promise.race([
          socket,
          new Promise<never>((_, reject) =>
            setTimeout(
              () => reject(new Error('Chromium without DevTools did not connect')),
              20_000,
            ),
          ),
        ]);
        result.withoutDevTools = await deliver(s, text, times);
      } finally {
        kill();
        removeKill();
        await once(child, 'exit').catch(() => undefined);
        rmSync(profile, { recursive: true, force: true });
      }
    } else {
      error = 'no system Chromium to start without DevTools';
    }
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  } finally {
    await closeServer();
    removeCleanup();
  }
  return { bytes: text.length, ...result, error };
}

async function deliver(socket: WebSocket, text: string, times: number): Promise<Delivery> {
  const replies: { pong?: number; now?: number; got?: number; parseMs?: number }[] = [];
  let wake: (() => void) | null = null;
  socket.on('message', (data: Buffer) => {
    replies.push(JSON.parse(data.toString('utf8')) as (typeof replies)[number]);
    wake?.();
  });
  const reply = async () => {
    while (replies.length === 0) await new Promise<void>((r) => (wake = r));
    wake = null;
    return replies.shift() ?? {};
  };
  // Page clock minus this process's, from the fastest round trip.
  let offset = 0;
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    socket.send(JSON.stringify({ ping: i }));
    const r = await reply();
    const t1 = performance.now();
    if (t1 - t0 < best && r.now !== undefined) {
      best = t1 - t0;
      offset = r.now - (t0 + t1) / 2;
    }
  }
  const deliverMs: number[] = [];
  const parseMs: number[] = [];
  for (let i = 0; i < times; i++) {
    await new Promise((r) => setTimeout(r, 600));
    const t0 = performance.now();
    socket.send(text);
    const r = await reply();
    if (r.got !== undefined && r.parseMs !== undefined) {
      deliverMs.push(r.got - offset - t0);
      parseMs.push(r.parseMs);
    }
  }
  return { deliverMs, parseMs };
}
