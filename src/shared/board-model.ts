import type { AtRiskEntry, BoardRep, BoardServerMessage, TeamFigures } from './board-protocol';

/*
 * A team's board as a watcher holds it: the last snapshot with every delta since laid over it.
 * Pure and immutable (each message gives a new model), so the app's board, the wallboard and the
 * tests read figures the same way.
 *
 *   let board: BoardModel | null = null;
 *   const next = applyBoardMessage(board, message);
 *   if (next === 'resync') askForSnapshot(); else board = next;
 */

export interface BoardModel {
  readonly teamId: string;
  readonly version: number;
  /** Server time of the last message, epoch ms. */
  readonly at: number;
  readonly zone: string;
  readonly team: TeamFigures;
  /** By rep id. */
  readonly reps: ReadonlyMap<string, BoardRep>;
  readonly atRisk: readonly AtRiskEntry[];
}

/**
 * The model after `message` for `model`'s team: a snapshot replaces it; a delta must be the next
 * version, else 'resync' (a delta was missed: ask for a snapshot). A message about another team
 * leaves the model as it is.
 */
export function applyBoardMessage(
  model: BoardModel | null,
  message: BoardServerMessage,
): BoardModel | 'resync' {
  if (message.type === 'board.snapshot') {
    return {
      teamId: message.teamId,
      version: message.version,
      at: message.at,
      zone: message.zone,
      team: message.team,
      reps: new Map(message.reps.map((r) => [r.repId, r])),
      atRisk: message.atRisk,
    };
  }
  if (!model) return 'resync';
  if (message.teamId !== model.teamId) return model;
  if (message.version <= model.version) return model; // already applied
  if (message.version !== model.version + 1) return 'resync';
  let team = model.team;
  let reps: Map<string, BoardRep> | null = null;
  let atRisk = model.atRisk;
  for (const change of message.changes) {
    switch (change.kind) {
      case 'team':
        team = { ...team, ...definedOnly(change.set) };
        break;
      case 'rep': {
        reps ??= new Map(model.reps);
        const known = reps.get(change.repId);
        const set = definedOnly(change.set);
        if (known) reps.set(change.repId, { ...known, ...set });
        else if (isWholeRep(set)) reps.set(change.repId, { ...set, repId: change.repId });
        break;
      }
      case 'rep.removed':
        reps ??= new Map(model.reps);
        reps.delete(change.repId);
        break;
      case 'atRisk':
        atRisk = change.entries;
        break;
    }
  }
  return {
    ...model,
    version: message.version,
    at: message.at,
    team,
    reps: reps ?? model.reps,
    atRisk,
  };
}

/** `{a: undefined}` from a partial must not erase `a`. */
function definedOnly<T extends object>(set: Partial<T>): Partial<T> {
  const out: Partial<T> = {};
  for (const [key, value] of Object.entries(set) as [keyof T, T[keyof T] | undefined][]) {
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** A rep the board did not know comes with every figure (board-protocol.ts). */
function isWholeRep(set: Partial<Omit<BoardRep, 'repId'>>): set is Omit<BoardRep, 'repId'> {
  return set.presence !== undefined && set.day !== undefined && set.openQueue !== undefined;
}
