import { afterEach, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/shared/ids';
import type { LeadOffer } from '../../src/shared/lead';
import type { LiveServerMessage } from '../../src/shared/live-protocol';
import { eventually } from '../helpers/eventually';
import { http } from '../helpers/http';
import { LiveClient } from '../helpers/live-client';
import { pullAll, PushClient, viewOf } from '../helpers/sync-client';
import {
  createApiKey,
  createTeam,
  createUser,
  hotLead,
  login,
  PASSWORD,
  postLead,
  startTestServer,
  type TestServer,
  type TestUser,
} from '../helpers/test-server';

/*
 * Claim mode ("first to claim") on a real server, real sockets, real SQLite, with the server's
 * clock in the test's hands: a new lead of a claim team is offered to every eligible rep, the
 * first claim wins atomically (many parallel HTTP claims, one winner), the others' rows are
 * revoked, and an offer nobody claims falls back to fair routing through the durable scheduler,
 * also across a restart.
 */

const T0 = Date.parse('2026-12-01T15:00:00.000Z');
const SEC = 1000;
let now = T0;
const clock = () => now;

let server: TestServer | undefined;
const sockets: LiveClient[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await server?.stop();
  server = undefined;
  now = T0;
});

interface ClaimTeam {
  readonly s: TestServer;
  readonly teamId: string;
  readonly reps: TestUser[];
  readonly live: LiveClient[];
  readonly teamLead: TestUser;
  /** A rep of another (fair) team. */
  readonly outsider: TestUser;
  readonly apiKey: string;
}

async function setup(
  options: { reps?: number; overrides?: Record<string, unknown>; dataDir?: string } = {},
): Promise<ClaimTeam> {
  server = await startTestServer(options.overrides ?? {}, {
    clock,
    ...(options.dataDir && { dataDir: options.dataDir }),
  });
  const s = server;
  // Made first, the claim team is the oldest, so the default team of every posted lead.
  const teamId = await createTeam(s, 'Claimers');
  const other = await createTeam(s, 'Others');
  const patched = await http<{ team: { assignment: string } }>(
    'PATCH',
    `${s.url}/api/v1/teams/${teamId}`,
    { token: s.adminToken, body: { assignment: 'claim' } },
  );
  expect(patched.status).toBe(200);
  expect(patched.body.team.assignment).toBe('claim');
  const reps: TestUser[] = [];
  const live: LiveClient[] = [];
  for (let i = 0; i < (options.reps ?? 3); i++) {
    const rep = await createUser(s, {
      email: `rep${i}@claim.test`,
      name: `Rep ${i}`,
      role: 'rep',
      teamId,
    });
    reps.push(rep);
    const socket = await LiveClient.connect(s.url, rep.token);
    sockets.push(socket);
    live.push(socket);
  }
  const teamLead = await createUser(s, { email: 'lead@claim.test', role: 'lead', teamId });
  const outsider = await createUser(s, { email: 'oz@other.test', role: 'rep', teamId: other });
  sockets.push(await LiveClient.connect(s.url, outsider.token));
  return { s, teamId, reps, live, teamLead, outsider, apiKey: await createApiKey(s) };
}

interface WireLead {
  id: string;
  status: string;
  assignedTo: string | null;
  offer?: LeadOffer | null;
}

function claim(s: TestServer, token: string, leadId: string) {
  return http<{ lead: WireLead; error: { code: string; message: string } }>(
    'POST',
    `${s.url}/api/v1/leads/${leadId}/claim`,
    { token },
  );
}

async function leadOf(s: TestServer, leadId: string): Promise<WireLead> {
  const res = await http<{ lead: WireLead }>('GET', `${s.url}/api/v1/leads/${leadId}`, {
    token: s.adminToken,
  });
  return res.body.lead;
}

async function eventTypes(s: TestServer, leadId: string): Promise<string[]> {
  const res = await http<{ events: { type: string }[] }>(
    'GET',
    `${s.url}/api/v1/leads/${leadId}/events`,
    { token: s.adminToken },
  );
  return res.body.events.map((e) => e.type);
}

