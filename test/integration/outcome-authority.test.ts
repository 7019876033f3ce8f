import { afterEach, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/shared/ids';
import { CLIENT_CLOCK_AHEAD_MS, CLIENT_TIME_MAX_AGE_MS } from '../../src/shared/sync-protocol';
import { http } from '../helpers/http';
import type { LiveClient } from '../helpers/live-client';
import { PushClient } from '../helpers/sync-client';
import { serverScope } from '../helpers/server-fixture';
import { hotLead, postLead, type TestServer, type TestUser } from '../helpers/test-server';

/*
 * Who may log what on a lead, and when the server believes it happened (issue 12, item 5), on a
 * real server with its clock in the test's hands. Only the lead's holder logs outcomes, notes,
 * callbacks and "seen" on it: a rep the lead has left is answered `not_your_lead`, and nothing
 * of the lead moves (its new owner's SLA steps still fall due). A client's `occurredAt` is used
 * only between the assignment and the server's clock (plus a small skew), and not older than a
 * day; otherwise the server's receive time is used and the timeline event says so.
 */

const T0 = Date.parse('2026-12-01T15:00:00.000Z');
const MIN = 60_000;
let now = T0;
const clock = () => now;

const scope = serverScope();
afterEach(() => {
  now = T0;
});

interface Team {
  readonly s: TestServer;
  readonly ana: TestUser;
  readonly ben: TestUser;
  readonly lea: TestUser;
  readonly apiKey: string;
  readonly live: { ana: LiveClient; ben: LiveClient };
}

async function setup(): Promise<Team> {
  const t = await scope.start({
    clock,
    teams: ['Authority'],
    users: {
      ana: { role: 'rep', name: 'Ana', live: true },
      ben: { role: 'rep', name: 'Ben', live: true },
      lea: { role: 'lead', name: 'Lea' },
    },
  });
  return { s: t.s, ...t.users, apiKey: t.apiKey, live: t.live };
}

interface StoredLead {
  readonly assignedTo: string | null;
  readonly assignedAt: string | null;
  readonly status: string;
  readonly attempts: number;
  readonly firstTouchAt: string | null;
  readonly seenAt: string | null;
}

async function leadOf(s: TestServer, leadId: string): Promise<StoredLead> {
  const res = await http<{ lead: StoredLead }>('GET', `${s.url}/api/v1/leads/${leadId}`, {
    token: s.adminToken,
  });
  expect(res.status).toBe(200);
  return res.body.lead;
}

interface StoredEvent {
  readonly type: string;
  readonly at: string;
  readonly actorId: string | null;
  readonly data: Record<string, unknown>;
}

async function events(s: TestServer, leadId: string): Promise<StoredEvent[]> {
  const res = await http<{ events: StoredEvent[] }>(
    'GET',
    `${s.url}/api/v1/leads/${leadId}/events`,
    { token: s.adminToken },
  );
  expect(res.status).toBe(200);
  return res.body.events;
}

/** A hot lead posted at the server's `now`, and which of Ana and Ben got it. */
async function postHot(t: Team, name: string) {
  const posted = await postLead(t.s, t.apiKey, hotLead({ name }));
  expect(posted.status).toBe(201);
  const holderId = posted.body.lead.assignedTo;
  const [holder, other] = holderId === t.ana.id ? [t.ana, t.ben] : [t.ben, t.ana];
  expect(holder.id).toBe(holderId);
  return { leadId: posted.body.lead.id, holder, other };
}

const outcome = (leadId: string, disposition: 'no_answer' | 'qualified' = 'no_answer') =>
  ({
    name: 'logOutcome',
    args: { outcomeId: uuidv7(), leadId, disposition },
  }) as const;

describe('only the holder logs on a lead', () => {
  it('refuses an outcome from the rep the lead was reassigned away from, and leaves the new owner’s SLA steps standing', async () => {
    const t = await setup();
    const { leadId, holder, other } = await postHot(t, 'Moved Mona');
    const oldOwner = new PushClient(t.s.url, holder.token, clock);

    now = T0 + 1 * MIN;
    const moved = await http('POST', `${t.s.url}/api/v1/leads/${leadId}/reassign`, {
      token: t.lea.token,
      body: { toUserId: other.id, note: 'covering lunch' },
    });
    expect(moved.status).toBe(200);

    // The old owner's app, offline since before the move, pushes a call logged before it.
    now = T0 + 2 * MIN;
    const result = await oldOwner.push(outcome(leadId, 'qualified'), T0 + 30_000);
    expect(result).toMatchObject({ status: 'rejected', error: { code: 'not_your_lead' } });
    expect(result.status === 'rejected' && result.error.message).toMatch(
      /Moved Mona is no longer yours \(reassigned to .* by Lea: covering lunch\): only the rep who holds a lead can log on it/,
    );
    // A note and a callback from them are refused the same way.
    const note = await oldOwner.push({
      name: 'addNote',
      args: { noteId: uuidv7(), leadId, text: 'they want a demo' },
    });
    expect(note).toMatchObject({ status: 'rejected', error: { code: 'not_your_lead' } });

    // Nothing of the lead moved: no attempt, no first touch, still untouched for its new owner.
    expect(await leadOf(t.s, leadId)).toMatchObject({
      assignedTo: other.id,
      status: 'assigned',
      attempts: 0,
      firstTouchAt: null,
    });
    const timeline = await events(t.s, leadId);
    expect(timeline.filter((e) => e.type === 'outcome' || e.type === 'note')).toEqual([]);

    // The new owner's ladder still runs: reminded at 60% of the 5-minute target after the move.
    const otherLive = other.id === t.ana.id ? t.live.ana : t.live.ben;
    now = T0 + 1 * MIN + 3 * MIN;
    expect(await t.s.handle.escalations.runDue(now)).toBe(1);
    await otherLive.next(
      (m) => m.type === 'lead.alert' && m.leadId === leadId && m.kind === 'sla_reminder',
    );
  });

  it('refuses an outcome on a lead released to the team queue', async () => {
    const t = await setup();
    const { leadId, holder } = await postHot(t, 'Released Rita');
    const released = await http('POST', `${t.s.url}/api/v1/leads/${leadId}/release`, {
      token: t.lea.token,
      body: {},
    });
    expect(released.status).toBe(200);
    const before = await leadOf(t.s, leadId);
    const result = await new PushClient(t.s.url, holder.token, clock).push(outcome(leadId));
    expect(result).toMatchObject({ status: 'rejected', error: { code: 'not_your_lead' } });
    expect(result.status === 'rejected' && result.error.message).toMatch(
      /released to the team queue by Lea/,
    );
    expect(await leadOf(t.s, leadId)).toEqual(before);
  });

  it('answers a lead the rep never held as not found', async () => {
    const t = await setup();
    const { leadId, other } = await postHot(t, 'Stranger Sam');
    const result = await new PushClient(t.s.url, other.token, clock).push(outcome(leadId));
    expect(result).toMatchObject({ status: 'rejected', error: { code: 'lead_not_found' } });
  });
});

describe("when the server believes a rep's call happened", () => {
  it('keeps the time of an honest outcome logged offline an hour ago', async () => {
    const t = await setup();
    const { leadId, holder } = await postHot(t, 'Offline Olga');
    const called = T0 + 10 * MIN;
    now = called + 60 * MIN; // pushed when the laptop came back online
    const result = await new PushClient(t.s.url, holder.token, clock).push(outcome(leadId), called);
    expect(result.status).toBe('applied');
    const lead = await leadOf(t.s, leadId);
    expect(lead.firstTouchAt).toBe(new Date(called).toISOString());
    const event = (await events(t.s, leadId)).find((e) => e.type === 'outcome');
    expect(event?.at).toBe(new Date(called).toISOString());
    expect(event?.data).not.toHaveProperty('timeFrom');
  });

  it('uses its own clock for a time before the assignment: no 0 ms speed-to-lead', async () => {
    const t = await setup();
    now = T0 + 5 * MIN;
    const { leadId, holder } = await postHot(t, 'Early Emma');
    const assignedAt = (await leadOf(t.s, leadId)).assignedAt;
    expect(assignedAt).toBe(new Date(T0 + 5 * MIN).toISOString());

    now = T0 + 45 * MIN;
    const claimed = T0 + 5 * MIN - 1;
    const result = await new PushClient(t.s.url, holder.token, clock).push(
      outcome(leadId),
      claimed,
    );
    expect(result.status).toBe('applied');
    expect((await leadOf(t.s, leadId)).firstTouchAt).toBe(new Date(now).toISOString());
    const event = (await events(t.s, leadId)).find((e) => e.type === 'outcome');
    expect(event).toMatchObject({
      at: new Date(now).toISOString(),
      data: {
        timeFrom: 'server',
        clientTimeRefused: 'before_assignment',
        clientAt: new Date(claimed).toISOString(),
      },
    });
  });

  it('uses its own clock for a time far in the future, and reads a slightly fast clock as now', async () => {
    const t = await setup();
    const { leadId, holder } = await postHot(t, 'Future Fay');
    const rep = new PushClient(t.s.url, holder.token, clock);
    now = T0 + 2 * MIN;
    const ahead = now + CLIENT_CLOCK_AHEAD_MS + 1;
    expect((await rep.push(outcome(leadId), ahead)).status).toBe('applied');
    expect((await leadOf(t.s, leadId)).firstTouchAt).toBe(new Date(now).toISOString());
    const [first] = (await events(t.s, leadId)).filter((e) => e.type === 'outcome');
    expect(first).toMatchObject({
      at: new Date(now).toISOString(),
      data: { timeFrom: 'server', clientTimeRefused: 'ahead_of_server' },
    });

    // A clock a minute fast is drift, not a claim: read as the server's now, no flag.
    now = T0 + 4 * MIN;
    expect((await rep.push(outcome(leadId), now + MIN)).status).toBe('applied');
    const second = (await events(t.s, leadId)).filter((e) => e.type === 'outcome')[1];
    expect(second?.at).toBe(new Date(now).toISOString());
    expect(second?.data).not.toHaveProperty('timeFrom');
  });

  it('uses its own clock for a time older than a day, even after the assignment', async () => {
    const t = await setup();
    const { leadId, holder } = await postHot(t, 'Stale Stella');
    now = T0 + CLIENT_TIME_MAX_AGE_MS + 10 * MIN;
    const claimed = T0 + 5 * MIN;
    const rep = new PushClient(t.s.url, holder.token, clock);
    expect((await rep.push(outcome(leadId), claimed)).status).toBe('applied');
    const event = (await events(t.s, leadId)).find((e) => e.type === 'outcome');
    expect(event).toMatchObject({
      at: new Date(now).toISOString(),
      data: { timeFrom: 'server', clientTimeRefused: 'too_old' },
    });
    expect((await leadOf(t.s, leadId)).firstTouchAt).toBe(new Date(now).toISOString());
  });

  it('bounds the time a lead was opened the same way', async () => {
    const t = await setup();
    now = T0 + 3 * MIN;
    const { leadId, holder } = await postHot(t, 'Seen Sid');
    now = T0 + 6 * MIN;
    const result = await new PushClient(t.s.url, holder.token, clock).push(
      { name: 'markSeen', args: { leadId } },
      T0,
    );
    expect(result.status).toBe('applied');
    expect((await leadOf(t.s, leadId)).seenAt).toBe(new Date(now).toISOString());
    expect((await events(t.s, leadId)).find((e) => e.type === 'seen')?.data).toMatchObject({
      timeFrom: 'server',
      clientTimeRefused: 'before_assignment',
    });
  });
});
