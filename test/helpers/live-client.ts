import WebSocket, { type RawData } from 'ws';
import type { LiveServerMessage } from '../../src/shared/live-protocol';

/**
 * A live-channel client for tests: connects like a rep's app, records every message, and lets a
 * test wait for one that matches.
 */
export class LiveClient {
  readonly messages: LiveServerMessage[] = [];
  private waiters: {
    match: (m: LiveServerMessage) => boolean;
    resolve: (m: LiveServerMessage) => void;
  }[] = [];
  closed: Promise<{ code: number; reason: string }>;
  private pings = 0;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: RawData) => {
      const message = JSON.parse(rawText(data)) as LiveServerMessage;
      this.messages.push(message);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(message)) return true;
        w.resolve(message);
        return false;
      });
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
    );
  }

  /** Connects and waits for the server's hello. */
  static async connect(
    baseUrl: string,
    token: string,
    via: 'header' | 'protocol' = 'header',
  ): Promise<LiveClient> {
    const url = `${baseUrl.replace(/^http/, 'ws')}/api/v1/live`;
    const socket =
      via === 'header'
        ? new WebSocket(url, { headers: { authorization: `Bearer ${token}` } })
        : new WebSocket(url, ['pounce.v1', `pounce.token.${token}`]);
    const client = new LiveClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) =>
        reject(new Error(`upgrade refused: ${res.statusCode}`)),
      );
    });
    await client.next((m) => m.type === 'hello');
    return client;
  }

  /** Resolves with the first message (already received or future) that matches. */
  next(match: (m: LiveServerMessage) => boolean, timeoutMs = 5000): Promise<LiveServerMessage> {
    const seen = this.messages.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('timed out waiting for a live message')),
        timeoutMs,
      );
      this.waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  /**
   * Pings the server and waits for its pong. The socket keeps order, so whatever the server
   * sent before it answered has arrived by then: a test that expects no message waits for this,
   * not for a stretch of time.
   */
  async roundTrip(): Promise<void> {
    const id = `round-trip-${(this.pings += 1)}`;
    this.socket.send(JSON.stringify({ type: 'ping', id }));
    await this.next((m) => m.type === 'pong' && m.id === id);
  }

  assignedLeadIds(): string[] {
    return this.messages.flatMap((m) => (m.type === 'lead.assigned' ? [m.lead.id] : []));
  }

  close(): void {
    this.socket.close();
  }
}

/** The HTTP status with which the server refused a WebSocket upgrade. */
export function upgradeStatus(
  baseUrl: string,
  headers: Record<string, string>,
  path = '/api/v1/live',
): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${path}`, { headers });
    socket.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('error', reject);
  });
}

/** The text of a frame as ws hands it over (a Buffer, an ArrayBuffer, or fragments). */
function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data).toString('utf8');
}
