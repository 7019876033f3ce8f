import { afterEach, describe, expect, it, vi } from 'vitest';
import { BoardKeeper } from '../../src/main/host/board-keeper';
import type {
  BoardDeltaMessage,
  BoardRep,
  BoardSnapshotMessage,
  TeamFigures,
} from '../../src/shared/board-protocol';
import type { BoardState } from '../../src/shared/board-view';
import { eventually } from '../helpers/eventually';

/*
 * The app's boards: board messages folded per team, a gap answered with one resync (not a loop),
 * names read once, and the page told at most once per coalescing window with the whole state.
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

function keeper(coalesceMs = 50) {
  const states: BoardState[] = [];
  const resync = vi.fn();
  const remote = {
    people: vi.fn(() =>
      Promise.resolve([
        { id: 'ana', name: 'Ana', role: 'rep' as const, teamId: 't1', active: true },
      ]),
    ),
    teams: vi.fn(() => Promise.resolve([{ id: 't1', name: 'Inside sales' }])),
    leadName: vi.fn((id: string) => Promise.resolve({ name: `Lead ${id}`, company: null })),
  };
  const k = new BoardKeeper({
    remote: () => remote,
    resync,
    emit: (s) => states.push(s),
    coalesceMs,
  });
  return { k, states, resync, remote };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the app’s boards', () => {
  it('folds a snapshot and its deltas, and reads the names once', async () => {
    const { k, remote } = keeper();
    k.setRole('lead');
    k.onEvent({ type: 'board.message', message: snapshot(4) });
    k.onEvent({
      type: 'board.message',
      message: delta(5, [
        { kind: 'team', set: { untouched: 1 } },
        {
          kind: 'atRisk',
          entries: [{ leadId: 'l1', repId: 'ana', tier: 'hot', receivedAt: 1, slaDueAt: 300_001 }],
        },
      ]),
    });
    await eventually(() => expect(k.state().leads['l1']?.name).toBe('Lead l1'));
    const state = k.state();
    expect(state.role).toBe('lead');
    expect(state.boards).toHaveLength(1);
    expect(state.boards[0]).toMatchObject({ teamId: 't1', teamName: 'Inside sales', version: 5 });
    expect(state.boards[0]?.team.untouched).toBe(1);
    expect(state.people['ana']?.name).toBe('Ana');
    expect(remote.people).toHaveBeenCalledTimes(1);
    expect(remote.leadName).toHaveBeenCalledTimes(1);
    k.close();
  });

  it('answers a missed delta with one resync, not one per message', () => {
    const { k, resync } = keeper();
    k.onEvent({ type: 'board.message', message: snapshot(1) });
    k.onEvent({ type: 'board.message', message: delta(3, []) });
    k.onEvent({ type: 'board.message', message: delta(4, []) });
    expect(resync).toHaveBeenCalledTimes(1);
    // The new connection's snapshot puts it right.
    k.onEvent({ type: 'board.message', message: snapshot(4) });
    k.onEvent({ type: 'board.message', message: delta(5, []) });
    expect(k.state().boards[0]?.version).toBe(5);
    k.close();
  });

  it('tells the page at once, then at most once per window, with the newest state', () => {
    vi.useFakeTimers();
    const { k, states } = keeper(100);
    k.onEvent({ type: 'board.message', message: snapshot(1) });
    vi.advanceTimersByTime(0);
    expect(states).toHaveLength(1);
    for (let v = 2; v <= 20; v++) {
      k.onEvent({
        type: 'board.message',
        message: delta(v, [{ kind: 'team', set: { attempts: v } }]),
      });
    }
    vi.advanceTimersByTime(50);
    expect(states).toHaveLength(1);
    vi.advanceTimersByTime(60);
    expect(states).toHaveLength(2);
    expect(states[1]?.boards[0]?.team.attempts).toBe(20);
    k.close();
  });

  it('follows the connection, and drops the boards of a user who became a rep', () => {
    const { k } = keeper();
    k.onEvent({ type: 'online' });
    k.onEvent({ type: 'board.message', message: snapshot(1) });
    expect(k.state().live).toBe(true);
    k.onEvent({ type: 'offline', reason: 'gone', retryInMs: 100 });
    expect(k.state().live).toBe(false);
    k.onEvent({ type: 'user.changed', role: 'rep', teamId: 't1' });
    expect(k.state()).toMatchObject({ role: 'rep', boards: [] });
    k.close();
  });
});