async function postOffered(t: ClaimTeam): Promise<WireLead> {
  const res = await postLead(t.s, t.apiKey, hotLead());
  expect(res.status).toBe(201);
  return res.body.lead;
}

const assigned = (m: LiveServerMessage, leadId: string) =>
  m.type === 'lead.assigned' && m.lead.id === leadId;
const revoked = (m: LiveServerMessage, leadId: string) =>
  m.type === 'lead.revoked' && m.leadId === leadId;

describe('claim mode: offers', () => {
  it('PATCH /teams/:id: 401, 403 for reps and team leads, 422 naming the field (nothing written), 404', async () => {
    const t = await setup({ reps: 1 });
    const url = `${t.s.url}/api/v1/teams/${t.teamId}`;
    expect((await http('PATCH', url, { body: { assignment: 'fair' } })).status).toBe(401);
    const rep = t.reps[0];
    if (!rep) throw new Error('no rep');
    for (const token of [rep.token, t.teamLead.token]) {
      const res = await http('PATCH', url, { token, body: { assignment: 'fair' } });
      expect(res.status).toBe(403);
    }
    const bad = await http<{ error: { code: string; details: { fields: { field: string }[] } } }>(
      'PATCH',
      url,
      { token: t.s.adminToken, body: { assignment: 'first-come' } },
    );
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.fields.map((f) => f.field)).toEqual(['assignment']);
    const unknownKey = await http<{ error: { details: { fields: { field: string }[] } } }>(
      'PATCH',
      url,
      { token: t.s.adminToken, body: { assignment: 'fair', mode: 'x' } },
    );
    expect(unknownKey.status).toBe(422);
    const teams = await http<{ teams: { id: string; assignment: string }[] }>(
      'GET',
      `${t.s.url}/api/v1/teams`,
      { token: t.s.adminToken },
    );
    expect(teams.body.teams.find((x) => x.id === t.teamId)?.assignment).toBe('claim');
    const missing = await http('PATCH', `${t.s.url}/api/v1/teams/${uuidv7()}`, {
      token: t.s.adminToken,
      body: { assignment: 'fair' },
    });
    expect(missing.status).toBe(404);
  });

  it('offers a new lead to every eligible rep: the live push, the pull and GET show it as an offer; nobody holds it', async () => {
    const t = await setup({ reps: 3 });
    const lead = await postOffered(t);
    expect(lead.status).toBe('unassigned');
    expect(lead.assignedTo).toBeNull();
    expect(lead.offer).toEqual({
      offeredAt: new Date(T0).toISOString(),
      expiresAt: new Date(T0 + 120 * SEC).toISOString(), // routing.claim.fallbackAfterSeconds
    });
    for (const [i, socket] of t.live.entries()) {
      const pushed = await socket.next((m) => assigned(m, lead.id));
      expect(pushed.type === 'lead.assigned' && pushed.lead.offer).toEqual(lead.offer);
      expect(pushed.type === 'lead.assigned' && pushed.reason).toMatch(
        /^first to claim: offered to 3 eligible reps/,
      );
      const rep = t.reps[i];
      if (!rep) throw new Error('no rep');
      const { leads } = viewOf((await pullAll(t.s.url, rep.token)).changes);
      expect(leads.get(lead.id)?.offer).toEqual(lead.offer);
      const got = await http('GET', `${t.s.url}/api/v1/leads/${lead.id}`, { token: rep.token });
      expect(got.status).toBe(200);
    }
    // Another team's rep sees nothing of it.
    const outsider = await http('GET', `${t.s.url}/api/v1/leads/${lead.id}`, {
      token: t.outsider.token,
    });
    expect(outsider.status).toBe(404);
    expect(viewOf((await pullAll(t.s.url, t.outsider.token)).changes).leads.has(lead.id)).toBe(
      false,
    );
    expect(await eventTypes(t.s, lead.id)).toEqual(['received', 'offered']);

    // An offer is read, not worked: an outcome before the claim is refused and counts nothing.
    const rep0 = t.reps[0];
    if (!rep0) throw new Error('no rep');
    const client = new PushClient(t.s.url, rep0.token, clock);
    const result = await client.push({
      name: 'logOutcome',
      args: { outcomeId: uuidv7(), leadId: lead.id, disposition: 'no_answer' },
    });
    expect(result.status).toBe('rejected');
    expect(result.status === 'rejected' && result.error.code).toBe('lead_not_found');
    const after = await http<{ lead: { attempts: number; firstTouchAt: string | null } }>(
      'GET',
      `${t.s.url}/api/v1/leads/${lead.id}`,
      { token: t.s.adminToken },
    );
    expect(after.body.lead.attempts).toBe(0);
    expect(after.body.lead.firstTouchAt).toBeNull();
  });

  it('offers only to eligible reps: not to offline or non-receiving ones; nobody eligible queues it until a rep connects', async () => {
    const t = await setup({ reps: 3 });
    const [a, b, c] = t.reps;
    if (!a || !b || !c) throw new Error('no reps');
    t.live[2]?.close();
    await eventually(() => !t.s.handle.hub.isOnline(c.id));
    await http('PATCH', `${t.s.url}/api/v1/me`, {
      token: b.token,
      body: { receivingLeads: false },
    });
    const lead = await postOffered(t);
    const offered = await http<{ events: { type: string; data: { to: string[] } }[] }>(
      'GET',
      `${t.s.url}/api/v1/leads/${lead.id}/events`,
      { token: t.s.adminToken },
    );
    expect(offered.body.events.find((e) => e.type === 'offered')?.data.to).toEqual([a.id]);

    // Nobody eligible: the lead waits, and the first rep to connect is offered it.
    t.live[0]?.close();
    await eventually(() => !t.s.handle.hub.isOnline(a.id));
    const waiting = await postOffered(t);
    expect(waiting.offer).toBeNull();
    expect(await eventTypes(t.s, waiting.id)).toEqual(['received', 'queued']);
    const back = await LiveClient.connect(t.s.url, c.token);
    sockets.push(back);
    const pushed = await back.next((m) => assigned(m, waiting.id));
    expect(pushed.type === 'lead.assigned' && pushed.lead.offer).not.toBeNull();
    expect((await leadOf(t.s, waiting.id)).assignedTo).toBeNull();
  });
});

