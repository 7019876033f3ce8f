import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http } from '../helpers/http';
import { LiveClient, upgradeStatus } from '../helpers/live-client';
import {
  createApiKey,
  createTeam,
  createUser,
  hotLead,
  postLead,
  startTestServer,
  type TestServer,
  type TestUser,
} from '../helpers/test-server';

let s: TestServer;
let repA: TestUser;
let repB: TestUser;
let leadA: TestUser;
let leadOther: TestUser;
let liveA: LiveClient;
let liveB: LiveClient;
let aLeadId: string;
let bLeadId: string;
let nurtureId: string;

beforeAll(async () => {
  s = await startTestServer();
  const team = await createTeam(s, 'Vis');
  const otherTeam = await createTeam(s, 'Other');
  repA = await createUser(s, { email: 'a@vis.test', role: 'rep', teamId: team });
  repB = await createUser(s, { email: 'b@vis.test', role: 'rep', teamId: team });
  leadA = await createUser(s, { email: 'lead@vis.test', role: 'lead', teamId: team });
  leadOther = await createUser(s, { email: 'lead@other.test', role: 'lead', teamId: otherTeam });
  liveA = await LiveClient.connect(s.url, repA.token);
  liveB = await LiveClient.connect(s.url, repB.token, 'protocol');
  const apiKey = await createApiKey(s);
  const first = await postLead(s, apiKey, hotLead());
  const second = await postLead(s, apiKey, hotLead());
  const byRep = new Map([first, second].map((r) => [r.body.lead.assignedTo, r.body.lead.id]));
  aLeadId = byRep.get(repA.id)!;
  bLeadId = byRep.get(repB.id)!;
  nurtureId = (await postLead(s, apiKey, { source: 'web', name: 'N', email: 'n@gmail.com' })).body
    .lead.id;
  await liveA.next((m) => m.type === 'lead.assigned');
  await liveB.next((m) => m.type === 'lead.assigned');
});
afterAll(async () => {
  liveA.close();
  liveB.close();
  await s.stop();
});

