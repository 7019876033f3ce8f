import net from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * A TCP fault-injection proxy for tests (our own small toxiproxy): a client talks to a real
 * server through it, over HTTP or WebSocket, and the test turns faults on and off between steps.
 * It works on bytes, not on HTTP, so it breaks things the way a network does: a response cut
 * midway, a peer that vanishes without a FIN, a reset, a refused connect.
 *
 * Modes apply to new connections and, where it makes sense, to live ones (see `FaultMode`).
 */

/** `up` is client -> server, `down` is server -> client. */
export type Direction = 'up' | 'down';

export type FaultMode =
  /** Forward bytes (and FINs, and resets) both ways. */
  | { readonly kind: 'pass' }
  /**
   * Hold each chunk (and each FIN) `ms` plus up to `jitterMs` before forwarding it. Order per
   * direction is kept: a chunk never overtakes the one before it, even with jitter.
   */
  | { readonly kind: 'delay'; readonly ms: number; readonly jitterMs?: number }
  /**
   * A black hole: connections are accepted, every byte and FIN either way is swallowed, nobody
   * is told. Bytes swallowed are gone, so a connection that lived through `drop` is a corrupt
   * stream afterwards: tests should expect the client to reconnect.
   */
  | { readonly kind: 'drop' }
  /** RST every live connection now, and every new one as soon as it is accepted. */
  | { readonly kind: 'reset' }
  /**
   * Stop listening: connects get ECONNREFUSED. Live connections keep forwarding (closing a
   * listener does not touch established connections). Listening resumes on the same port when
   * the mode changes back.
   */
  | { readonly kind: 'refuse' }
  /**
   * The server is gone silently: the server side of every connection is closed, the client side
   * stays open, is never closed and never answered (its bytes and its FIN are swallowed). New
   * connections are accepted and never reach the server. Models a host that vanished.
   */
  | { readonly kind: 'halfOpen' }
  /**
   * Forward `bytes` more bytes in `direction` (counted per connection from the moment the mode
   * is set, or from accept), then flush them and close both sides: a request or response lost
   * midway. The other direction passes meanwhile.
   */
  | {
      readonly kind: 'cutAfterBytes';
      readonly bytes: number;
      readonly direction: Direction;
    };

