import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  LIVE_MAX_CLIENT_FRAME_BYTES,
  LIVE_PATH,
  LIVE_SUBPROTOCOL,
  LIVE_TOKEN_PROTOCOL_PREFIX,
  LiveClientMessageSchema,
  type LiveServerMessage,
} from '../../../src/shared/live-protocol';
import { bearerToken } from '../auth/tokens';
import { toUser } from '../domain/mappers';
import type { SessionWithUser } from '../repos/sessions';
import { LIVE_CLOSE, scopeChanged, type LiveConnection, type LiveHub } from './hub';

export interface LiveServerOptions {
  readonly hub: LiveHub;
  readonly authenticate: (token: string) => Promise<SessionWithUser | undefined>;
  readonly heartbeatSeconds: number;
  readonly log: { warn(obj: object, msg: string): void };
}

/**
 * The WebSocket endpoint `GET /api/v1/live`. Authentication happens on the HTTP upgrade, before
 * a socket exists: a bad token gets a plain 401 response. The token comes from the
 * Authorization header, or, for browsers (which cannot set headers on a WebSocket), from a
 * subprotocol `pounce.token.<token>` offered next to `pounce.v1`.
 */
export function attachLiveServer(server: Server, options: LiveServerOptions): { close(): void } {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: LIVE_MAX_CLIENT_FRAME_BYTES,
    // Never echo the token protocol back; pounce.v1 when offered, else none.
    handleProtocols: (protocols) => (protocols.has(LIVE_SUBPROTOCOL) ? LIVE_SUBPROTOCOL : false),
  });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const path = (request.url ?? '').split('?')[0];
    if (path !== LIVE_PATH)
      return rejectUpgrade(socket, 404, 'not_found', 'no WebSocket endpoint here');
    const token = tokenFrom(request);
    if (!token) return rejectUpgrade(socket, 401, 'unauthorized', 'missing credentials');
    options
      .authenticate(token)
      .then((auth) => {
        if (!auth) return rejectUpgrade(socket, 401, 'unauthorized', 'invalid or expired token');
        wss.handleUpgrade(request, socket, head, (ws) => accept(ws, auth, token));
      })
      .catch(() => rejectUpgrade(socket, 503, 'unavailable', 'try again'));
  });

  const accept = (ws: WebSocket, auth: SessionWithUser, token: string) => {
    const conn: LiveConnection = { socket: ws, user: auth.user, sessionId: auth.sessionId };
    let alive = true;
    ws.on('pong', () => (alive = true));
    const heartbeat = setInterval(() => {
      if (!alive) return ws.terminate();
      alive = false;
      // The session may have ended elsewhere (the admin CLI deactivated the user, another server
      // instance logged them out), or the user's role or team changed there: re-check it at
      // every heartbeat.
      options.authenticate(token).then(
        (still) => {
          if (!still) ws.close(LIVE_CLOSE.signedOut, 'session ended');
          else if (scopeChanged(auth.user, still.user))
            ws.close(LIVE_CLOSE.rescoped, 'role or team changed');
        },
        () => undefined,
      );
      ws.ping();
    }, options.heartbeatSeconds * 1000);
    heartbeat.unref();
    ws.on('close', () => {
      clearInterval(heartbeat);
      options.hub.remove(conn);
    });
    ws.on('error', (error) =>
      options.log.warn({ err: error, userId: auth.user.id }, 'live socket error'),
    );
    ws.on('message', (data, isBinary) => {
      alive = true;
      const reply = handleClientFrame(isBinary ? null : rawText(data));
      if (reply) ws.send(JSON.stringify(reply));
    });
    send(ws, {
      type: 'hello',
      user: toUser(auth.user),
      serverTime: new Date().toISOString(),
      heartbeatSeconds: options.heartbeatSeconds,
    });
    options.hub.add(conn);
  };

  return {
    close() {
      wss.close();
    },
  };
}

/** Validates a client frame; a bad one gets an error message, never a crash or a closed socket. */
function handleClientFrame(text: string | null): LiveServerMessage | null {
  if (text === null)
    return { type: 'error', error: { code: 'bad_request', message: 'frames must be JSON text' } };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { type: 'error', error: { code: 'invalid_json', message: 'frame is not valid JSON' } };
  }
  const parsed = LiveClientMessageSchema.safeParse(json);
  if (!parsed.success) {
    return {
      type: 'error',
      error: { code: 'validation_failed', message: 'unknown or malformed message' },
    };
  }
  switch (parsed.data.type) {
    case 'ping':
      return { type: 'pong', id: parsed.data.id };
  }
}

function tokenFrom(request: IncomingMessage): string | null {
  const fromHeader = bearerToken(request.headers.authorization);
  if (fromHeader) return fromHeader;
  const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  const carrier = offered.find((p) => p.startsWith(LIVE_TOKEN_PROTOCOL_PREFIX));
  return carrier ? carrier.slice(LIVE_TOKEN_PROTOCOL_PREFIX.length) || null : null;
}

function send(ws: WebSocket, message: LiveServerMessage): void {
  ws.send(JSON.stringify(message));
}

function rejectUpgrade(socket: Duplex, status: number, code: string, message: string): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ error: { code, message } });
  const reason =
    status === 401 ? 'Unauthorized' : status === 404 ? 'Not Found' : 'Service Unavailable';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** The text of a frame as ws hands it over (a Buffer, an ArrayBuffer, or fragments). */
function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data).toString('utf8');
}
