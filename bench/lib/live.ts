import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { LIVE_PATH } from '../../src/shared/live-protocol';
import { assertLoopback } from './http';

export interface AssignedMessage {
  readonly leadId: string;
  readonly externalId: string | null;
  /** performance.now() when the frame reached the bench's event loop. */
  readonly at: number;
  /** The rep whose socket got it. */
  readonly userId: string;
}

/**
 * One rep's live channel, connected the way the desktop app connects (Authorization header).
 * Reports each `lead.assigned` with the time it arrived and counts closes it did not ask for.
 */
export class RepSocket {
  private closing = false;
  unexpectedClose: string | null = null;

  private constructor(
    private readonly socket: WebSocket,
    readonly userId: string,
  ) {}

  static connect(
    baseUrl: string,
    token: string,
    userId: string,
    onAssigned: (m: AssignedMessage) => void,
    timeoutMs = 15_000,
  ): Promise<RepSocket> {
    assertLoopback(baseUrl);
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${LIVE_PATH}`, {
      headers: { authorization: `Bearer ${token}` },
      handshakeTimeout: timeoutMs,
    });
    const rep = new RepSocket(socket, userId);
    return new Promise<RepSocket>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.terminate();
        reject(new Error(`live channel of ${userId}: no hello within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
        const at = performance.now();
        if (isBinary) return;
        const message = parseMessage(rawText(data));
        if (message?.type === 'hello') {
          clearTimeout(timer);
          resolve(rep);
        } else if (message?.type === 'lead.assigned') {
          onAssigned({ leadId: message.leadId, externalId: message.externalId, at, userId });
        }
      });
      socket.once('unexpected-response', (_req, res) => {
        clearTimeout(timer);
        reject(new Error(`live channel of ${userId}: upgrade refused with HTTP ${res.statusCode}`));
      });
      socket.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      socket.on('close', (code, reason) => {
        if (!rep.closing) rep.unexpectedClose = `${code} ${reason.toString()}`;
      });
    });
  }

  close(): Promise<void> {
    this.closing = true;
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.socket.terminate();
        resolve();
      }, 2_000);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.close(1000, 'bench done');
    });
  }
}

function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

type Parsed =
  | { type: 'hello' }
  | { type: 'lead.assigned'; leadId: string; externalId: string | null }
  | { type: 'other' };

function parseMessage(text: string): Parsed | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(json)) return null;
  if (json.type === 'hello') return { type: 'hello' };
  if (json.type === 'lead.assigned' && isRecord(json.lead) && typeof json.lead.id === 'string') {
    const externalId = typeof json.lead.externalId === 'string' ? json.lead.externalId : null;
    return { type: 'lead.assigned', leadId: json.lead.id, externalId };
  }
  return { type: 'other' };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