describe('claim mode: claims', () => {
  it('many parallel claims: exactly one 200, the rest 409 already_claimed; the losers’ rows are revoked', async () => {
    const t = await setup({ reps: 10 });
    const lead = await postOffered(t);
    const cursors = await Promise.all(
      t.reps.map(async (rep) => (await pullAll(t.s.url, rep.token)).cursor),
    );
    const answers = await Promise.all(t.reps.map((rep) => claim(t.s, rep.token, lead.id)));
    const winners = answers.flatMap((res, i) => (res.status === 200 ? [i] : []));
    expect(winners).toHaveLength(1);
    const w = winners[0] ?? -1;
    const winner = t.reps[w];
    if (!winner) throw new Error('no winner');
    for (const [i, res] of answers.entries()) {
      if (i === w) continue;
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('already_claimed');
    }
    const won = answers[w]?.body.lead;
    expect(won).toMatchObject({ status: 'assigned', assignedTo: winner.id, offer: null });

    // Claiming again what one holds (a retried request) answers the lead again.
    const again = await claim(t.s, winner.token, lead.id);
    expect(again.status).toBe(200);
    expect(again.body.lead.assignedTo).toBe(winner.id);

    for (const [i, rep] of t.reps.entries()) {
      const { leads, revoked: gone } = viewOf(
        (await pullAll(t.s.url, rep.token, cursors[i])).changes,
      );
      if (i === w) {
        expect(leads.get(lead.id)).toMatchObject({ assignedTo: winner.id, offer: null });
        expect(gone.size).toBe(0);
      } else {
        expect(leads.has(lead.id)).toBe(false);
        expect(gone.get(lead.id)).toBe('claimed by Rep ' + String(w));
        // ...and live, so the toast can be withdrawn.
        const message = await t.live[i]?.next((m) => revoked(m, lead.id));
        expect(message?.type === 'lead.revoked' && message.reason).toBe(`claimed by Rep ${w}`);
      }
    }
    const winnerPush = await t.live[w]?.next(
      (m) => assigned(m, lead.id) && m.type === 'lead.assigned' && m.lead.assignedTo !== null,
    );
    expect(winnerPush?.type === 'lead.assigned' && winnerPush.reason).toBe(
      'claimed first of 10 offered reps',
    );
    expect(await eventTypes(t.s, lead.id)).toEqual(['received', 'offered', 'assigned']);

    // The claimer's SLA ladder runs as for a fair assignment: reminded at 60% of 5 minutes.
    expect(await t.s.handle.escalations.runDue(T0 + 3 * 60 * SEC - 1)).toBe(0);
    expect(await t.s.handle.escalations.runDue(T0 + 3 * 60 * SEC)).toBe(1);
    await t.live[w]?.next((m) => m.type === 'lead.alert' && m.kind === 'sla_reminder');

    // Now it is theirs to work.
    const client = new PushClient(t.s.url, winner.token, clock);
    const result = await client.push({
      name: 'logOutcome',
      args: { outcomeId: uuidv7(), leadId: lead.id, disposition: 'no_answer' },
    });
    expect(result.status).toBe('applied');
  });

  it('a rep never offered the lead gets 404 exactly like a lead that does not exist; 401, 403 for other roles', async () => {
    const t = await setup({ reps: 2 });
    const lead = await postOffered(t);
    const stranger = await claim(t.s, t.outsider.token, lead.id);
    const nothing = await claim(t.s, t.outsider.token, uuidv7());
    expect(stranger.status).toBe(404);
    expect(stranger.body).toEqual(nothing.body);
    expect((await http('POST', `${t.s.url}/api/v1/leads/${lead.id}/claim`)).status).toBe(401);
    expect((await claim(t.s, t.teamLead.token, lead.id)).status).toBe(403);
    expect((await claim(t.s, t.s.adminToken, lead.id)).status).toBe(403);
    const badId = await http<{ error: { details: { fields: { field: string }[] } } }>(
      'POST',
      `${t.s.url}/api/v1/leads/${'x'.repeat(65)}/claim`,
      { token: t.outsider.token },
    );
    expect(badId.status).toBe(422);
    expect(badId.body.error.details.fields.map((f) => f.field)).toEqual(['id']);
    // Still on offer to the team, untouched by all of that.
    expect((await leadOf(t.s, lead.id)).offer).not.toBeNull();
  });

  it('a team lead giving an offered lead to a rep withdraws every offer', async () => {
    const t = await setup({ reps: 3 });
    const [a, b, c] = t.reps;
    if (!a || !b || !c) throw new Error('no reps');
    const lead = await postOffered(t);
    const moved = await http('POST', `${t.s.url}/api/v1/leads/${lead.id}/reassign`, {
      token: t.teamLead.token,
      body: { toUserId: b.id },
    });
    expect(moved.status).toBe(200);
    expect(await leadOf(t.s, lead.id)).toMatchObject({ assignedTo: b.id, offer: null });
    for (const i of [0, 2]) await t.live[i]?.next((m) => revoked(m, lead.id));
    const lost = await claim(t.s, a.token, lead.id);
    expect(lost.status).toBe(409);
    expect(lost.body.error.code).toBe('offer_expired');
    expect(viewOf((await pullAll(t.s.url, c.token)).changes).leads.has(lead.id)).toBe(false);
  });
});

