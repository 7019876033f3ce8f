import { beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/shared/ids';
import type { Lead } from '../../src/shared/lead';
import {
  PullResponseSchema,
  PushResponseSchema,
  SYNC_PROTOCOL_HEADER,
  type Mutation,
  type PullResponse,
  type PushResponse,
} from '../../src/shared/sync-protocol';
import { http } from '../helpers/http';
import type { LiveClient } from '../helpers/live-client';
import { serverScope } from '../helpers/server-fixture';
import { hotLead, postLead, type TestServer, type TestUser } from '../helpers/test-server';

/*
 * The server side of the sync protocol, against a real server on a real port and SQLite file.
 * The server's clock is controlled, so bounded client times can be checked exactly.
 */

const START = Date.parse('2026-11-20T10:00:00.000Z');
let now = START;
let s: TestServer;
let repA: TestUser;
let repB: TestUser;
let teamLead: TestUser;
let liveA: LiveClient;
let liveB: LiveClient;
let apiKey: string;

const scope = serverScope('all');
beforeAll(async () => {
  const t = await scope.start({
    clock: () => now,
    teams: ['Sync'],
    users: {
      a: { role: 'rep', name: 'Ana', live: true },
      b: { role: 'rep', name: 'Ben', live: true },
      lead: { role: 'lead' },
    },
  });
  ({ s, apiKey } = t);
  ({ a: repA, b: repB, lead: teamLead } = t.users);
  ({ a: liveA, b: liveB } = t.live);
});

/** Posts hot leads until one lands with `rep` (routing alternates between the two reps). */
async function leadFor(rep: TestUser): Promise<Lead> {
  for (let i = 0; i < 4; i++) {
    const res = await postLead(s, apiKey, hotLead());
    expect(res.status).toBe(201);
    if (res.body.lead.assignedTo === rep.id) return res.body.lead as unknown as Lead;
  }
  throw new Error('routing never chose the rep');
}

class TestClient {
  readonly clientId = uuidv7();
  private next = 1;
  constructor(readonly rep: TestUser) {}

  mutation<N extends Mutation['name']>(
    name: N,
    args: Extract<Mutation, { name: N }>['args'],
    occurredAt = new Date(now).toISOString(),
  ): Mutation {
    return {
      clientId: this.clientId,
      mutationId: this.next++,
      name,
      args,
      occurredAt,
    } as Mutation;
  }
}

function push(token: string, clientId: string, mutations: Mutation[], protocolVersion = 1) {
  return http<PushResponse & { error?: { code: string; details?: unknown } }>(
    'POST',
    `${s.url}/api/v1/sync/push`,
    { token, body: { protocolVersion, clientId, mutations } },
  );
}

async function pullAll(token: string, cursor?: string, limit = 500) {
  const changes: PullResponse['changes'] = [];
  let next = cursor;
  for (;;) {
    const query = new URLSearchParams({ limit: String(limit), ...(next && { cursor: next }) });
    const res = await http<PullResponse>('GET', `${s.url}/api/v1/sync/pull?${query.toString()}`, {
      token,
      headers: { [SYNC_PROTOCOL_HEADER]: '1' },
    });
    expect(res.status).toBe(200);
    const body = PullResponseSchema.parse(res.body);
    changes.push(...body.changes);
    next = body.cursor;
    if (!body.hasMore) return { changes, cursor: body.cursor, user: body.user };
  }
}

async function getLead(id: string, token = s.adminToken): Promise<Lead> {
  const res = await http<{ lead: Lead }>('GET', `${s.url}/api/v1/leads/${id}`, { token });
  expect(res.status).toBe(200);
  return res.body.lead;
}

async function events(id: string) {
  const res = await http<{ events: { type: string; data: Record<string, unknown> }[] }>(
    'GET',
    `${s.url}/api/v1/leads/${id}/events`,
    { token: s.adminToken },
  );
  return res.body.events;
}

describe('push', () => {
  it('applies an outcome once: first touch, attempts, status; a resent push is a duplicate', async () => {
    const lead = await leadFor(repA);
    const client = new TestClient(repA);
    now += 90_000;
    const m = client.mutation('logOutcome', {
      outcomeId: uuidv7(),
      leadId: lead.id,
      disposition: 'no_answer',
      note: 'rang out',
    });
    const first = await push(repA.token, client.clientId, [m]);
    expect(first.status).toBe(200);
    expect(PushResponseSchema.parse(first.body)).toEqual({
      lastMutationId: 1,
      results: [{ mutationId: 1, status: 'applied' }],
    });
    const again = await push(repA.token, client.clientId, [m]);
    expect(again.body).toEqual({
      lastMutationId: 1,
      results: [{ mutationId: 1, status: 'duplicate' }],
    });
    const stored = await getLead(lead.id);
    expect(stored).toMatchObject({
      status: 'working',
      attempts: 1,
      lastDisposition: 'no_answer',
      firstTouchAt: new Date(now).toISOString(),
    });
    expect((await events(lead.id)).filter((e) => e.type === 'outcome')).toHaveLength(1);
  });

  it('the same push sent on two connections at once is applied once', async () => {
    const lead = await leadFor(repA);
    const client = new TestClient(repA);
    const batch = [
      client.mutation('markSeen', { leadId: lead.id }),
      client.mutation('logOutcome', {
        outcomeId: uuidv7(),
        leadId: lead.id,
        disposition: 'voicemail',
      }),
      client.mutation('addNote', { noteId: uuidv7(), leadId: lead.id, text: 'left a message' }),
    ];
    const [x, y] = await Promise.all([
      push(repA.token, client.clientId, batch),
      push(repA.token, client.clientId, batch),
    ]);
    expect([x.status, y.status]).toEqual([200, 200]);
    const statuses = [...x.body.results, ...y.body.results].map((r) => r.status).sort();
    expect(statuses).toEqual([
      'applied',
      'applied',
      'applied',
      'duplicate',
      'duplicate',
      'duplicate',
    ]);
    expect((await getLead(lead.id)).attempts).toBe(1);
    const types = (await events(lead.id)).map((e) => e.type);
    expect(types.filter((t) => t === 'outcome')).toHaveLength(1);
    expect(types.filter((t) => t === 'note')).toHaveLength(1);
    expect(types.filter((t) => t === 'seen')).toHaveLength(1);
  });

  it('refuses a gap with 409 and the expected id, and writes nothing', async () => {
    const lead = await leadFor(repA);
    const client = new TestClient(repA);
    client.mutation('markSeen', { leadId: lead.id }); // id 1, never sent
    const skipped = client.mutation('logOutcome', {
      outcomeId: uuidv7(),
      leadId: lead.id,
      disposition: 'qualified',
    });
    const res = await push(repA.token, client.clientId, [skipped]);
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: 'mutation_gap',
      details: { expectedMutationId: 1 },
    });
    expect(await getLead(lead.id)).toMatchObject({ status: 'assigned', attempts: 0 });
  });

  it("rejects a mutation on another rep's lead without wedging the queue", async () => {
    const bLead = await leadFor(repB);
    const aLead = await leadFor(repA);
    const client = new TestClient(repA);
    const res = await push(repA.token, client.clientId, [
      client.mutation('logOutcome', {
        outcomeId: uuidv7(),
        leadId: bLead.id,
        disposition: 'qualified',
      }),
      client.mutation('scheduleCallback', {
        callbackId: uuidv7(),
        leadId: bLead.id,
        at: new Date(now + 3600_000).toISOString(),
      }),
      client.mutation('markSeen', { leadId: aLead.id }),
    ]);
    expect(res.status).toBe(200);
    expect(res.body.lastMutationId).toBe(3);
    expect(res.body.results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'applied']);
    // Never held: answered like a lead that does not exist.
    expect(res.body.results[0]).toMatchObject({ error: { code: 'lead_not_found' } });
    expect(await getLead(bLead.id)).toMatchObject({ status: 'assigned', attempts: 0 });
    expect((await getLead(aLead.id)).seenAt).not.toBeNull();
  });

  it("refuses another user's client id with 403 and writes nothing", async () => {
    const aLead = await leadFor(repA);
    const client = new TestClient(repA);
    await push(repA.token, client.clientId, [client.mutation('markSeen', { leadId: aLead.id })]);
    const bLead = await leadFor(repB);
    const stolen = {
      clientId: client.clientId,
      mutationId: 2,
      name: 'markSeen',
      args: { leadId: bLead.id },
      occurredAt: new Date(now).toISOString(),
    } as Mutation;
    const res = await push(repB.token, client.clientId, [stolen]);
    expect(res.status).toBe(403);
    expect((await getLead(bLead.id)).seenAt).toBeNull();
  });

  it('bounds client clocks: days ahead or behind never move first touch outside reality', async () => {
    const lead = await leadFor(repA);
    const client = new TestClient(repA);
    now += 60_000;
    const ahead = new Date(now + 3 * 24 * 3600_000).toISOString();
    await push(repA.token, client.clientId, [
      client.mutation(
        'logOutcome',
        { outcomeId: uuidv7(), leadId: lead.id, disposition: 'no_answer' },
        ahead,
      ),
    ]);
    expect((await getLead(lead.id)).firstTouchAt).toBe(new Date(now).toISOString());

    const other = await leadFor(repA);
    const behind = new Date(Date.parse(other.receivedAt) - 5 * 24 * 3600_000).toISOString();
    await push(repA.token, client.clientId, [
      client.mutation(
        'logOutcome',
        { outcomeId: uuidv7(), leadId: other.id, disposition: 'no_answer' },
        behind,
      ),
    ]);
    expect((await getLead(other.id)).firstTouchAt).toBe(other.receivedAt);
  });

  it('setReceivingLeads turns a rep off and on; on again, waiting leads come to them', async () => {
    const client = new TestClient(repB);
    const off = await push(repB.token, client.clientId, [
      client.mutation('setReceivingLeads', { receiving: false }),
    ]);
    expect(off.body.results[0]?.status).toBe('applied');
    const lead = await postLead(s, apiKey, hotLead());
    expect(lead.body.lead.assignedTo).toBe(repA.id);
    const { user } = await pullAll(repB.token);
    expect(user.receivingLeads).toBe(false);
    await push(repB.token, client.clientId, [
      client.mutation('setReceivingLeads', { receiving: true }),
    ]);
    expect((await pullAll(repB.token)).user.receivingLeads).toBe(true);
  });

  it('answers 426 to another protocol version, and 422 naming the field to a bad body', async () => {
    const client = new TestClient(repA);
    const old = await push(repA.token, client.clientId, [], 0);
    expect(old.status).toBe(426);
    expect(old.body.error?.code).toBe('incompatible_protocol');
    const noHeader = await http('GET', `${s.url}/api/v1/sync/pull`, { token: repA.token });
    expect(noHeader.status).toBe(426);

    const bad = await http<{ error: { code: string; details: { fields: { field: string }[] } } }>(
      'POST',
      `${s.url}/api/v1/sync/push`,
      {
        token: repA.token,
        body: {
          protocolVersion: 1,
          clientId: client.clientId,
          mutations: [
            {
              clientId: client.clientId,
              mutationId: 1,
              name: 'logOutcome',
              args: { outcomeId: 'x', leadId: uuidv7(), disposition: 'maybe' },
              occurredAt: 'yesterday',
            },
          ],
        },
      },
    );
    expect(bad.status).toBe(422);
    const fields = bad.body.error.details.fields.map((f) => f.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'mutations.0.args.outcomeId',
        'mutations.0.args.disposition',
        'mutations.0.occurredAt',
      ]),
    );
    expect((await http('POST', `${s.url}/api/v1/sync/push`, { body: {} })).status).toBe(401);
  });
});

