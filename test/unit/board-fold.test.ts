import { describe, expect, it } from 'vitest';
import { BoardFold } from '../../src/shared/board-fold';
import type {
  AtRiskEntry,
  BoardDeltaMessage,
  BoardRep,
  BoardSnapshotMessage,
  TeamFigures,
} from '../../src/shared/board-protocol';
import type { BoardPerson } from '../../src/shared/board-view';

/*
 * The one board fold the app (BoardKeeper) and the wallboard (LiveFeed) share: what each board
 * message does to the boards, and what it tells the watcher to read. The watchers' own timing
 * and I/O are tested with them (board-keeper.test.ts, the wallboard E2E).
 */

const DAY = {
  day: '2026-12-01',
  slaBreaches: 0,
  attempts: 0,
  connects: 0,
  contactRate: null,
  qualified: 0,
  meetingsBooked: 0,
  firstTouches: 0,
  speedToLeadP50Ms: null,
  speedToLeadP90Ms: null,
  openQueue: 0,
  untouched: 0,
  oldestUntouchedAt: null,
};

const TEAM: TeamFigures = {
  ...DAY,
  dayStartAt: 0,
  unassigned: 0,
  oldestUnassignedAt: null,
  nurture: 0,
  repsOffline: 0,
  repsOnline: 0,
  repsReceiving: 1,
  repsAway: 0,
};

const ANA: BoardRep = { ...DAY, repId: 'ana', presence: 'receiving', presenceSince: 0 };
const ANA_PERSON: BoardPerson = { id: 'ana', name: 'Ana', role: 'rep', teamId: 't1', active: true };

function atRisk(leadId: string): AtRiskEntry {
  return { leadId, repId: 'ana', tier: 'hot', receivedAt: 1, slaDueAt: 300_001 };
}

function snapshot(version: number, teamId = 't1'): BoardSnapshotMessage {
  return {
    type: 'board.snapshot',
    teamId,
    version,
    at: 1,
    zone: 'UTC',
    team: TEAM,
    reps: [ANA],
    atRisk: [],
  };
}

function delta(version: number, changes: BoardDeltaMessage['changes']): BoardDeltaMessage {
  return { type: 'board.delta', teamId: 't1', version, at: 2, changes };
}

describe('the board fold', () => {
  it('folds a snapshot and the deltas after it; a delta seen before changes nothing', () => {
    const fold = new BoardFold();
    expect(fold.apply(snapshot(4))).toEqual({ type: 'changed', teamId: 't1', readPeople: true });
    expect(fold.apply(delta(5, [{ kind: 'team', set: { untouched: 2 } }]))).toMatchObject({
      type: 'changed',
    });
    expect(fold.apply(delta(5, [{ kind: 'team', set: { untouched: 9 } }]))).toEqual({
      type: 'same',
    });
    const board = fold.state().boards[0];
    expect(board).toMatchObject({ teamId: 't1', version: 5, teamName: null });
    expect(board?.team.untouched).toBe(2);
  });

  it('asks for snapshots when a delta is missed or comes before any snapshot', () => {
    const fold = new BoardFold();
    expect(fold.apply(delta(1, []))).toEqual({ type: 'resync' });
    fold.apply(snapshot(1));
    expect(fold.apply(delta(3, []))).toEqual({ type: 'resync' });
    expect(fold.state().boards[0]?.version).toBe(1);
  });

  it('asks for the people on a first snapshot and when a rep it cannot name turns up', () => {
    const fold = new BoardFold();
    fold.apply(snapshot(1));
    fold.addPeople([ANA_PERSON], [{ id: 't1', name: 'Inside sales' }]);
    expect(fold.missingPeople()).toBe(false);
    expect(fold.apply(delta(2, [{ kind: 'team', set: { attempts: 1 } }]))).toMatchObject({
      readPeople: false,
    });
    const ben = { ...DAY, presence: 'online' as const, presenceSince: 0 };
    expect(fold.apply(delta(3, [{ kind: 'rep', repId: 'ben', set: ben }]))).toMatchObject({
      readPeople: true,
    });
    expect(fold.missingPeople()).toBe(true);
    const state = fold.state();
    expect(state.boards[0]?.teamName).toBe('Inside sales');
    expect(state.people['ana']?.name).toBe('Ana');
  });

  it('hands out each at-risk lead to name once, again after a failed read', () => {
    const fold = new BoardFold();
    fold.apply(snapshot(1));
    fold.apply(delta(2, [{ kind: 'atRisk', entries: [atRisk('l1'), atRisk('l2')] }]));
    expect(fold.askLeadNames('t1')).toEqual(['l1', 'l2']);
    expect(fold.askLeadNames('t1')).toEqual([]);
    fold.addLeadName('l1', { name: 'Lead one', company: null });
    fold.forgetLeadName('l2');
    expect(fold.askLeadNames('t1')).toEqual(['l2']);
    expect(fold.askLeadNames('t9')).toEqual([]);
    expect(fold.state().leads).toEqual({ l1: { name: 'Lead one', company: null } });
  });

  it('keeps boards per team, ordered as a screen shows them', () => {
    const fold = new BoardFold();
    fold.apply(snapshot(1, 't2'));
    fold.apply(snapshot(1, 't1'));
    fold.addPeople(
      [],
      [
        { id: 't1', name: 'Zeta' },
        { id: 't2', name: 'Alpha' },
      ],
    );
    expect(fold.state().boards.map((b) => b.teamName)).toEqual(['Alpha', 'Zeta']);
  });

  it('follows the connection and the role, and a rep holds no boards', () => {
    const fold = new BoardFold();
    expect(fold.setLive(true)).toBe(true);
    expect(fold.setLive(true)).toBe(false);
    expect(fold.setRole('lead')).toBe(true);
    fold.apply(snapshot(1));
    expect(fold.state()).toMatchObject({ role: 'lead', live: true });
    expect(fold.state().boards).toHaveLength(1);
    expect(fold.setRole('rep')).toBe(true);
    expect(fold.state()).toMatchObject({ role: 'rep', boards: [] });
  });
});