describe('who sees which lead', () => {
  it('GET /leads and /leads/:id: 401 without a user token', async () => {
    expect((await http('GET', `${s.url}/api/v1/leads`)).status).toBe(401);
    expect((await http('GET', `${s.url}/api/v1/leads/${aLeadId}`)).status).toBe(401);
    expect((await http('GET', `${s.url}/api/v1/leads/${aLeadId}/events`)).status).toBe(401);
  });

  it("a rep reads their own lead and gets 404 for another rep's", async () => {
    expect(
      (await http('GET', `${s.url}/api/v1/leads/${aLeadId}`, { token: repA.token })).status,
    ).toBe(200);
    expect(
      (await http('GET', `${s.url}/api/v1/leads/${bLeadId}`, { token: repA.token })).status,
    ).toBe(404);
    expect(
      (await http('GET', `${s.url}/api/v1/leads/${bLeadId}/events`, { token: repA.token })).status,
    ).toBe(404);
    expect(
      (await http('GET', `${s.url}/api/v1/leads/${nurtureId}`, { token: repA.token })).status,
    ).toBe(404);
  });

  it('a rep lists only their own leads, whatever filter they pass', async () => {
    const mine = await http<{ leads: { id: string }[] }>('GET', `${s.url}/api/v1/leads`, {
      token: repA.token,
    });
    expect(mine.body.leads.map((l) => l.id)).toEqual([aLeadId]);
    const theirs = await http<{ leads: unknown[] }>(
      'GET',
      `${s.url}/api/v1/leads?assignedTo=${repB.id}`,
      { token: repA.token },
    );
    expect(theirs.body.leads).toEqual([]);
  });

  it("a team lead sees the team's leads and nurture pool, and nothing of other teams", async () => {
    const all = await http<{ leads: { id: string }[] }>('GET', `${s.url}/api/v1/leads`, {
      token: leadA.token,
    });
    expect(all.body.leads.map((l) => l.id).sort()).toEqual([aLeadId, bLeadId, nurtureId].sort());
    const nurture = await http<{ leads: { id: string }[] }>(
      'GET',
      `${s.url}/api/v1/leads?status=nurture`,
      { token: leadA.token },
    );
    expect(nurture.body.leads.map((l) => l.id)).toEqual([nurtureId]);
    const byRep = await http<{ leads: { id: string }[] }>(
      'GET',
      `${s.url}/api/v1/leads?assignedTo=${repB.id}`,
      { token: leadA.token },
    );
    expect(byRep.body.leads.map((l) => l.id)).toEqual([bLeadId]);
    expect(
      (await http('GET', `${s.url}/api/v1/leads/${aLeadId}`, { token: leadOther.token })).status,
    ).toBe(404);
    const none = await http<{ leads: unknown[] }>('GET', `${s.url}/api/v1/leads`, {
      token: leadOther.token,
    });
    expect(none.body.leads).toEqual([]);
  });

  it('an admin sees everything and pages with a cursor', async () => {
    const page1 = await http<{ leads: { id: string }[]; nextCursor: string }>(
      'GET',
      `${s.url}/api/v1/leads?limit=2`,
      { token: s.adminToken },
    );
    expect(page1.body.leads).toHaveLength(2);
    const page2 = await http<{ leads: { id: string }[]; nextCursor: string | null }>(
      'GET',
      `${s.url}/api/v1/leads?limit=2&cursor=${page1.body.nextCursor}`,
      {
        token: s.adminToken,
      },
    );
    expect(page2.body.leads).toHaveLength(1);
    expect(page2.body.nextCursor).toBeNull();
    expect([...page1.body.leads, ...page2.body.leads].map((l) => l.id).sort()).toEqual(
      [aLeadId, bLeadId, nurtureId].sort(),
    );
  });

  it("a rep's live channel carries only their own leads", () => {
    expect(liveA.assignedLeadIds()).toEqual([aLeadId]);
    expect(liveB.assignedLeadIds()).toEqual([bLeadId]);
  });
});

describe('live channel', () => {
  it('refuses an upgrade without a valid user token (401) and on other paths (404)', async () => {
    expect(await upgradeStatus(s.url, {})).toBe(401);
    expect(await upgradeStatus(s.url, { authorization: 'Bearer pnc_s_nope' })).toBe(401);
    expect(
      await upgradeStatus(s.url, { authorization: `Bearer ${repA.token}` }, '/api/v1/elsewhere'),
    ).toBe(404);
  });

  it('delivers to every live connection of the rep', async () => {
    const second = await LiveClient.connect(s.url, repA.token, 'protocol');
    const apiKey = await createApiKey(s);
    // Make A the only eligible rep for this lead.
    await http('PATCH', `${s.url}/api/v1/me`, {
      token: repB.token,
      body: { receivingLeads: false },
    });
    const lead = await postLead(s, apiKey, hotLead());
    await Promise.all(
      [liveA, second].map((c) =>
        c.next((m) => m.type === 'lead.assigned' && m.lead.id === lead.body.lead.id),
      ),
    );
    second.close();
    await http('PATCH', `${s.url}/api/v1/me`, {
      token: repB.token,
      body: { receivingLeads: true },
    });
  });

  it('answers bad frames with an error message and keeps the socket open', async () => {
    const client = await LiveClient.connect(s.url, repA.token);
    client.socket.send('not json');
    client.socket.send(JSON.stringify({ type: 'lead.assigned', lead: {} }));
    client.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    client.socket.send(JSON.stringify({ type: 'ping', id: 'p1' }));
    await client.next((m) => m.type === 'pong' && m.id === 'p1');
    expect(client.messages.filter((m) => m.type === 'error')).toHaveLength(3);
    // An oversized frame closes that socket (1009) and nothing else.
    client.socket.send('x'.repeat(64 * 1024));
    expect((await client.closed).code).toBe(1009);
    expect((await http('GET', `${s.url}/healthz`)).status).toBe(200);
  });
});
