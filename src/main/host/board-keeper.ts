import { BoardFold } from '../../shared/board-fold';
import type { BoardServerMessage } from '../../shared/board-protocol';
import type { BoardState } from '../../shared/board-view';
import type { ClientEvent } from '../../shared/client-api';
import type { UserRole } from '../../shared/user';
import type { BoardRemote } from '../client/board-remote';

/*
 * The app's copy of every board the signed-in team lead (or admin) may watch: the live channel's
 * board messages folded by the shared BoardFold (the wallboard folds with the same one), plus
 * the names the figures leave out (reps, teams, at-risk leads), read from the server once each.
 * The page is told at most every `coalesceMs` with the whole state: a burst of deltas (a CSV
 * import) is one render.
 *
 *   const keeper = new BoardKeeper({ remote, resync, emit });
 *   core.on((event) => keeper.onEvent(event));
 */

export interface BoardKeeperOptions {
  /** The server, for names; null while not connected. */
  readonly remote: () => Pick<BoardRemote, 'people' | 'teams' | 'leadName'> | null;
  /** Ask the server for every snapshot again (a new live connection). */
  readonly resync: () => void;
  /** The page's news: the whole state, coalesced. */
  readonly emit: (state: BoardState) => void;
  readonly coalesceMs?: number;
  /** The least time between two resyncs, so a server that keeps skipping cannot loop us. */
  readonly resyncGapMs?: number;
  readonly clock?: () => number;
}

export class BoardKeeper {
  private readonly fold = new BoardFold();
  private closed = false;
  private timer: NodeJS.Timeout | null = null;
  private lastEmitAt = -Infinity;
  private lastResyncAt = -Infinity;
  private readingPeople: Promise<void> | null = null;
  /** Someone new turned up while the people were being read: read them again after. */
  private peopleAgain = false;
  private readonly clock: () => number;

  constructor(private readonly o: BoardKeeperOptions) {
    this.clock = o.clock ?? Date.now;
  }

  /** Every client event passes here; only board messages and the connection matter. */
  onEvent(event: ClientEvent): void {
    if (this.closed) return;
    if (event.type === 'board.message') this.apply(event.message);
    else if (event.type === 'online') this.setLive(true);
    else if (event.type === 'offline' || event.type === 'stopped') this.setLive(false);
    else if (event.type === 'user.changed') this.setRole(event.role);
  }

  /** The role from the sign-in (a kept session learns it from the server: `user.changed`). */
  setRole(role: UserRole | null): void {
    if (this.fold.setRole(role)) this.changed();
  }

  state(): BoardState {
    return this.fold.state();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private apply(message: BoardServerMessage): void {
    const step = this.fold.apply(message);
    if (step.type === 'resync') {
      this.resync();
      return;
    }
    if (step.type === 'same') return;
    if (step.readPeople) this.readPeople(); // a first snapshot, or someone new
    this.readLeadNames(step.teamId);
    this.changed();
  }

  private resync(): void {
    const now = this.clock();
    if (now - this.lastResyncAt < (this.o.resyncGapMs ?? 2000)) return;
    this.lastResyncAt = now;
    this.o.resync();
  }

  private setLive(live: boolean): void {
    if (this.fold.setLive(live)) this.changed();
  }

  /** The people and team names (one request each), again if someone new shows up meanwhile. */
  private readPeople(): void {
    if (this.readingPeople) {
      this.peopleAgain = true;
      return;
    }
    const remote = this.o.remote();
    if (!remote) return;
    this.readingPeople = Promise.all([remote.people(), remote.teams()])
      .then(([people, teams]) => {
        if (this.closed) return;
        this.fold.addPeople(people, teams);
        this.changed();
      })
      .catch((error: unknown) => {
        // The board still works on ids; the next newcomer (or snapshot) tries again.
        console.error('[board] could not read the team', describe(error));
      })
      .finally(() => {
        this.readingPeople = null;
        if (this.peopleAgain && !this.closed) {
          this.peopleAgain = false;
          if (this.fold.missingPeople()) this.readPeople();
        }
      });
  }

  /** Names of at-risk leads not read yet (a list is at most ~10 leads). */
  private readLeadNames(teamId: string): void {
    const remote = this.o.remote();
    if (!remote) return;
    for (const leadId of this.fold.askLeadNames(teamId)) {
      remote.leadName(leadId).then(
        (name) => {
          if (this.closed || !name) return;
          this.fold.addLeadName(leadId, name);
          this.changed();
        },
        (error: unknown) => {
          this.fold.forgetLeadName(leadId); // asked again with the next list
          console.error('[board] could not read a lead name', describe(error));
        },
      );
    }
  }

  /** At most one emit per coalesceMs: the first at once, the rest gathered into the next. */
  private changed(): void {
    if (this.closed || this.timer) return;
    const gap = this.o.coalesceMs ?? 100;
    const wait = Math.max(0, this.lastEmitAt + gap - this.clock());
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.closed) return;
      this.lastEmitAt = this.clock();
      this.o.emit(this.state());
    }, wait);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
