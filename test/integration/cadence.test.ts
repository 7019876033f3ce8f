import { afterEach, describe, expect, it } from 'vitest';
import type { Lead } from '../../src/shared/lead';
import { uuidv7 } from '../../src/shared/ids';
import type { Playbook } from '../../src/shared/playbook';
import type { Mutation, MutationArgs, PushResponse } from '../../src/shared/sync-protocol';
import { http } from '../helpers/http';
import { serverScope } from '../helpers/server-fixture';
import { hotLead, postLead, type TestServer, type TestUser } from '../helpers/test-server';

/*
 * Cadence on a real server with a controllable clock: every outcome schedules the next step by
 * the configured playbook (retry ladder inside the lead's calling hours, callbacks, the ladder's
 * end), reasons are required where the playbook says so, and the playbook clients work by is
 * served at GET /api/v1/playbook.
 */

// Tuesday 1 December 2026, 15:00 UTC: 10:00 in New York, 16:00 in Berlin.
const T0 = Date.parse('2026-12-01T15:00:00.000Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
let now = T0;
const clock = () => now;

const scope = serverScope();
afterEach(() => {
  now = T0;
});

interface Setup {
  readonly s: TestServer;
  readonly rep: TestUser;
  readonly apiKey: string;
}

async function setup(overrides: Record<string, unknown> = {}): Promise<Setup> {
  mutationId = 0;
  clientId = uuidv7();
  const t = await scope.start({
    config: { routing: { requireOnline: false }, ...overrides },
    clock,
    teams: ['Cadence'],
    users: { cara: { role: 'rep' } },
  });
  return { s: t.s, rep: t.users.cara, apiKey: t.apiKey };
}

/** One client per server: mutation ids start at 1 for each. */
let mutationId = 0;
let clientId = uuidv7();

async function push(
  s: TestServer,
  rep: TestUser,
  args: MutationArgs<'logOutcome'>,
): Promise<PushResponse['results'][number]> {
  const m: Mutation = {
    name: 'logOutcome',
    args,
    clientId,
    mutationId: ++mutationId,
    occurredAt: new Date(now).toISOString(),
  };
  const res = await http<PushResponse>('POST', `${s.url}/api/v1/sync/push`, {
    token: rep.token,
    body: { protocolVersion: 1, clientId, mutations: [m] },
  });
  expect(res.status).toBe(200);
  const result = res.body.results[0];
  if (!result) throw new Error('no result');
  return result;
}

const outcome = (
  leadId: string,
  disposition: MutationArgs<'logOutcome'>['disposition'],
  extra: Partial<MutationArgs<'logOutcome'>> = {},
): MutationArgs<'logOutcome'> => ({ outcomeId: uuidv7(), leadId, disposition, ...extra });

async function leadOf(s: TestServer, id: string): Promise<Lead> {
  const res = await http<{ lead: Lead }>('GET', `${s.url}/api/v1/leads/${id}`, {
    token: s.adminToken,
  });
  return res.body.lead;
}

async function eventsOf(s: TestServer, id: string) {
  const res = await http<{ events: { type: string; data: Record<string, unknown> }[] }>(
    'GET',
    `${s.url}/api/v1/leads/${id}/events`,
    { token: s.adminToken },
  );
  return res.body.events;
}

async function newLead(x: Setup, extra: Record<string, unknown> = {}): Promise<string> {
  const posted = await postLead(x.s, x.apiKey, hotLead(extra));
  expect(posted.body.lead.assignedTo).toBe(x.rep.id);
  return posted.body.lead.id;
}

describe('cadence: every outcome schedules the next step', () => {
  it('no answer climbs the retry ladder; the sixth leaves for nurture as never reached', async () => {
    const x = await setup();
    const id = await newLead(x, { timezone: 'America/New_York' });
    const expected = [10 * MIN, HOUR, 4 * HOUR];
    for (const [i, wait] of expected.entries()) {
      expect((await push(x.s, x.rep, outcome(id, 'no_answer'))).status).toBe('applied');
      const lead = await leadOf(x.s, id);
      expect(lead.status).toBe('working');
      expect(lead.attempts).toBe(i + 1);
      expect(lead.nextAttemptAt).toBe(new Date(now + wait).toISOString());
      now += wait;
    }
    // Attempt 4 at 15:10 New York: the next is the next day at 10:00 their time.
    expect((await push(x.s, x.rep, outcome(id, 'voicemail'))).status).toBe('applied');
    const fourth = await leadOf(x.s, id);
    expect(fourth.nextAttemptAt).toBe('2026-12-02T15:00:00.000Z'); // 10:00 EST
    now = Date.parse('2026-12-02T15:00:00.000Z');
    await push(x.s, x.rep, outcome(id, 'no_answer'));
    expect((await leadOf(x.s, id)).nextAttemptAt).toBe('2026-12-04T15:00:00.000Z');
    now = Date.parse('2026-12-04T15:00:00.000Z');
    await push(x.s, x.rep, outcome(id, 'no_answer'));
    const done = await leadOf(x.s, id);
    expect(done.attempts).toBe(6);
    expect(done.status).toBe('nurture');
    expect(done.closeReason).toBe('unreached');
    expect(done.nextAttemptAt).toBeNull();
    const steps = (await eventsOf(x.s, id))
      .filter((e) => e.type === 'outcome')
      .map((e) => (e.data.next as { kind: string }).kind);
    expect(steps).toEqual(['retry', 'retry', 'retry', 'retry', 'retry', 'ladder_end']);
  });

  it('a retry that falls outside calling hours moves to when they open, lead-local', async () => {
    const x = await setup();
    // 20:55 in New York: +10 min is 21:05, after the 21:00 close; next opening 08:00.
    now = Date.parse('2026-12-02T01:55:00.000Z');
    const id = await newLead(x, { timezone: 'America/New_York' });
    await push(x.s, x.rep, outcome(id, 'no_answer'));
    const lead = await leadOf(x.s, id);
    expect(lead.nextAttemptAt).toBe('2026-12-02T13:00:00.000Z'); // 08:00 EST
    const [event] = (await eventsOf(x.s, id)).filter((e) => e.type === 'outcome');
    expect(event?.data.next).toEqual({
      kind: 'retry',
      at: '2026-12-02T13:00:00.000Z',
      attempt: 2,
      of: 6,
      movedIntoHours: true,
    });
  });

  it('calling hours per country and region come from the configuration', async () => {
    const x = await setup({
      lifecycle: {
        callingHours: { byPlace: { DE: { end: '18:00' }, 'US-CA': { start: '09:30' } } },
      },
    });
    // 17:55 in Berlin: +10 min is past Germany's 18:00 close; the next day 08:00 Berlin.
    now = Date.parse('2026-12-01T16:55:00.000Z');
    const berlin = await newLead(x, { country: 'DE', phone: '+49 30 901820' });
    await push(x.s, x.rep, outcome(berlin, 'no_answer'));
    expect((await leadOf(x.s, berlin)).nextAttemptAt).toBe('2026-12-02T07:00:00.000Z');

    // 09:00 in California: its region opens at 09:30.
    now = Date.parse('2026-12-01T16:50:00.000Z'); // 08:50 PST; +10 min = 09:00
    const ca = await newLead(x, { country: 'US', region: 'CA', timezone: 'America/Los_Angeles' });
    await push(x.s, x.rep, outcome(ca, 'no_answer'));
    expect((await leadOf(x.s, ca)).nextAttemptAt).toBe('2026-12-01T17:30:00.000Z');

    const playbook = await http<Playbook>('GET', `${x.s.url}/api/v1/playbook`, {
      token: x.rep.token,
    });
    expect(playbook.status).toBe(200);
    expect(playbook.body.callingHours.byPlace).toEqual({
      DE: { start: '08:00', end: '18:00', weekends: true },
      'US-CA': { start: '09:30', end: '21:00', weekends: true },
    });
    const anonymous = await http('GET', `${x.s.url}/api/v1/playbook`);
    expect(anonymous.status).toBe(401);
  });

  it('a callback is the next attempt; qualified leaves the queue as won', async () => {
    const x = await setup();
    const id = await newLead(x);
    const at = new Date(now + 3 * HOUR).toISOString();
    await push(x.s, x.rep, outcome(id, 'callback', { callbackAt: at }));
    let lead = await leadOf(x.s, id);
    expect([lead.status, lead.callbackAt, lead.nextAttemptAt]).toEqual(['working', at, at]);
    now += 3 * HOUR;
    await push(x.s, x.rep, outcome(id, 'qualified'));
    lead = await leadOf(x.s, id);
    expect([lead.status, lead.callbackAt, lead.nextAttemptAt]).toEqual(['won', null, null]);
  });

  it('reasons: required ones must be given and known; a refusal writes nothing', async () => {
    const x = await setup();
    const id = await newLead(x);
    const missing = await push(x.s, x.rep, outcome(id, 'not_interested'));
    expect(missing).toMatchObject({
      status: 'rejected',
      error: { code: 'invalid_outcome', message: '"Not interested" needs a reason' },
    });
    const unknown = await push(x.s, x.rep, outcome(id, 'not_sales_ready', { reasonCode: 'nope' }));
    expect(unknown).toMatchObject({ status: 'rejected', error: { code: 'invalid_outcome' } });
    let lead = await leadOf(x.s, id);
    expect([lead.attempts, lead.status]).toEqual([0, 'assigned']);
    expect((await eventsOf(x.s, id)).some((e) => e.type === 'outcome')).toBe(false);

    await push(x.s, x.rep, outcome(id, 'not_sales_ready', { reasonCode: 'no_budget' }));
    lead = await leadOf(x.s, id);
    expect([lead.status, lead.closeReason]).toEqual(['nurture', 'no_budget']);
    const [event] = (await eventsOf(x.s, id)).filter((e) => e.type === 'outcome');
    expect(event?.data).toMatchObject({
      reasonCode: 'no_budget',
      next: { kind: 'nurture', reason: 'no_budget' },
    });
  });

  it('dispositions, reasons and the ladder are configuration', async () => {
    const x = await setup({
      lifecycle: {
        cadence: {
          retryLadder: [{ afterMinutes: 30 }],
          whenLadderEnds: 'closed',
          dispositions: {
            voicemail: { offered: false },
            bad_number: {
              label: 'Wrong number',
              reasonRequired: true,
              reasons: [{ code: 'fax', label: 'A fax line' }],
            },
          },
        },
      },
    });
    const playbook = (
      await http<Playbook>('GET', `${x.s.url}/api/v1/playbook`, { token: x.rep.token })
    ).body;
    expect(playbook.dispositions.map((d) => `${d.shortcut}:${d.key}`)).toEqual([
      '1:no_answer',
      '2:callback',
      '3:qualified',
      '4:meeting_booked',
      '5:not_interested',
      '6:bad_number',
      '7:not_sales_ready',
    ]);
    expect(playbook.retryLadder.steps).toEqual([{ kind: 'after', ms: 30 * MIN }]);

    const id = await newLead(x);
    const refused = await push(x.s, x.rep, outcome(id, 'voicemail'));
    expect(refused).toMatchObject({ error: { code: 'invalid_outcome' } });
    await push(x.s, x.rep, outcome(id, 'no_answer'));
    expect((await leadOf(x.s, id)).nextAttemptAt).toBe(new Date(now + 30 * MIN).toISOString());
    await push(x.s, x.rep, outcome(id, 'no_answer'));
    const lead = await leadOf(x.s, id);
    expect([lead.status, lead.closeReason]).toEqual(['closed', 'unreached']);

    const other = await newLead(x);
    expect(await push(x.s, x.rep, outcome(other, 'bad_number'))).toMatchObject({
      error: { code: 'invalid_outcome', message: '"Wrong number" needs a reason' },
    });
    await push(x.s, x.rep, outcome(other, 'bad_number', { reasonCode: 'fax' }));
    expect((await leadOf(x.s, other)).closeReason).toBe('fax');
  });
});
