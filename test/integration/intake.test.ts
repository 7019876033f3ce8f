import { beforeAll, describe, expect, it } from 'vitest';
import { http } from '../helpers/http';
import type { LiveClient } from '../helpers/live-client';
import { serverScope } from '../helpers/server-fixture';
import {
  hotLead,
  postLead,
  type TestServer,
  type TestUser,
  createApiKey,
} from '../helpers/test-server';

let s: TestServer;
let apiKey: string;
let rep: TestUser;
let live: LiveClient;

const scope = serverScope('all');
beforeAll(async () => {
  const t = await scope.start({
    teams: ['Intake'],
    users: { rep: { role: 'rep', capacity: 1000, live: true } },
  });
  ({ s, apiKey } = t);
  rep = t.users.rep;
  live = t.live.rep;
});

async function countLeads(): Promise<number> {
  let n = 0;
  let cursor: string | null = null;
  do {
    const page: { status: number; body: { leads: unknown[]; nextCursor: string | null } } =
      await http('GET', `${s.url}/api/v1/leads?limit=200${cursor ? `&cursor=${cursor}` : ''}`, {
        token: s.adminToken,
      });
    n += page.body.leads.length;
    cursor = page.body.nextCursor;
  } while (cursor);
  return n;
}

describe('POST /api/v1/leads', () => {
  it('401 without an API key, with a bad one, or with a user token', async () => {
    expect((await postLead(s, '', hotLead())).status).toBe(401);
    expect((await postLead(s, 'pnc_k_made-up', hotLead())).status).toBe(401);
    expect((await postLead(s, s.adminToken, hotLead())).status).toBe(401);
  });

  it('201 with the scored, routed lead, pushed live to the rep', async () => {
    const res = await postLead(
      s,
      apiKey,
      hotLead({ phone: '(415) 555-0199', country: 'US', timezone: 'America/Los_Angeles' }),
    );
    expect(res.status).toBe(201);
    const lead = res.body.lead;
    expect(lead).toMatchObject({
      tier: 'hot',
      status: 'assigned',
      assignedTo: rep.id,
      phone: '+14155550199',
    });
    for (const key of [
      'id',
      'source',
      'externalId',
      'name',
      'email',
      'phone',
      'company',
      'title',
      'country',
      'timezone',
      'message',
      'signals',
      'score',
      'tier',
      'status',
      'teamId',
      'assignedTo',
      'assignedAt',
      'receivedAt',
      'firstTouchAt',
      'createdAt',
      'updatedAt',
    ]) {
      expect(lead).toHaveProperty(key);
    }
    const pushed = await live.next((m) => m.type === 'lead.assigned' && m.lead.id === lead.id);
    expect(pushed).toMatchObject({
      type: 'lead.assigned',
      lead: { id: lead.id, assignedTo: rep.id },
    });
  });

  it('sends a lead below the sales-ready threshold to nurture, not to a rep', async () => {
    const res = await postLead(s, apiKey, {
      source: 'web',
      name: 'Kid',
      email: 'kid@gmail.com',
      title: 'Student',
      signals: [{ type: 'newsletter' }],
    });
    expect(res.status).toBe(201);
    expect(res.body.lead).toMatchObject({ status: 'nurture', assignedTo: null, tier: 'cold' });
  });

  it('200 with the lead id and duplicate when (source, externalId) was seen before', async () => {
    const lead = hotLead();
    const first = await postLead(s, apiKey, lead);
    const again = await postLead(s, apiKey, { ...lead, name: 'Changed Name' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ lead: { id: first.body.lead.id }, duplicate: true });
  });

  it('200 with the lead id and duplicate when the Idempotency-Key was seen before', async () => {
    const headers = { 'idempotency-key': `key-${Date.now()}` };
    const body = hotLead({ externalId: undefined });
    const first = await postLead(s, apiKey, body, headers);
    const again = await postLead(s, apiKey, body, headers);
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body).toEqual({ lead: { id: first.body.lead.id }, duplicate: true });
  });

  it("an API key never reads another lead's data through a duplicate or a repeat inquiry", async () => {
    // A lead from one sender, with everything a rep would not want a stranger to read.
    const victim = hotLead({
      name: 'Vera Victim',
      company: 'Secret Mergers Ltd',
      message: 'We are quietly selling the company, call me on my private line',
      fields: { budget: '2.4M' },
    });
    const first = await postLead(s, apiKey, victim);
    expect(first.status).toBe(201);
    const id = first.body.lead.id;
    const stored = first.body.lead as unknown as Record<string, unknown>;
    expect(stored.assignedTo).toBe(rep.id);

    // Another key (another integration, or a leaked one) posts what it can guess.
    const other = await createApiKey(s, 'curious sender');
    const probes = [
      { name: 'x', email: victim.email, source: 'probe' },
      { name: 'x', phone: victim.phone, source: 'probe' },
      {
        name: 'x',
        email: 'probe@probe.example',
        source: victim.source,
        externalId: victim.externalId,
      },
    ];
    const answers = [];
    for (const probe of probes) answers.push(await postLead(s, other, probe));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers.map((a) => a.body)).toEqual([
      { lead: { id }, repeatInquiry: true },
      { lead: { id }, repeatInquiry: true },
      { lead: { id }, duplicate: true },
    ]);
    const text = JSON.stringify(answers.map((a) => a.body));
    for (const secret of [
      'Vera Victim',
      'Secret Mergers',
      'private line',
      '2.4M',
      String(victim.phone).replace(/\D/g, '').slice(-7),
      rep.id,
      'assigned',
      String(victim.email),
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it('the same externalId posted concurrently makes one lead', async () => {
    const before = await countLeads();
    const lead = hotLead();
    const results = await Promise.all(Array.from({ length: 20 }, () => postLead(s, apiKey, lead)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 200)).toHaveLength(19);
    expect(new Set(results.map((r) => r.body.lead.id)).size).toBe(1);
    expect(await countLeads()).toBe(before + 1);
  });

  it('the same Idempotency-Key posted concurrently makes one lead', async () => {
    const before = await countLeads();
    const headers = { 'idempotency-key': `concurrent-${Date.now()}` };
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        postLead(s, apiKey, hotLead({ externalId: undefined }), headers),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(new Set(results.map((r) => r.body.lead.id)).size).toBe(1);
    expect(await countLeads()).toBe(before + 1);
  });

  it('scopes Idempotency-Keys to the API key that used them', async () => {
    const otherKey = await createApiKey(s, 'other source');
    const headers = { 'idempotency-key': `shared-${Date.now()}` };
    const a = await postLead(s, apiKey, hotLead({ externalId: undefined }), headers);
    const b = await postLead(s, otherKey, hotLead({ externalId: undefined }), headers);
    expect([a.status, b.status]).toEqual([201, 201]);
  });
});
