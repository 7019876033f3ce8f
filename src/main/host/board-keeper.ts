import { applyBoardMessage, type BoardModel } from '../../shared/board-model';
import type { BoardServerMessage } from '../../shared/board-protocol';
import {
  type BoardLeadName,
  type BoardPerson,
  type BoardState,
  boardViewOf,
  orderBoards,
} from '../../shared/board-view';
import type { ClientEvent } from '../../shared/client-api';
import type { UserRole } from '../../shared/user';
import type { BoardRemote } from '../client/board-remote';

/*
 * The app's copy of every board the signed-in team lead (or admin) may watch: one BoardModel per
 * team, folded from the live channel's board messages, plus the names the figures leave out (reps,
 * teams, at-risk leads), read from the server once each. The page is told at most every
 * `coalesceMs` with the whole state: a burst of deltas (a CSV import) is one render.
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
  private readonly models = new Map<string, BoardModel>();
  private readonly teamNames = new Map<string, string>();
  private readonly people = new Map<string, BoardPerson>();
  private readonly leadNames = new Map<string, BoardLeadName>();
  /** Lead ids asked for (or being asked for): each is read once. */
  private readonly askedLeads = new Set<string>();
  private role: UserRole | null = null;
  private live = false;
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
    if (this.role === role) return;
    this.role = role;
    // A team lead made a rep loses the boards; the server stops sending them anyway.
    if (role === 'rep') this.models.clear();
    this.changed();
  }

  state(): BoardState {
    return {
      role: this.role,
      live: this.live,
      boards: orderBoards(
        [...this.models.values()].map((m) => boardViewOf(m, this.teamNames.get(m.teamId) ?? null)),
      ),
      people: Object.fromEntries(this.people),
      leads: Object.fromEntries(this.leadNames),
    };
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private apply(message: BoardServerMessage): void {
    const next = applyBoardMessage(this.models.get(message.teamId) ?? null, message);
    if (next === 'resync') {
      this.resync();
      return;
    }
    const known = this.models.get(message.teamId);
    if (next === known) return;
    this.models.set(message.teamId, next);
    if (!known)
      this.readPeople(); // a first snapshot: the team's names and the team's name
    else if ([...next.reps.keys()].some((id) => !this.people.has(id))) this.readPeople();
    this.readLeadNames(next);
    this.changed();
  }

  private resync(): void {
    const now = this.clock();
    if (now - this.lastResyncAt < (this.o.resyncGapMs ?? 2000)) return;
    this.lastResyncAt = now;
    this.o.resync();
  }

  private setLive(live: boolean): void {
    if (this.live === live) return;
    this.live = live;
    this.changed();
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
        for (const person of people) this.people.set(person.id, person);
        for (const team of teams) this.teamNames.set(team.id, team.name);
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
          if ([...this.models.values()].some((m) => [...m.reps.keys()].some(this.unknown))) {
            this.readPeople();
          }
        }
      });
  }

  private readonly unknown = (id: string): boolean => !this.people.has(id);

  /** Names of at-risk leads not read yet (a list is at most ~10 leads). */
  private readLeadNames(model: BoardModel): void {
    const remote = this.o.remote();
    if (!remote) return;
    for (const entry of model.atRisk) {
      if (this.askedLeads.has(entry.leadId)) continue;
      this.askedLeads.add(entry.leadId);
      remote.leadName(entry.leadId).then(
        (name) => {
          if (this.closed || !name) return;
          this.leadNames.set(entry.leadId, name);
          this.changed();
        },
        (error: unknown) => {
          this.askedLeads.delete(entry.leadId); // asked again with the next list
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