export interface FaultProxyStats {
  /** Connections accepted from clients (including those reset right away). */
  readonly accepted: number;
  /** Client connections not yet closed. */
  readonly active: number;
  /** Bytes written to the server / to the client. */
  readonly bytesUp: number;
  readonly bytesDown: number;
  /** Bytes thrown away by `drop`, `halfOpen` or a cut. */
  readonly swallowedUp: number;
  readonly swallowedDown: number;
  /** Connections reset as a fault (`reset` mode, `resetAll`); not resets merely passed on. */
  readonly resets: number;
  /** Chunks and FINs held back by `delay` before they went on. */
  readonly delayed: number;
  /** FINs swallowed (`drop`, `halfOpen`, `reset`, a cut connection): the peer was never told. */
  readonly lostFins: number;
  /** Server sides closed by `halfOpen` (live ones) plus connections it never dialled (new ones). */
  readonly stranded: number;
  /** Connections closed early by `cutAfterBytes`. */
  readonly cuts: number;
  /**
   * Times the listener was closed by `refuse` (a refused connect itself never reaches the
   * proxy, so a test proves it from its client's error and an `accepted` that did not move).
   */
  readonly refusals: number;
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>`; stays the same across `refuse`. */
  readonly url: string;
  readonly port: number;
  readonly mode: FaultMode;
  /** Resolves once the mode is in force (for `refuse` and back: once listening has changed). */
  setMode(mode: FaultMode): Promise<void>;
  /** RSTs every live connection now; returns how many. */
  resetAll(): number;
  stats(): FaultProxyStats;
  /** Closes the listener and every socket, clears every timer; resolves when all are closed. */
  close(): Promise<void>;
}

export interface FaultProxyOptions {
  readonly target: { readonly host: string; readonly port: number };
  /** Where to listen; 127.0.0.1 and a free port by default. */
  readonly host?: string;
  readonly port?: number;
  readonly mode?: FaultMode;
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const proxy = new FaultProxyServer(options);
  await proxy.start(options.port ?? 0);
  return proxy;
}

/** What travels down one direction: bytes, a FIN, or the end of a cut connection. */
type Item =
  | { readonly type: 'data'; readonly chunk: Buffer }
  | { readonly type: 'end' }
  | { readonly type: 'cut' };

/** One direction of one connection: its delay queue and backpressure state. */
interface Lane {
  queue: { readonly at: number; readonly item: Item }[];
  timer: NodeJS.Timeout | null;
  /** When the last queued item is due: a later chunk is never due before it (order). */
  lastDueAt: number;
  sourcePaused: boolean;
}

interface Connection {
  readonly client: net.Socket;
  /** null once the server side is gone (`halfOpen`), or never dialled. */
  upstream: net.Socket | null;
  readonly lanes: Record<Direction, Lane>;
  /** Bytes still allowed through under `cutAfterBytes`. */
  cutBudget: number;
  /** Once cut, nothing more is forwarded and nothing is passed on (no resets either). */
  cut: boolean;
}

const newLane = (): Lane => ({ queue: [], timer: null, lastDueAt: 0, sourcePaused: false });

class FaultProxyServer implements FaultProxy {
  private readonly target: { readonly host: string; readonly port: number };
  private readonly host: string;
  private currentMode: FaultMode;
  private listenPort = 0;
  private server: net.Server | null = null;
  /** Every listener not yet fully closed, across refuse cycles: close() waits for them all. */
  private readonly servers = new Set<net.Server>();
  private readonly connections = new Set<Connection>();
  private readonly sockets = new Set<net.Socket>();
  /** Listening changes run one after the other, each converging on the latest mode. */
  private transition: Promise<void> = Promise.resolve();
  private closing: Promise<void> | null = null;
  private counters = {
    accepted: 0,
    bytesUp: 0,
    bytesDown: 0,
    swallowedUp: 0,
    swallowedDown: 0,
    resets: 0,
    delayed: 0,
    lostFins: 0,
    stranded: 0,
    cuts: 0,
    refusals: 0,
  };

  constructor(options: FaultProxyOptions) {
    this.target = options.target;
    this.host = options.host ?? '127.0.0.1';
    this.currentMode = validate(options.mode ?? { kind: 'pass' });
  }

  get port(): number {
    return this.listenPort;
  }

  get url(): string {
    return `http://${this.host}:${this.listenPort}`;
  }

  get mode(): FaultMode {
    return this.currentMode;
  }

  async start(port: number): Promise<void> {
    // Even a proxy born in `refuse` needs a port to refuse on, so it listens once.
    await this.listen(port);
    if (this.currentMode.kind === 'refuse') this.stopListening();
  }

  setMode(mode: FaultMode): Promise<void> {
    if (this.closing) return Promise.reject(new Error('fault proxy is closed'));
    this.currentMode = validate(mode);
    for (const conn of this.connections) this.applyToLive(conn, this.currentMode);
    return this.reconcileListening();
  }

  resetAll(): number {
    let count = 0;
    for (const conn of this.connections) if (this.resetConnection(conn)) count += 1;
    return count;
  }

  stats(): FaultProxyStats {
    return { ...this.counters, active: this.connections.size };
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    // Let a listen in progress finish, so no listener appears after we looked.
    await this.transition;
    this.stopListening();
    for (const conn of this.connections) clearLanes(conn);
    const closed = [...this.sockets].map(closedPromise);
    for (const socket of this.sockets) socket.destroy();
    const serversClosed = [...this.servers].map(
      (server) => new Promise<void>((resolve) => server.once('close', () => resolve())),
    );
    await Promise.all([...closed, ...serversClosed]);
  }

  // ---- listening ---------------------------------------------------------------------------

  private async listen(port: number): Promise<void> {
    const server = net.createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    // A listener error later on must not crash the test process; connects then fail visibly.
    server.on('error', () => undefined);
    this.servers.add(server);
    server.once('close', () => this.servers.delete(server));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    this.listenPort = address.port;
    this.server = server;
  }

  private stopListening(): void {
    // close() stops accepting at once; its 'close' waits for accepted sockets, which we track.
    if (this.server && this.currentMode.kind === 'refuse') this.counters.refusals += 1;
    this.server?.close();
    this.server = null;
  }

  private reconcileListening(): Promise<void> {
    const step = this.transition.then(async () => {
      if (this.closing) return;
      const want = this.currentMode.kind !== 'refuse';
      if (want && !this.server) {
        try {
          await this.listen(this.listenPort);
        } catch (error) {
          throw new Error(`fault proxy could not listen again on port ${this.listenPort}`, {
            cause: error,
          });
        }
      } else if (!want && this.server) this.stopListening();
    });
    // A failed step must not block the ones after it; the caller still sees the failure.
    this.transition = step.catch(() => undefined);
    return step;
  }

  // ---- connections -------------------------------------------------------------------------

  private accept(client: net.Socket): void {
    this.track(client);
    if (this.closing) {
      client.destroy();
      return;
    }
    this.counters.accepted += 1;
    const mode = this.currentMode;
    if (mode.kind === 'reset') {
      this.counters.resets += 1;
      rst(client);
      return;
    }
    const conn: Connection = {
      client,
      upstream: null,
      lanes: { up: newLane(), down: newLane() },
      cutBudget: mode.kind === 'cutAfterBytes' ? mode.bytes : 0,
      cut: false,
    };
    this.connections.add(conn);
    // Chunks go out as they come: Nagle would merge them and blur delays and cut points.
    client.setNoDelay(true);
    client.on('data', (chunk: Buffer) => this.onData(conn, 'up', chunk));
    client.on('end', () => this.onEnd(conn, 'up'));
    client.on('close', (hadError) => this.onClose(conn, 'client', hadError));

    // In halfOpen the server is gone: a new connection never reaches it.
    if (mode.kind === 'halfOpen') {
      this.counters.stranded += 1;
      return;
    }
    const upstream = net.connect({
      host: this.target.host,
      port: this.target.port,
      allowHalfOpen: true,
    });
    this.track(upstream);
    upstream.setNoDelay(true);
    conn.upstream = upstream;
    // Bytes written before the connect completes are buffered by net, in order.
    upstream.on('data', (chunk: Buffer) => this.onData(conn, 'down', chunk));
    upstream.on('end', () => this.onEnd(conn, 'down'));
    upstream.on('close', (hadError) => this.onClose(conn, 'upstream', hadError));
  }

  /** Every socket gets an error handler at once: ECONNRESET or EPIPE must never crash a test. */
  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    // Errors are acted on in 'close' (hadError), where both sides are known.
    socket.on('error', () => undefined);
    socket.once('close', () => this.sockets.delete(socket));
  }

  private applyToLive(conn: Connection, mode: FaultMode): void {
    switch (mode.kind) {
      case 'reset':
        this.resetConnection(conn);
        return;
      case 'drop':
        // What was in flight falls into the hole too.
        this.swallowLanes(conn);
        return;
      case 'halfOpen':
        this.swallowLanes(conn);
        // The server sees its peer leave; the client is never told.
        if (conn.upstream) this.counters.stranded += 1;
        conn.upstream?.destroy();
        conn.upstream = null;
        return;
      case 'cutAfterBytes':
        conn.cutBudget = mode.bytes;
        return;
      case 'pass':
      case 'delay':
      case 'refuse':
        return;
    }
  }

  private onData(conn: Connection, dir: Direction, chunk: Buffer): void {
    const mode = this.currentMode;
    if (conn.cut) {
      this.swallow(dir, chunk.length);
      return;
    }
    switch (mode.kind) {
      case 'pass':
      case 'refuse':
        this.forward(conn, dir, { type: 'data', chunk }, 0);
        return;
      case 'delay':
        this.forward(conn, dir, { type: 'data', chunk }, delayOf(mode));
        return;
      case 'drop':
      case 'halfOpen':
      case 'reset':
        this.swallow(dir, chunk.length);
        return;
      case 'cutAfterBytes': {
        if (mode.direction !== dir) {
          this.forward(conn, dir, { type: 'data', chunk }, 0);
          return;
        }
        const take = Math.min(conn.cutBudget, chunk.length);
        if (take > 0) this.forward(conn, dir, { type: 'data', chunk: chunk.subarray(0, take) }, 0);
        this.swallow(dir, chunk.length - take);
        conn.cutBudget -= take;
        if (conn.cutBudget === 0) {
          conn.cut = true;
          this.counters.cuts += 1;
          // Queued behind what is still in flight, so the bytes let through do arrive.
          this.forward(conn, 'up', { type: 'cut' }, 0);
          this.forward(conn, 'down', { type: 'cut' }, 0);
        }
        return;
      }
    }
  }

  private onEnd(conn: Connection, dir: Direction): void {
    const mode = this.currentMode;
    if (conn.cut || mode.kind === 'drop' || mode.kind === 'halfOpen' || mode.kind === 'reset') {
      this.counters.lostFins += 1; // the other side is not told
      return;
    }
    this.forward(conn, dir, { type: 'end' }, mode.kind === 'delay' ? delayOf(mode) : 0);
  }

  private onClose(conn: Connection, side: 'client' | 'upstream', hadError: boolean): void {
    const other = side === 'client' ? conn.upstream : conn.client;
    const mode = this.currentMode;
    const passesResets =
      mode.kind === 'pass' ||
      mode.kind === 'delay' ||
      mode.kind === 'refuse' ||
      mode.kind === 'cutAfterBytes';
    // A reset (or failed connect to the server) travels on, as it would without the proxy.
    if (hadError && passesResets && !conn.cut && other) {
      clearLanes(conn);
      rst(other);
    }
    if (conn.client.destroyed && (!conn.upstream || conn.upstream.destroyed)) {
      clearLanes(conn);
      this.connections.delete(conn);
    }
  }

  // ---- forwarding --------------------------------------------------------------------------

  /** Sends now, or queues behind earlier items so that order per direction always holds. */
  private forward(conn: Connection, dir: Direction, item: Item, delayMs: number): void {
    const lane = conn.lanes[dir];
    if (delayMs <= 0 && lane.queue.length === 0) {
      this.deliver(conn, dir, item);
      return;
    }
    if (delayMs > 0) this.counters.delayed += 1;
    const at = Math.max(performance.now() + delayMs, lane.lastDueAt);
    lane.lastDueAt = at;
    lane.queue.push({ at, item });
    this.schedule(conn, dir);
  }

  private schedule(conn: Connection, dir: Direction): void {
    const lane = conn.lanes[dir];
    const head = lane.queue[0];
    if (lane.timer || !head) return;
    lane.timer = setTimeout(
      () => {
        lane.timer = null;
        const now = performance.now();
        // Timers may fire a hair early; an item is only sent once it is really due.
        while (lane.queue[0] && lane.queue[0].at <= now) {
          const next = lane.queue.shift();
          if (next) this.deliver(conn, dir, next.item);
        }
        this.schedule(conn, dir);
      },
      Math.max(1, Math.ceil(head.at - performance.now())),
    );
  }

  private deliver(conn: Connection, dir: Direction, item: Item): void {
    const source = dir === 'up' ? conn.client : conn.upstream;
    const dest = dir === 'up' ? conn.upstream : conn.client;
    if (item.type === 'cut') {
      // Flush what was let through, then close: the peer sees a clean but early end.
      if (dest && !dest.destroyed) dest.end(() => dest.destroy());
      return;
    }
    if (!dest || dest.destroyed || dest.writableEnded) {
      // Bytes for a peer that is gone: TCP would answer the sender with a reset.
      if (item.type === 'data' && source) rst(source);
      return;
    }
    if (item.type === 'end') {
      dest.end();
      return;
    }
    if (dir === 'up') this.counters.bytesUp += item.chunk.length;
    else this.counters.bytesDown += item.chunk.length;
    const lane = conn.lanes[dir];
    if (!dest.write(item.chunk) && source && !lane.sourcePaused) {
      // Backpressure: stop reading from the sender until the receiver catches up.
      // A receiver that closes instead will never drain: let the sender go on then too.
      lane.sourcePaused = true;
      source.pause();
      const resume = () => {
        dest.off('drain', resume);
        dest.off('close', resume);
        lane.sourcePaused = false;
        source.resume();
      };
      dest.on('drain', resume);
      dest.on('close', resume);
    }
  }

  private swallow(dir: Direction, bytes: number): void {
    if (dir === 'up') this.counters.swallowedUp += bytes;
    else this.counters.swallowedDown += bytes;
  }

  private swallowLanes(conn: Connection): void {
    for (const dir of ['up', 'down'] as const) {
      for (const { item } of conn.lanes[dir].queue) {
        if (item.type === 'data') this.swallow(dir, item.chunk.length);
      }
    }
    clearLanes(conn);
  }

  private resetConnection(conn: Connection): boolean {
    if (conn.client.destroyed) return false;
    this.counters.resets += 1;
    clearLanes(conn);
    rst(conn.client);
    if (conn.upstream) rst(conn.upstream);
    return true;
  }
}

