import type WebSocket from 'ws';
import type { RawData } from 'ws';
import type { z } from 'zod';
import { type BoardServerMessage, parseBoardMessage } from '../../shared/board-protocol';
import { LiveServerMessageSchema } from '../../shared/sync-protocol';
import { backoffDelay, type BackoffOptions } from './backoff';
import { openLiveSocket } from './transport';

/** A live message as the client validated it. */
export type LiveMessage = z.output<typeof LiveServerMessageSchema>;

/** What the live channel tells the sync engine. */
export interface LiveHandlers {
  /** Connected (again): the server is reachable. */
  readonly opened: () => void;
  readonly message: (message: LiveMessage) => void;
  /** A team board's snapshot or delta (board-protocol.ts). */
  readonly board: (message: BoardServerMessage) => void;
  /** A frame that is not JSON, or a known type that does not parse. */
  readonly invalid: (message: string) => void;
  /** The server refused the session (401) or signed it out (close code 4001). */
  readonly signedOut: (message: string) => void;
  /** Closed for another reason; it reconnects in `retryInMs`. */
  readonly closed: (retryInMs: number) => void;
}

export interface LiveChannelOptions {
  readonly serverUrl: string;
  readonly token: string;
  readonly backoff: BackoffOptions;
  /** Silence on the socket after which it is presumed dead (half-open) and replaced. */
  readonly silenceMs: number;
  /** False once the engine stopped: nothing connects or reconnects then. */
  readonly running: () => boolean;
  /** Runs `fn` after `ms` unless the engine stopped first (the engine owns its timers). */
  readonly later: (ms: number, fn: () => void) => void;
  readonly on: LiveHandlers;
}

/**
 * The live socket (`GET /api/v1/live`): connects, reconnects with backoff and full jitter,
 * replaces a socket that fell silent (half-open), and turns frames into validated messages. It
 * writes nothing: what a message means for the local database is the sync engine's business.
 *
 *   const live = new LiveChannel({ serverUrl, token, backoff, silenceMs, running, later, on });
 *   live.connect();
 *   live.reconnect();   // a board missed a delta: a new connection brings its snapshot
 *   live.stop();
 */
export class LiveChannel {
  private socket: WebSocket | null = null;
  private failures = 0;
  private silenceTimer: NodeJS.Timeout | null = null;

  constructor(private readonly o: LiveChannelOptions) {}

  connect(): void {
    if (!this.o.running()) return;
    const socket = openLiveSocket(this.o.serverUrl, this.o.token);
    this.socket = socket;
    socket.on('open', () => {
      this.failures = 0;
      this.heard();
      this.o.on.opened();
    });
    socket.on('message', (data: RawData) => {
      this.heard();
      this.onFrame(data);
    });
    socket.on('ping', () => this.heard());
    socket.on('unexpected-response', (_request, response) => {
      if (response.statusCode === 401) this.o.on.signedOut('the session is no longer valid');
      socket.terminate();
    });
    socket.on('error', () => undefined); // 'close' follows and decides what to do
    socket.on('close', (code: number) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.silenceTimer) clearTimeout(this.silenceTimer);
      if (code === 4001) {
        this.o.on.signedOut('signed out on the server');
        return;
      }
      if (!this.o.running()) return;
      const delay = backoffDelay(this.failures++, this.o.backoff);
      this.o.on.closed(delay);
      this.o.later(delay, () => this.connect());
    });
  }

  /**
   * Replaces the socket now, without counting it as a failure: the server sends a board's
   * snapshot on each new connection, so this is how a board that missed a delta asks again.
   */
  reconnect(): void {
    this.drop();
    this.connect();
  }

  stop(): void {
    this.drop();
  }

  /** Closes the socket without its close being handled (nothing reconnects because of it). */
  private drop(): void {
    const old = this.socket;
    this.socket = null; // its close is then not ours to handle
    if (this.silenceTimer) clearTimeout(this.silenceTimer);
    old?.removeAllListeners();
    old?.on('error', () => undefined);
    old?.terminate();
  }

  /** Something arrived: the socket is alive. Silence for too long means it is not. */
  private heard(): void {
    if (this.silenceTimer) clearTimeout(this.silenceTimer);
    const socket = this.socket;
    this.silenceTimer = setTimeout(() => {
      if (this.socket === socket) socket?.terminate();
    }, this.o.silenceMs);
  }

  private onFrame(data: RawData): void {
    let json: unknown;
    try {
      json = JSON.parse(rawText(data));
    } catch {
      this.o.on.invalid('not JSON');
      return;
    }
    const boardType = boardFrameType(json);
    if (boardType !== null) {
      // Board messages have their own parser (board-protocol.ts), which drops the figures and
      // change kinds a newer server added instead of refusing the message; board types it does
      // not know are ignored like any other new type.
      const board = parseBoardMessage(json);
      if (board) this.o.on.board(board);
      else if (KNOWN_BOARD_TYPES.has(boardType)) this.o.on.invalid(`bad ${boardType}`);
      return;
    }
    const parsed = LiveServerMessageSchema.safeParse(json);
    if (!parsed.success) {
      const type = typeof json === 'object' && json !== null && 'type' in json ? json.type : null;
      // Types a newer server added are ignored quietly; known types that do not parse are not.
      if (typeof type === 'string' && !KNOWN_LIVE_TYPES.has(type)) return;
      this.o.on.invalid(parsed.error.message);
      return;
    }
    this.o.on.message(parsed.data);
  }
}

const KNOWN_LIVE_TYPES = new Set([
  'hello',
  'lead.assigned',
  'lead.updated',
  'lead.revoked',
  'lead.alert',
  'poke',
  'pong',
  'error',
]);

const KNOWN_BOARD_TYPES: ReadonlySet<string> = new Set(['board.snapshot', 'board.delta']);

/** The type of a board message (`board.*`, also ones a newer server adds), else null. */
function boardFrameType(json: unknown): string | null {
  if (typeof json !== 'object' || json === null || !('type' in json)) return null;
  return typeof json.type === 'string' && json.type.startsWith('board.') ? json.type : null;
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
