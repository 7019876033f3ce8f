import type { WebSocket } from 'ws';
import type { Lead } from '../../../src/shared/lead';
import type { LiveServerMessage } from '../../../src/shared/live-protocol';
import type { BoardServerMessage } from '../../../src/shared/board-protocol';
import type { UserRow } from '../db/schema';
import type { LeadNotifier } from '../ports/lead-notifier';
import type { Presence } from '../ports/presence';

export interface LiveConnection {
  readonly socket: WebSocket;
  readonly user: UserRow;
  readonly sessionId: string;
}

type PresenceListener = (user: UserRow, online: boolean) => void;

/**
 * Close codes of the live channel. `signedOut`: the session ended (logout, deactivation, new
 * password); the app stops and asks for a sign-in. `rescoped`: the user's role or team changed;
 * the app reconnects (as after any drop) and the new `hello` (for a team lead, the new team's
 * board) follows. Closing instead of re-scoping in place keeps one path for what a socket may
 * receive: the one every connection takes when it opens.
 */
export const LIVE_CLOSE = { signedOut: 4001, rescoped: 4003 } as const;

/** True when what a user's sockets may receive differs between two reads of the user. */
export function scopeChanged(
  before: Pick<UserRow, 'role' | 'team_id'>,
  after: Pick<UserRow, 'role' | 'team_id'>,
): boolean {
  return before.role !== after.role || before.team_id !== after.team_id;
}

/**
 * The live connections of this server instance, by user. A rep is online while at least one of
 * their sockets is open. Messages are serialised once and written to every socket of the user.
 */
export class LiveHub implements Presence, LeadNotifier {
  private readonly byUser = new Map<string, Set<LiveConnection>>();
  private readonly connectionListeners: ((conn: LiveConnection) => void)[] = [];
  private readonly listeners: PresenceListener[] = [];

  add(conn: LiveConnection): void {
    let set = this.byUser.get(conn.user.id);
    const cameOnline = !set;
    if (!set) this.byUser.set(conn.user.id, (set = new Set()));
    set.add(conn);
    if (cameOnline) this.emit(conn.user, true);
    for (const listener of this.connectionListeners) listener(conn);
  }

  remove(conn: LiveConnection): void {
    const set = this.byUser.get(conn.user.id);
    if (!set?.delete(conn)) return;
    if (set.size === 0) {
      this.byUser.delete(conn.user.id);
      this.emit(conn.user, false);
    }
  }

  isOnline(userId: string): boolean {
    return this.byUser.has(userId);
  }

  onlineCount(): number {
    return this.byUser.size;
  }

  onPresenceChange(listener: PresenceListener): void {
    this.listeners.push(listener);
  }

  /** Sends to every open socket of `userId`; returns how many sockets it was written to. */
  /** Called for every socket that joins (a board needs its snapshot on each, not per user). */
  onConnection(listener: (conn: LiveConnection) => void): void {
    this.connectionListeners.push(listener);
  }

  /** Writes `message` to one socket (a board snapshot for the socket that just joined). */
  sendToConnection(conn: LiveConnection, message: BoardServerMessage): void {
    if (conn.socket.readyState === conn.socket.OPEN) conn.socket.send(JSON.stringify(message));
  }

  /**
   * A team's board message to whoever may watch that board: the team's leads and every admin.
   * Reps never get one (they see their own leads, not the team's figures).
   */
  sendToBoard(teamId: string, message: BoardServerMessage): number {
    const frame = JSON.stringify(message);
    let sent = 0;
    for (const set of this.byUser.values()) {
      for (const conn of set) {
        if (!mayWatchBoard(conn.user, teamId) || conn.socket.readyState !== conn.socket.OPEN) {
          continue;
        }
        conn.socket.send(frame);
        sent += 1;
      }
    }
    return sent;
  }

  sendToUser(userId: string, message: LiveServerMessage): number {
    const set = this.byUser.get(userId);
    if (!set) return 0;
    const frame = JSON.stringify(message);
    let sent = 0;
    for (const conn of set) {
      if (conn.socket.readyState === conn.socket.OPEN) {
        conn.socket.send(frame);
        sent += 1;
      }
    }
    return sent;
  }

  leadAssigned(userId: string, lead: Lead, reason: string): void {
    this.sendToUser(userId, { type: 'lead.assigned', lead, reason });
  }

  leadRevoked(userId: string, leadId: string, reason: string): void {
    this.sendToUser(userId, { type: 'lead.revoked', leadId, reason });
  }

  poke(userId: string): void {
    this.sendToUser(userId, { type: 'poke' });
  }

  /**
   * Closes the sockets opened with a session (on logout) or by a user (deactivated: 4001; role
   * or team changed: 4003, see LIVE_CLOSE).
   */
  disconnect(match: { sessionId?: string; userId?: string }, code: number, reason: string): void {
    for (const set of this.byUser.values()) {
      for (const conn of set) {
        if (conn.sessionId === match.sessionId || conn.user.id === match.userId)
          conn.socket.close(code, reason);
      }
    }
  }

  /** Closes every socket; one that does not finish the closing handshake soon is cut. */
  closeAll(code: number, reason: string, graceMs = 1000): void {
    for (const set of this.byUser.values()) {
      for (const conn of set) {
        conn.socket.close(code, reason);
        setTimeout(() => conn.socket.terminate(), graceMs).unref();
      }
    }
  }

  private emit(user: UserRow, online: boolean): void {
    for (const l of this.listeners) l(user, online);
  }
}

/** Team leads watch their own team's board; admins every team's. */
export function mayWatchBoard(user: Pick<UserRow, 'role' | 'team_id'>, teamId: string): boolean {
  return user.role === 'admin' || (user.role === 'lead' && user.team_id === teamId);
}
