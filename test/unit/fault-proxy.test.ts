import http from 'node:http';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer, type RawData } from 'ws';
import { eventually } from '../helpers/eventually';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy';

/*
 * Every mode checked for real: a node:http server (with a WebSocket endpoint) and a node:net
 * echo server on 127.0.0.1:0, the proxy in front, real client sockets. No mocks.
 */

const BIG = 'x'.repeat(2000);

let httpServer: http.Server;
let wss: WebSocketServer;
let httpRequests = 0;
let echoServer: net.Server;
/** What the echo server received, per connection, in order. */
let echoReceived: string[];
let httpProxy: FaultProxy;
let echoProxy: FaultProxy;

beforeEach(async () => {
  httpRequests = 0;
  httpServer = http.createServer((req, res) => {
    httpRequests += 1;
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const payload = req.url === '/big' ? BIG : JSON.stringify({ method: req.method, body });
      res.writeHead(200, { 'content-length': Buffer.byteLength(payload) });
      res.end(payload);
    });
  });
  wss = new WebSocketServer({ server: httpServer });
  wss.on('connection', (ws) => ws.on('message', (data: RawData) => ws.send(rawText(data))));
  echoReceived = [];
  echoServer = net.createServer((socket) => {
    const index = echoReceived.push('') - 1;
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      echoReceived[index] += chunk.toString('utf8');
      socket.write(chunk);
    });
  });
  await Promise.all([listen(httpServer), listen(echoServer)]);
  httpProxy = await startFaultProxy({ target: { host: '127.0.0.1', port: portOf(httpServer) } });
  echoProxy = await startFaultProxy({ target: { host: '127.0.0.1', port: portOf(echoServer) } });
});

afterEach(async () => {
  await Promise.all([httpProxy.close(), echoProxy.close()]);
  for (const client of wss.clients) client.terminate();
  httpServer.closeAllConnections();
  await Promise.all([
    new Promise<void>((resolve) => wss.close(() => resolve())),
    new Promise<void>((resolve) => httpServer.close(() => resolve())),
    new Promise<void>((resolve) => echoServer.close(() => resolve())),
  ]);
});

describe('pass', () => {
  it('forwards HTTP requests and responses', async () => {
    const res = await request(httpProxy.url, { method: 'POST', body: 'hello' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ method: 'POST', body: 'hello' });
    const big = await request(httpProxy.url, { path: '/big' });
    expect(big.body).toBe(BIG);
    const stats = httpProxy.stats();
    expect(stats.accepted).toBe(2);
    expect(stats.bytesUp).toBeGreaterThan(0);
    expect(stats.bytesDown).toBeGreaterThan(BIG.length);
    expect(stats).toMatchObject({ resets: 0, delayed: 0, lostFins: 0, stranded: 0, cuts: 0 });
  });

  it('forwards a WebSocket upgrade and its frames', async () => {
    const ws = await openWebSocket(httpProxy.url);
    const echoed = nextMessage(ws);
    ws.send('ping through the proxy');
    expect(await echoed).toBe('ping through the proxy');
    ws.terminate();
  });
});