function clearLanes(conn: Connection): void {
  for (const lane of [conn.lanes.up, conn.lanes.down]) {
    if (lane.timer) clearTimeout(lane.timer);
    lane.timer = null;
    lane.queue = [];
  }
}

/** Closes with an RST rather than a FIN, so the peer gets ECONNRESET. */
function rst(socket: net.Socket): void {
  if (socket.destroyed) return;
  // resetAndDestroy on a socket still connecting would wait for the connect; just drop it.
  if (socket.connecting) socket.destroy();
  else socket.resetAndDestroy();
}

function closedPromise(socket: net.Socket): Promise<void> {
  if (socket.closed) return Promise.resolve();
  return new Promise((resolve) => socket.once('close', () => resolve()));
}

function delayOf(mode: { readonly ms: number; readonly jitterMs?: number }): number {
  return mode.ms + Math.random() * (mode.jitterMs ?? 0);
}

function validate(mode: FaultMode): FaultMode {
  const bad = (what: string) => new Error(`fault proxy: ${what} in ${JSON.stringify(mode)}`);
  if (mode.kind === 'delay') {
    if (!(mode.ms >= 0) || !((mode.jitterMs ?? 0) >= 0)) throw bad('negative delay');
  }
  if (mode.kind === 'cutAfterBytes' && !(Number.isInteger(mode.bytes) && mode.bytes >= 0)) {
    throw bad('bytes must be an integer >= 0');
  }
  return mode;
}