describe('claim mode: fallback to fair routing', () => {
  it('an offer nobody claims within routing.claim.fallbackAfterSeconds goes to fair routing, once', async () => {
    const t = await setup({
      reps: 3,
      overrides: { routing: { claim: { fallbackAfterSeconds: 60 } } },
    });
    const lead = await postOffered(t);
    expect(lead.offer?.expiresAt).toBe(new Date(T0 + 60 * SEC).toISOString());
    const cursors = await Promise.all(
      t.reps.map(async (rep) => (await pullAll(t.s.url, rep.token)).cursor),
    );

    expect(await t.s.handle.escalations.runDue(T0 + 59 * SEC)).toBe(0);
    expect((await leadOf(t.s, lead.id)).offer).not.toBeNull();
    now = T0 + 60 * SEC;
    // At its expiry the offer is over, even before the scheduler has run it.
    const late = await claim(t.s, t.reps[0]?.token ?? '', lead.id);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('offer_expired');

    expect(await t.s.handle.escalations.runDue(now)).toBe(1);
    const routed = await leadOf(t.s, lead.id);
    expect(routed.status).toBe('assigned');
    expect(routed.offer).toBeNull();
    const holder = t.reps.findIndex((r) => r.id === routed.assignedTo);
    expect(holder).toBeGreaterThanOrEqual(0);
    expect(await eventTypes(t.s, lead.id)).toEqual([
      'received',
      'offered',
      'offer_expired',
      'assigned',
    ]);
    for (const [i, rep] of t.reps.entries()) {
      const view = viewOf((await pullAll(t.s.url, rep.token, cursors[i])).changes);
      if (i === holder) expect(view.leads.get(lead.id)?.assignedTo).toBe(rep.id);
      else expect(view.revoked.get(lead.id)).toMatch(/^nobody claimed it in time; routed to Rep/);
    }
    // Run again: nothing more (the fallback is marked done by clearing the offer).
    expect(await t.s.handle.escalations.runDue(now + 60 * SEC)).toBe(0);
    const other = t.reps.find((r) => r.id !== routed.assignedTo);
    const tooLate = await claim(t.s, other?.token ?? '', lead.id);
    expect(tooLate.status).toBe(409);
    expect(tooLate.body.error.code).toBe('offer_expired');
  });

  it('offers and claims survive a restart; a fallback due while down runs once at start', async () => {
    // A fresh port for each start: a keep-alive socket to the stopped server is never reused.
    const first = await setup({ reps: 2 });
    const claimed = await postOffered(first);
    const expiring = await postOffered(first);
    const emails = first.reps.map((r) => r.email);
    const dataDir = first.s.dataDir;
    for (const c of sockets.splice(0)) c.close();
    await first.s.stop({ keepData: true });
    server = undefined;

    now = T0 + 30 * SEC;
    server = await startTestServer({}, { clock, dataDir });
    const s = server;
    const tokens = await Promise.all(emails.map((e) => login(s.url, e, PASSWORD)));
    const [tokenA, tokenB] = tokens;
    if (!tokenA || !tokenB) throw new Error('no tokens');
    // The offer is still there, for both, after the restart.
    for (const token of tokens) {
      expect(
        viewOf((await pullAll(s.url, token)).changes).leads.get(claimed.id)?.offer,
      ).not.toBeNull();
    }
    const won = await claim(s, tokenB, claimed.id);
    expect(won.status).toBe(200);
    expect((await claim(s, tokenA, claimed.id)).body.error.code).toBe('already_claimed');

    // Down again past the other offer's expiry: the server runs its fallback once, at start.
    await s.stop({ keepData: true });
    server = undefined;
    now = T0 + 10 * 60 * SEC;
    server = await startTestServer({}, { clock, dataDir });
    const again = server;
    await eventually(async () => (await eventTypes(again, expiring.id)).includes('offer_expired'));
    expect(await again.handle.escalations.runDue(now)).toBe(0);
    const types = await eventTypes(again, expiring.id);
    expect(types.filter((x) => x === 'offer_expired')).toHaveLength(1);
    // With nobody online after the restart, fair routing found no one: the lead waits.
    expect(types.at(-1)).toBe('queued');
    expect((await leadOf(again, expiring.id)).offer).toBeNull();
  });
});
