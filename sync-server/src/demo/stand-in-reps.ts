import WebSocket from 'ws';
import type { Lead } from '../../../src/shared/lead';
import { LIVE_PATH, type LiveServerMessage } from '../../../src/shared/live-protocol';

export interface StandInRep {
  readonly id: string;
  readonly name: string;
  readonly token: string;
}

export interface StandInEvents {
  onAssigned(rep: StandInRep, lead: Lead, reason: string): void;
  onNotice(rep: StandInRep, text: string): void;
}

export interface StandIns {
  /** Closes every connection and stops reconnecting. */
  close(): void;
}

const RECONNECT_MS = 2_000;

/**
 * Connects each rep to the live channel as their desktop app will: a WebSocket with their
 * session token, kept open, reconnecting if dropped. Being connected is what makes a rep
 * "online" to routing, so these stand-ins are what lets the demo route leads at all.
 * Resolves once every rep has had the server's hello.
 *
 *   const standIns = await connectStandIns(url, seed.reps, { onAssigned, onNotice });
 *   standIns.close();
 */
export async function connectStandIns(
  baseUrl: string,
  reps: readonly StandInRep[],
  events: StandInEvents,
): Promise<StandIns> {
  const url = `${baseUrl.replace(/^http/, 'ws')}${LIVE_PATH}`;
  let closing = false;
  const sockets = new Set<WebSocket>();
  const timers = new Set<NodeJS.Timeout>();

  const connect = (rep: StandInRep): Promise<void> =>
    new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers: { authorization: `Bearer ${rep.token}` } });
      sockets.add(socket);
      let greeted = false;
      socket.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
        const message = isBinary ? null : parseMessage(rawText(data));
        if (message?.type === 'hello' && !greeted) {
          greeted = true;
          resolve();
        } else if (message?.type === 'lead.assigned') {
          events.onAssigned(rep, message.lead, message.reason);
        }
      });
      socket.on('unexpected-response', (_request, response) => {
        socket.terminate();
        reject(
          new Error(
            `${rep.name}: the live channel refused the connection (HTTP ${String(response.statusCode)})`,
          ),
        );
      });
      socket.on('error', (error) => {
        if (!greeted)
          reject(new Error(`${rep.name}: cannot connect to the live channel: ${error.message}`));
      });
      socket.on('close', (code) => {
        sockets.delete(socket);
        if (closing || !greeted) return;
        events.onNotice(rep, `disconnected (${code}); reconnecting`);
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!closing) connect(rep).catch((error: unknown) => events.onNotice(rep, String(error)));
        }, RECONNECT_MS);
        timers.add(timer);
      });
    });

  const handle: StandIns = {
    close() {
      closing = true;
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.close(1000, 'demo stopping');
    },
  };
  try {
    await Promise.all(reps.map(connect));
  } catch (error) {
    handle.close();
    throw error;
  }
  return handle;
}

function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return Buffer.from(new Uint8Array(data)).toString('utf8');
}

/**
 * The server's frames follow the shared protocol; this only guards against a frame that is not
 * JSON or has no type (clients ignore what they do not understand, per live-protocol.ts).
 */
function parseMessage(text: string): LiveServerMessage | null {
  try {
    const value: unknown = JSON.parse(text);
    if (
      typeof value === 'object' &&
      value !== null &&
      'type' in value &&
      typeof value.type === 'string'
    ) {
      return value as LiveServerMessage;
    }
  } catch {
    // Ignored, as an unknown message would be.
  }
  return null;
}