describe('delay', () => {
  it('adds at least the delay each way', async () => {
    await httpProxy.setMode({ kind: 'delay', ms: 120 });
    const started = performance.now();
    const res = await request(httpProxy.url, { method: 'POST', body: 'slow' });
    const elapsed = performance.now() - started;
    expect(res.status).toBe(200);
    // The request is held 120 ms on the way up, the response 120 ms on the way down.
    expect(elapsed).toBeGreaterThanOrEqual(240);
    expect(httpProxy.stats().delayed).toBeGreaterThanOrEqual(2);
  });

  it('keeps the order of chunks even with jitter', async () => {
    await echoProxy.setMode({ kind: 'delay', ms: 2, jitterMs: 20 });
    const raw = await connectRaw(echoProxy.port);
    const sent = Array.from({ length: 40 }, (_, i) => `<${i}>`);
    for (const piece of sent) {
      raw.socket.write(piece);
      // A turn of the event loop between writes, so they reach the proxy as separate chunks.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const all = sent.join('');
    await eventually(() => raw.received().length >= all.length);
    expect(raw.received()).toBe(all);
    expect(echoProxy.stats().delayed).toBeGreaterThanOrEqual(2); // at least one chunk each way
    raw.socket.destroy();
  });
});

describe('drop', () => {
  it('swallows the request: the client times out and the server never sees it', async () => {
    await httpProxy.setMode({ kind: 'drop' });
    await expect(request(httpProxy.url, { timeoutMs: 200 })).rejects.toThrow('client timeout');
    expect(httpRequests).toBe(0);
    expect(httpProxy.stats().swallowedUp).toBeGreaterThan(0);
  });
});

describe('reset', () => {
  it('resets new and live connections (ECONNRESET)', async () => {
    const live = await connectRaw(echoProxy.port);
    live.socket.write('before');
    await eventually(() => live.received() === 'before');
    await echoProxy.setMode({ kind: 'reset' });
    expect(await live.outcome).toBe('ECONNRESET');

    const fresh = await connectRaw(echoProxy.port);
    expect(await fresh.outcome).toBe('ECONNRESET');
    expect(echoProxy.stats().resets).toBe(2);
  });

  it('gives an HTTP client ECONNRESET', async () => {
    await httpProxy.setMode({ kind: 'reset' });
    await expect(request(httpProxy.url)).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(httpProxy.stats()).toMatchObject({ accepted: 1, resets: 1 });
  });
});

describe('refuse', () => {
  it('refuses connects, keeps live connections, and listens again on the same port', async () => {
    const port = echoProxy.port;
    const live = await connectRaw(port);
    await echoProxy.setMode({ kind: 'refuse' });
    expect(await connectOutcome(port)).toBe('ECONNREFUSED');
    // The refused connect never reached the proxy: only the live one was ever accepted.
    expect(echoProxy.stats()).toMatchObject({ refusals: 1, accepted: 1 });
    // A closed listener does not touch established connections.
    live.socket.write('still here');
    await eventually(() => live.received() === 'still here');
    live.socket.destroy();

    await echoProxy.setMode({ kind: 'pass' });
    expect(echoProxy.port).toBe(port);
    const again = await connectRaw(port);
    again.socket.write('back');
    await eventually(() => again.received() === 'back');
    again.socket.destroy();
  });

  it('serves HTTP again after refusing it', async () => {
    await httpProxy.setMode({ kind: 'refuse' });
    await expect(request(httpProxy.url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(httpProxy.stats()).toMatchObject({ refusals: 1, accepted: 0 });
    await httpProxy.setMode({ kind: 'pass' });
    expect((await request(httpProxy.url)).status).toBe(200);
    expect(httpProxy.stats().accepted).toBe(1);
  });
});

describe('halfOpen', () => {
  it('closes the server side and leaves the client hanging, live or new', async () => {
    const live = await connectRaw(echoProxy.port);
    live.socket.write('hi');
    await eventually(() => live.received() === 'hi');
    await echoProxy.setMode({ kind: 'halfOpen' });
    await eventually(async () => (await connectionsOf(echoServer)) === 0);

    const fresh = await connectRaw(echoProxy.port);
    live.socket.write('anyone?');
    fresh.socket.write('anyone?');
    live.socket.end(); // even a FIN from the client gets no answer
    // Both writes and the FIN reached the proxy and went no further: from here on nothing can
    // answer them, so the checks below need no window of time.
    await eventually(() => {
      const stats = echoProxy.stats();
      return stats.swallowedUp === 2 * 'anyone?'.length && stats.lostFins === 1;
    });
    expect(echoProxy.stats().stranded).toBe(2); // the live one cut off, the fresh one never dialled
    for (const raw of [live, fresh]) {
      expect(raw.received()).toBe(raw === live ? 'hi' : '');
      expect(raw.events).toEqual([]);
    }
    expect(echoReceived).toEqual(['hi']); // the fresh connection never reached the server
    expect(echoProxy.stats().active).toBe(2);

    await echoProxy.close();
    await Promise.all([live.outcome, fresh.outcome]);
  });

  it('leaves an HTTP request hanging until the client gives up', async () => {
    await httpProxy.setMode({ kind: 'halfOpen' });
    await expect(request(httpProxy.url, { timeoutMs: 200 })).rejects.toThrow('client timeout');
    expect(httpRequests).toBe(0);
    expect(httpProxy.stats()).toMatchObject({ stranded: 1, bytesUp: 0 });
    expect(httpProxy.stats().swallowedUp).toBeGreaterThan(0);
  });
});

describe('cutAfterBytes', () => {
  it('truncates a response at exactly that many bytes, then closes', async () => {
    await httpProxy.setMode({ kind: 'cutAfterBytes', bytes: 300, direction: 'down' });
    const raw = await connectRaw(httpProxy.port);
    raw.socket.write('GET /big HTTP/1.1\r\nhost: test\r\n\r\n');
    await raw.outcome;
    expect(raw.received()).toHaveLength(300);
    expect(raw.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(raw.events).toContain('end'); // a clean but early FIN, not a reset
    expect(httpProxy.stats()).toMatchObject({ cuts: 1, bytesDown: 300 });
  });

  it('makes an HTTP client see a response lost midway', async () => {
    await httpProxy.setMode({ kind: 'cutAfterBytes', bytes: 300, direction: 'down' });
    await expect(request(httpProxy.url, { path: '/big' })).rejects.toThrow();
    expect(httpProxy.stats().cuts).toBe(1);
  });

  it('cuts a request going up', async () => {
    await echoProxy.setMode({ kind: 'cutAfterBytes', bytes: 5, direction: 'up' });
    const raw = await connectRaw(echoProxy.port);
    raw.socket.write('hello world');
    await raw.outcome;
    await eventually(() => echoReceived[0] === 'hello');
    expect(raw.received()).toBe(''); // the connection was gone before the echo came back
    expect(echoProxy.stats()).toMatchObject({ swallowedUp: ' world'.length, cuts: 1 });
  });
});

describe('resetAll', () => {
  it('kills live keep-alive connections; the next request reconnects', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await request(httpProxy.url, { agent });
      const second = await request(httpProxy.url, { agent });
      expect(second.socket).toBe(first.socket); // one kept-alive connection
      expect(httpProxy.stats().accepted).toBe(1);
      const closed = new Promise<boolean>((resolve) => first.socket.once('close', resolve));

      expect(httpProxy.resetAll()).toBe(1);
      expect(await closed).toBe(true); // closed with an error: the RST
      await eventually(async () => (await connectionsOf(httpServer)) === 0);
      expect(httpProxy.stats().resets).toBe(1);

      expect((await request(httpProxy.url, { agent })).status).toBe(200);
      expect(httpProxy.stats().accepted).toBe(2);
    } finally {
      agent.destroy();
    }
  });

  it('kills a live WebSocket (close 1006)', async () => {
    const ws = await openWebSocket(httpProxy.url);
    const closed = new Promise<number>((resolve) => ws.once('close', resolve));
    ws.on('error', () => undefined);
    expect(httpProxy.resetAll()).toBe(1);
    expect(await closed).toBe(1006);
    expect(httpProxy.stats().resets).toBe(1);
  });
});

describe('close', () => {
  it('closes every socket, listener and timer', async () => {
    await Promise.all([httpProxy.close(), echoProxy.close()]);

    const proxy = await startFaultProxy({
      target: { host: '127.0.0.1', port: portOf(echoServer) },
    });
    // Leave behind a half-open client (never answered), a live keep-going connection, a chunk
    // waiting in a delay queue (a pending timer) and a listener closed by `refuse` earlier.
    await proxy.setMode({ kind: 'halfOpen' });
    const hanging = await connectRaw(proxy.port);
    await proxy.setMode({ kind: 'refuse' });
    await proxy.setMode({ kind: 'pass' });
    const live = await connectRaw(proxy.port);
    live.socket.write('one');
    await eventually(() => live.received() === 'one');
    await proxy.setMode({ kind: 'delay', ms: 10_000 });
    live.socket.write('never delivered');
    await eventually(() => (resourceCounts().Timeout ?? 0) >= 1);
    expect(proxy.stats().active).toBe(2);

    await proxy.close();
    await proxy.close(); // idempotent
    expect(proxy.stats().active).toBe(0);
    await Promise.all([live.outcome, hanging.outcome]);
    await eventually(async () => (await connectionsOf(echoServer)) === 0);
    expect(await connectOutcome(proxy.port)).toBe('ECONNREFUSED');
    await expect(proxy.setMode({ kind: 'pass' })).rejects.toThrow('closed');
    // All that is left are the two test servers: no socket, no timer. (A closed listener's
    // handle is released a loop turn after its 'close', hence the wait.)
    await eventually(
      () => JSON.stringify(resourceCounts()) === JSON.stringify({ TCPServerWrap: 2 }),
    );
  });
});

// ---- helpers -------------------------------------------------------------------------------

function listen(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
}

function portOf(server: net.Server): number {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('not listening on TCP');
  return address.port;
}

function connectionsOf(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) =>
    server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
  );
}

