import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/main/client/backoff';
import { ToastBatcher, type Toast } from '../../src/main/client/notifier';
import { ManualTimers } from '../helpers/manual-timers';
import { overlay, type PendingMutation } from '../../src/main/client/overlay';
import { ClientCommandSchema } from '../../src/shared/client-api';
import type { Lead } from '../../src/shared/lead';

const LEAD: Lead = {
  id: '0192f4a1-7c3e-7a1b-9f2e-000000000001',
  source: 'web_form',
  externalId: null,
  name: 'Ada Byron',
  email: 'ada@engines.example',
  phone: null,
  company: 'Analytical Engines',
  title: null,
  country: 'GB',
  region: null,
  timezone: null,
  message: null,
  signals: [{ type: 'demo_request', at: '2026-11-20T10:00:00.000Z' }],
  fields: {},
  score: 90,
  tier: 'hot',
  scoreReasons: [],
  status: 'assigned',
  teamId: 't',
  assignedTo: 'u',
  assignedAt: '2026-11-20T10:00:00.000Z',
  receivedAt: '2026-11-20T10:00:00.000Z',
  firstTouchAt: null,
  seenAt: null,
  attempts: 0,
  lastAttemptAt: null,
  lastDisposition: null,
  callbackAt: null,
  createdAt: '2026-11-20T10:00:00.000Z',
  updatedAt: '2026-11-20T10:00:00.000Z',
};

const m = (mutationId: number, name: PendingMutation['name'], args: unknown): PendingMutation => ({
  mutationId,
  name,
  args,
  occurredAt: `2026-11-20T10:0${mutationId}:00.000Z`,
});

describe('overlay: what the rep sees before the server acknowledges', () => {
  it('applies pending outcomes, callbacks and notes in order, like the server will', () => {
    const view = overlay(
      LEAD,
      [],
      [
        m(1, 'markSeen', { leadId: LEAD.id }),
        m(2, 'logOutcome', { outcomeId: LEAD.id, leadId: LEAD.id, disposition: 'no_answer' }),
        m(3, 'logOutcome', {
          outcomeId: LEAD.id,
          leadId: LEAD.id,
          disposition: 'callback',
          callbackAt: '2026-11-21T09:00:00.000Z',
        }),
        m(4, 'addNote', { noteId: LEAD.id, leadId: LEAD.id, text: 'wants pricing' }),
      ],
    );
    expect(view.lead).toMatchObject({
      seenAt: '2026-11-20T10:01:00.000Z',
      attempts: 2,
      firstTouchAt: '2026-11-20T10:02:00.000Z',
      lastDisposition: 'callback',
      status: 'working',
      callbackAt: '2026-11-21T09:00:00.000Z',
    });
    expect(view.pending).toBe(4);
    expect(view.timeline.map((t) => [t.type, t.pending])).toEqual([
      ['outcome', true],
      ['outcome', true],
      ['note', true],
    ]);
  });

  it('a winning outcome takes the lead out of the queue; other leads and bad rows are ignored', () => {
    const view = overlay(
      LEAD,
      [],
      [
        m(1, 'logOutcome', { outcomeId: LEAD.id, leadId: LEAD.id, disposition: 'meeting_booked' }),
        m(2, 'logOutcome', { outcomeId: LEAD.id, leadId: 'another', disposition: 'no_answer' }),
        m(3, 'logOutcome', { leadId: LEAD.id }),
      ],
    );
    expect(view.lead).toMatchObject({ status: 'won', attempts: 1, callbackAt: null });
    expect(view.pending).toBe(1);
  });

  it('an acknowledged change stays in view (not pending) until the server copy carries it, never twice', () => {
    const outcomeId = '0192f4a1-7c3e-7a1b-9f2e-0000000000aa';
    const logged = {
      ...m(1, 'logOutcome', { outcomeId, leadId: LEAD.id, disposition: 'not_interested' }),
      acked: true,
    };
    // Acked, the pull not back yet: the server's copy is old, the view already shows the close.
    const before = overlay(LEAD, [], [logged]);
    expect(before.lead).toMatchObject({ status: 'closed', attempts: 1 });
    expect(before.pending).toBe(0);
    expect(before.timeline.map((t) => [t.type, t.pending])).toEqual([['outcome', false]]);

    // The pull brought the lead back with the outcome in its timeline: it is not laid over again
    // (also when an ack was lost and the row is still unacknowledged).
    const serverCopy: Lead = { ...LEAD, status: 'closed', attempts: 1 };
    const timeline = [
      {
        id: 'e1',
        type: 'outcome',
        at: '2026-11-20T10:01:00.000Z',
        actorId: 'u',
        data: { outcomeId, disposition: 'not_interested' },
      },
    ];
    for (const row of [logged, { ...logged, acked: false }]) {
      const after = overlay(serverCopy, timeline, [row]);
      expect(after.lead).toMatchObject({ status: 'closed', attempts: 1 });
      expect(after.pending).toBe(0);
      expect(after.timeline).toHaveLength(1);
    }
  });
});