describe('pull', () => {
  it('a first sync sends exactly the rep’s own leads, in pages; then only what changed', async () => {
    const first = await pullAll(repA.token, undefined, 2);
    const ids = first.changes.map((c) => (c.type === 'lead' ? c.lead.id : c.leadId));
    expect(first.changes.every((c) => c.type === 'lead' && c.lead.assignedTo === repA.id)).toBe(
      true,
    );
    expect(new Set(ids).size).toBe(ids.length);
    const listed = await http<{ leads: { id: string }[] }>(
      'GET',
      `${s.url}/api/v1/leads?assignedTo=me&limit=200`,
      { token: repA.token },
    );
    expect(ids.sort()).toEqual(listed.body.leads.map((l) => l.id).sort());

    // Nothing new: an empty page, same position.
    expect((await pullAll(repA.token, first.cursor)).changes).toEqual([]);

    const lead = await leadFor(repA);
    const after = await pullAll(repA.token, first.cursor);
    expect(after.changes).toHaveLength(1);
    const change = after.changes[0];
    expect(change?.type === 'lead' && change.lead.id).toBe(lead.id);
    expect(change?.type === 'lead' && change.timeline.map((e) => e.type)).toEqual([
      'received',
      'assigned',
    ]);
  });

  it('rejects a cursor it did not issue with 422', async () => {
    const res = await http<{ error: { code: string } }>(
      'GET',
      `${s.url}/api/v1/sync/pull?cursor=not-a-cursor`,
      { token: repA.token, headers: { [SYNC_PROTOCOL_HEADER]: '1' } },
    );
    expect(res.status).toBe(422);
  });
});

