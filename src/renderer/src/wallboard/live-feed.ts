import { BoardFold } from '../../../shared/board-fold';
import { parseBoardMessage } from '../../../shared/board-protocol';
import type { BoardState } from '../../../shared/board-view';
import {
  LIVE_PATH,
  LIVE_SUBPROTOCOL,
  LIVE_TOKEN_PROTOCOL_PREFIX,
} from '../../../shared/live-protocol';
import type { UserRole } from '../../../shared/user';
import { reconnectDelay } from './reconnect';
import { readLeadName, readPeople, readTeams, stillSignedIn } from './wallboard-api';

/*
 * The wallboard's live boards: the browser's own WebSocket to the server's live channel (the
 * token as a subprotocol: a browser cannot set headers on a WebSocket), every board message
 * folded by the shared BoardFold (as the app folds its own), reconnects with backoff and full jitter, and a new connection
 * (a new snapshot) whenever a delta was missed. Subscribers are told at most every ~100 ms.
 *
 *   const feed = new LiveFeed({ token, onSignedOut });
 *   feed.start();
 *   const state = useSyncExternalStore(feed.subscribe, feed.getState);
 */

export interface LiveFeedOptions {
  readonly token: string;
  /** The session ended (logged out elsewhere, expired) or the user is no longer a team lead. */
  readonly onSignedOut: (why: string) => void;
  /** ws(s)://host/api/v1/live; default: this page's origin. */
  readonly url?: string;
  readonly coalesceMs?: number;
}

/** A ping every so often: a browser never shows the server's pings, so silence is checked here. */
const PING_EVERY_MS = 20_000;
const PONG_WITHIN_MS = 10_000;

export class LiveFeed {
  private readonly fold = new BoardFold();
  private readonly listeners = new Set<() => void>();
  private running = false;
  private socket: WebSocket | null = null;
  private failures = 0;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private pinger: ReturnType<typeof setInterval> | null = null;
  private pongDue: ReturnType<typeof setTimeout> | null = null;
  private notifyTimer: ReturnType<typeof setTimeout> | null = null;
  private lastNotifyAt = -Infinity;
  private readingPeople = false;
  private state: BoardState = { role: null, live: false, boards: [], people: {}, leads: {} };

  constructor(private readonly o: LiveFeedOptions) {}

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getState = (): BoardState => this.state;

  start(): void {
    if (this.running) return;
    this.running = true;
    this.connect();
  }

  stop(): void {
    this.running = false;
    this.drop();
    if (this.retry) clearTimeout(this.retry);
    if (this.notifyTimer) clearTimeout(this.notifyTimer);
    this.retry = null;
    this.notifyTimer = null;
  }

  private url(): string {
    if (this.o.url) return this.o.url;
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${scheme}//${location.host}${LIVE_PATH}`;
  }

  private connect(): void {
    if (!this.running) return;
    const socket = new WebSocket(this.url(), [
      LIVE_SUBPROTOCOL,
      `${LIVE_TOKEN_PROTOCOL_PREFIX}${this.o.token}`,
    ]);
    this.socket = socket;
    let opened = false;
    socket.addEventListener('open', () => {
      opened = true;
      this.failures = 0;
      this.fold.setLive(true);
      this.changed();
      this.startPings(socket);
    });
    socket.addEventListener('message', (event: MessageEvent<unknown>) => {
      if (this.socket !== socket || typeof event.data !== 'string') return;
      this.onFrame(event.data);
    });
    socket.addEventListener('close', (event: CloseEvent) => {
      if (this.socket !== socket) return;
      this.drop();
      this.fold.setLive(false);
      this.changed();
      if (!this.running) return;
      if (event.code === 4001) {
        this.o.onSignedOut('Signed out on the server.');
        return;
      }
      const delay = reconnectDelay(this.failures++);
      this.retry = setTimeout(() => {
        this.retry = null;
        // A socket that never opened may be a session that ended (the upgrade's 401 is not
        // visible to a page): asked before trying again.
        if (opened) this.connect();
        else
          void stillSignedIn(this.o.token).then((yes) => {
            if (!this.running) return;
            if (yes) this.connect();
            else this.o.onSignedOut('Your session ended: sign in again.');
          });
      }, delay);
    });
  }

  /** Closes the socket without it counting as a failure (stop, resync, a dead connection). */
  private drop(): void {
    const socket = this.socket;
    this.socket = null;
    if (this.pinger) clearInterval(this.pinger);
    if (this.pongDue) clearTimeout(this.pongDue);
    this.pinger = null;
    this.pongDue = null;
    socket?.close();
  }

  private startPings(socket: WebSocket): void {
    let n = 0;
    this.pinger = setInterval(() => {
      if (this.socket !== socket || this.pongDue) return;
      socket.send(JSON.stringify({ type: 'ping', id: `wall-${++n}` }));
      this.pongDue = setTimeout(() => {
        // Silence: the connection is dead without having said so. A fresh one, now.
        this.pongDue = null;
        if (this.socket !== socket) return;
        this.drop();
        this.fold.setLive(false);
        this.changed();
        this.connect();
      }, PONG_WITHIN_MS);
    }, PING_EVERY_MS);
  }

  private onFrame(text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return;
    }
    if (this.pongDue) {
      clearTimeout(this.pongDue); // anything heard will do
      this.pongDue = null;
    }
    const board = parseBoardMessage(json);
    if (board) {
      const step = this.fold.apply(board);
      if (step.type === 'resync') {
        this.resync();
        return;
      }
      if (step.type === 'same') return;
      if (step.readPeople) this.readNames();
      this.readLeadNames(step.teamId);
      this.changed();
      return;
    }
    const hello = helloRole(json);
    if (hello !== null) {
      this.fold.setRole(hello);
      if (hello === 'rep') {
        this.o.onSignedOut('This account is no longer a team lead’s.');
        return;
      }
      this.changed();
    }
  }

  private resync(): void {
    this.drop();
    this.connect();
  }

  private readNames(): void {
    if (this.readingPeople) return;
    this.readingPeople = true;
    Promise.all([readPeople(this.o.token), readTeams(this.o.token)])
      .then(([people, teams]) => {
        this.fold.addPeople(people, teams);
        this.changed();
      })
      .catch(() => undefined) // ids still read; the next newcomer asks again
      .finally(() => {
        this.readingPeople = false;
      });
  }

  private readLeadNames(teamId: string): void {
    for (const leadId of this.fold.askLeadNames(teamId)) {
      readLeadName(this.o.token, leadId).then(
        (name) => {
          if (!name) return;
          this.fold.addLeadName(leadId, name);
          this.changed();
        },
        () => this.fold.forgetLeadName(leadId),
      );
    }
  }

  private changed(): void {
    if (this.notifyTimer) return;
    const gap = this.o.coalesceMs ?? 100;
    const wait = Math.max(0, this.lastNotifyAt + gap - Date.now());
    this.notifyTimer = setTimeout(() => {
      this.notifyTimer = null;
      this.lastNotifyAt = Date.now();
      this.state = this.fold.state();
      for (const listener of this.listeners) listener();
    }, wait);
  }
}

/** The role in the server's `hello`, or null for any other frame. */
function helloRole(json: unknown): UserRole | null {
  if (typeof json !== 'object' || json === null) return null;
  const frame = json as { type?: unknown; user?: { role?: unknown } };
  if (frame.type !== 'hello') return null;
  const role = frame.user?.role;
  return role === 'rep' || role === 'lead' || role === 'admin' ? role : null;
}