interface HttpResult {
  readonly status: number;
  readonly body: string;
  readonly socket: net.Socket;
}

/** One HTTP request on a fresh connection (or `agent`); rejects on any socket error. */
function request(
  baseUrl: string,
  options: {
    method?: string;
    path?: string;
    body?: string;
    timeoutMs?: number;
    agent?: http.Agent;
  } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${baseUrl}${options.path ?? '/'}`,
      { method: options.method ?? 'GET', agent: options.agent ?? false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('error', reject);
        res.on('end', () => {
          if (!socket) reject(new Error('no socket'));
          else resolve({ status: res.statusCode ?? 0, body, socket });
        });
      },
    );
    req.on('error', reject);
    // res.socket is detached once a kept-alive socket goes back to its agent; keep our own.
    let socket: net.Socket | null = null;
    req.once('socket', (s) => (socket = s));
    if (options.timeoutMs !== undefined) {
      req.setTimeout(options.timeoutMs, () => req.destroy(new Error('client timeout')));
    }
    req.end(options.body);
  });
}

interface RawClient {
  readonly socket: net.Socket;
  received(): string;
  /** 'end', 'close' and errors as they happen. */
  readonly events: string[];
  /** The error code the socket died with, or 'closed' for a clean close. */
  readonly outcome: Promise<string>;
}

async function connectRaw(port: number): Promise<RawClient> {
  const socket = net.connect({ host: '127.0.0.1', port });
  const events: string[] = [];
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString('utf8')));
  socket.on('end', () => events.push('end'));
  let code = 'closed';
  socket.on('error', (error: NodeJS.ErrnoException) => {
    code = error.code ?? error.message;
    events.push(code);
  });
  const outcome = new Promise<string>((resolve) =>
    socket.once('close', () => {
      events.push('close');
      resolve(code);
    }),
  );
  // A proxy in `reset` mode may kill the connection before 'connect' is seen: then the outcome
  // tells.
  await Promise.race([new Promise((resolve) => socket.once('connect', resolve)), outcome]);
  return { socket, received: () => received, events, outcome };
}

/** How a bare connect ends: 'connected', or the error code. */
function connectOutcome(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

function openWebSocket(baseUrl: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(baseUrl.replace(/^http/, 'ws'));
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function nextMessage(ws: WebSocket): Promise<string> {
  return new Promise((resolve) => ws.once('message', (data: RawData) => resolve(rawText(data))));
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data).toString('utf8');
}

/** Live TCP handles and timers in this process, by type. */
function resourceCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) {
    if (/TCP|Timeout/.test(type)) counts[type] = (counts[type] ?? 0) + 1;
  }
  return counts;
}
