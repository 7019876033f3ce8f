import { applyBoardMessage, type BoardModel } from './board-model';
import type { BoardServerMessage } from './board-protocol';
import {
  type BoardLeadName,
  type BoardPerson,
  type BoardState,
  boardViewOf,
  orderBoards,
} from './board-view';
import type { UserRole } from './user';

/*
 * Every board one watcher holds (the app for its team lead, the wallboard page on its own
 * socket): one BoardModel per team folded from the live channel's board messages, the names the
 * figures leave out (people, teams, at-risk leads) as the watcher reads them, its role and
 * whether the channel is up. One fold for both watchers, so they cannot drift apart.
 *
 * No I/O, no timers, no clock: the watcher reads names, asks for snapshots and schedules its
 * renders; each step says what it should read.
 *
 *   const step = fold.apply(message);
 *   if (step.type === 'resync') askForSnapshots();
 *   if (step.type !== 'changed') return;
 *   if (step.readPeople) readPeopleAndTeams(); // then fold.addPeople(people, teams)
 *   for (const leadId of fold.askLeadNames(step.teamId)) readLeadName(leadId);
 *   render(fold.state());
 */

export type BoardStep =
  /** A delta was missed: ask for every snapshot again. */
  | { readonly type: 'resync' }
  /** Nothing changed (a delta already applied, or about another team). */
  | { readonly type: 'same' }
  | {
      readonly type: 'changed';
      readonly teamId: string;
      /** A first snapshot of the team, or a rep whose name is not known: read the people. */
      readonly readPeople: boolean;
    };

export interface BoardTeamName {
  readonly id: string;
  readonly name: string;
}

export class BoardFold {
  private readonly models = new Map<string, BoardModel>();
  private readonly teamNames = new Map<string, string>();
  private readonly people = new Map<string, BoardPerson>();
  private readonly leadNames = new Map<string, BoardLeadName>();
  /** Lead ids asked for (or being asked for): each is read once. */
  private readonly askedLeads = new Set<string>();
  private role: UserRole | null = null;
  private live = false;

  apply(message: BoardServerMessage): BoardStep {
    const known = this.models.get(message.teamId);
    const next = applyBoardMessage(known ?? null, message);
    if (next === 'resync') return { type: 'resync' };
    if (next === known) return { type: 'same' };
    this.models.set(message.teamId, next);
    return {
      type: 'changed',
      teamId: message.teamId,
      readPeople: !known || [...next.reps.keys()].some(this.unknown),
    };
  }

  /** The signed-in user's role; a rep watches no boards. True when it changed. */
  setRole(role: UserRole | null): boolean {
    if (this.role === role) return false;
    this.role = role;
    // A team lead made a rep loses the boards; the server stops sending them anyway.
    if (role === 'rep') this.models.clear();
    return true;
  }

  /** Whether the live channel is up (the figures are current). True when it changed. */
  setLive(live: boolean): boolean {
    if (this.live === live) return false;
    this.live = live;
    return true;
  }

  /** Names read from the server (people and teams are read together). */
  addPeople(people: readonly BoardPerson[], teams: readonly BoardTeamName[]): void {
    for (const person of people) this.people.set(person.id, person);
    for (const team of teams) this.teamNames.set(team.id, team.name);
  }

  /** Whether some rep on a board has no name yet (someone new turned up meanwhile). */
  missingPeople(): boolean {
    return [...this.models.values()].some((m) => [...m.reps.keys()].some(this.unknown));
  }

  /**
   * The at-risk leads of `teamId`'s board whose names were not asked for yet, marked asked: the
   * caller reads each, then addLeadName, or forgetLeadName when the read fails.
   */
  askLeadNames(teamId: string): string[] {
    const model = this.models.get(teamId);
    if (!model) return [];
    const ask: string[] = [];
    for (const entry of model.atRisk) {
      if (this.askedLeads.has(entry.leadId)) continue;
      this.askedLeads.add(entry.leadId);
      ask.push(entry.leadId);
    }
    return ask;
  }

  addLeadName(leadId: string, name: BoardLeadName): void {
    this.leadNames.set(leadId, name);
  }

  /** A read that failed: the lead is asked for again with the next list. */
  forgetLeadName(leadId: string): void {
    this.askedLeads.delete(leadId);
  }

  /** What the board screen shows (plain data, a new object each call). */
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

  private readonly unknown = (id: string): boolean => !this.people.has(id);
}