describe('backoff with full jitter', () => {
  it('stays within [0, min(cap, base * 2^attempt))', () => {
    const opts = { baseMs: 500, capMs: 30_000 };
    expect(backoffDelay(0, opts, () => 0.999)).toBe(499);
    expect(backoffDelay(3, opts, () => 0.5)).toBe(2000);
    expect(backoffDelay(20, opts, () => 0.999)).toBe(29_970);
    expect(backoffDelay(1000, opts, () => 0)).toBe(0);
  });
});

describe('toasts', () => {
  it('one toast per lead, and a burst collapses into one summary when the window ends', () => {
    const shown: Toast[] = [];
    const reports: unknown[] = [];
    const timers = new ManualTimers();
    const batcher = new ToastBatcher(
      { show: (t) => (shown.push(t), Promise.resolve()) },
      (r) => reports.push(r),
      50,
      timers.clock,
      timers,
    );
    batcher.add([LEAD]);
    expect(shown).toEqual([
      {
        title: 'Hot lead: Ada Byron',
        body: 'Analytical Engines · demo request · web_form',
        leadId: LEAD.id,
      },
    ]);
    timers.advance(10);
    batcher.add([{ ...LEAD, id: 'b', name: 'Grace' }]);
    batcher.add([{ ...LEAD, id: 'c', name: 'Alan', tier: 'warm' }]);
    expect(timers.scheduled).toBe(1); // one flush for the burst, not one per lead
    timers.advance(39); // 49 ms after the first toast: still inside its window
    expect(shown).toHaveLength(1);
    timers.advance(1);
    expect(shown[1]).toEqual({ title: '2 new leads', body: '1 hot: Grace' });
    expect(reports).toEqual([
      { leadIds: [LEAD.id], summary: false },
      { leadIds: ['b', 'c'], summary: true },
    ]);
    expect(timers.scheduled).toBe(0);
  });

  it('stop drops what is held and its timer; a withdrawn lead is never toasted', () => {
    const shown: Toast[] = [];
    const timers = new ManualTimers();
    const batcher = new ToastBatcher(
      { show: (t) => (shown.push(t), Promise.resolve()) },
      () => undefined,
      50,
      timers.clock,
      timers,
    );
    batcher.add([LEAD]);
    batcher.add([
      { ...LEAD, id: 'b', name: 'Grace' },
      { ...LEAD, id: 'c', name: 'Alan' },
    ]);
    batcher.withdraw('b');
    timers.advance(50);
    expect(shown.map((t) => t.title)).toEqual(['Hot lead: Ada Byron', 'Hot lead: Alan']);
    batcher.add([
      { ...LEAD, id: 'd' },
      { ...LEAD, id: 'e' },
    ]);
    batcher.stop();
    expect(timers.scheduled).toBe(0);
    timers.advance(1000);
    expect(shown).toHaveLength(2);
  });

  it('a failing notifier is reported, never thrown', async () => {
    const failed = new Promise<unknown>((resolve) => {
      const batcher = new ToastBatcher(
        { show: () => Promise.reject(new Error('no notification daemon')) },
        (r) => {
          if ('error' in r) resolve(r);
        },
      );
      expect(() => batcher.add([LEAD])).not.toThrow();
    });
    expect(await failed).toEqual({ error: 'no notification daemon' });
  });
});

describe('command validation', () => {
  it('names the failing field', () => {
    const bad = ClientCommandSchema.safeParse({
      type: 'scheduleCallback',
      leadId: LEAD.id,
      at: 'tomorrow',
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toEqual(['at']);
    expect(ClientCommandSchema.safeParse({ type: 'deleteEverything' }).success).toBe(false);
  });
});