describe('reassignment', () => {
  it('revokes the lead from the old rep with a reason, and keeps their offline outcome', async () => {
    const lead = await leadFor(repA);
    const before = await pullAll(repA.token);
    const beforeB = await pullAll(repB.token);

    const denied = await http('POST', `${s.url}/api/v1/leads/${lead.id}/reassign`, {
      token: repA.token,
      body: { toUserId: repB.id },
    });
    expect(denied.status).toBe(403);

    const moved = await http<{ lead: Lead }>('POST', `${s.url}/api/v1/leads/${lead.id}/reassign`, {
      token: teamLead.token,
      body: { toUserId: repB.id, note: 'Ana is at lunch' },
    });
    expect(moved.status).toBe(200);
    expect(moved.body.lead.assignedTo).toBe(repB.id);

    const revoked = await liveA.next((m) => m.type === 'lead.revoked' && m.leadId === lead.id);
    expect(revoked.type === 'lead.revoked' && revoked.reason).toMatch(/reassigned to Ben/);
    await liveB.next((m) => m.type === 'lead.assigned' && m.lead.id === lead.id);

    const a = await pullAll(repA.token, before.cursor);
    expect(a.changes).toHaveLength(1);
    expect(a.changes[0]).toMatchObject({ type: 'revoked', leadId: lead.id });
    expect(a.changes[0]?.type === 'revoked' && a.changes[0].reason).toMatch(
      /reassigned to Ben by .*: Ana is at lunch/,
    );
    const b = await pullAll(repB.token, beforeB.cursor);
    expect(b.changes.some((c) => c.type === 'lead' && c.lead.id === lead.id)).toBe(true);

    // Ana called while offline, before she knew: only the holder logs on a lead, so both are
    // refused with why, and nothing of Ben's lead moves (test/integration/outcome-authority).
    const client = new TestClient(repA);
    const res = await push(repA.token, client.clientId, [
      client.mutation('logOutcome', {
        outcomeId: uuidv7(),
        leadId: lead.id,
        disposition: 'no_answer',
      }),
      client.mutation('scheduleCallback', {
        callbackId: uuidv7(),
        leadId: lead.id,
        at: new Date(now + 3600_000).toISOString(),
      }),
    ]);
    expect(res.body.results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(res.body.results[0]).toMatchObject({ error: { code: 'not_your_lead' } });
    expect(res.body.results[1]).toMatchObject({ error: { code: 'not_your_lead' } });
    const stored = await getLead(lead.id);
    expect(stored).toMatchObject({ assignedTo: repB.id, status: 'assigned', attempts: 0 });
    expect((await events(lead.id)).find((e) => e.type === 'outcome')).toBeUndefined();
    // Ana's pull never shows Ben's lead.
    expect((await pullAll(repA.token, a.cursor)).changes).toEqual([]);
  });
});
