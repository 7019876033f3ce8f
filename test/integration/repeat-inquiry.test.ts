import { afterEach, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/shared/ids';
import type { Mutation } from '../../src/shared/sync-protocol';
import { http } from '../helpers/http';
import type { LiveClient } from '../helpers/live-client';
import { pullAll } from '../helpers/sync-client';
import { serverScope } from '../helpers/server-fixture';
import { postLead, type TestServer, type TestUser } from '../helpers/test-server';

/*
 * Repeat inquiries on a real server, with a controllable clock: the same person asking again
 * (same normalised email, or same phone) within the window joins their lead instead of making a
 * new one; its rep is told; a closed lead reopens; concurrent posts never make two leads.
 */

const T0 = Date.parse('2026-12-01T15:00:00.000Z');
const DAY = 24 * 3600_000;
let now = T0;
const clock = () => now;

const scope = serverScope();
afterEach(() => {
  now = T0;
});

interface World {
  readonly s: TestServer;
  readonly rep: TestUser;
  readonly apiKey: string;
  readonly live: LiveClient;
}

async function setup(): Promise<World> {
  const t = await scope.start({
    clock,
    teams: ['Repeat'],
    users: { rex: { role: 'rep', name: 'Rex', live: true } },
  });
  return { s: t.s, rep: t.users.rex, apiKey: t.apiKey, live: t.live.rex };
}

function ada(extra: Record<string, unknown> = {}) {
  return {
    source: 'web_form',
    name: 'Ada Lovelace',
    email: 'ada.lovelace@engines.example',
    company: 'Analytical Engines',
    title: 'VP Research',
    signals: [{ type: 'pricing_page' }],
    ...extra,
  };
}

interface LeadBody {
  lead: { id: string; status: string; inquiries: number; score: number; assignedTo: string | null };
  repeatInquiry?: boolean;
}

async function post(w: World, body: Record<string, unknown>) {
  return http<LeadBody>('POST', `${w.s.url}/api/v1/leads`, { token: w.apiKey, body });
}

async function eventsOf(w: World, leadId: string) {
  const res = await http<{ events: { type: string; data: Record<string, unknown> }[] }>(
    'GET',
    `${w.s.url}/api/v1/leads/${leadId}/events`,
    { token: w.s.adminToken },
  );
  return res.body.events;
}

/** The lead as the admin reads it (intake answers a repeat with the id only). */
async function leadOf(w: World, leadId: string): Promise<LeadBody['lead']> {
  const res = await http<LeadBody>('GET', `${w.s.url}/api/v1/leads/${leadId}`, {
    token: w.s.adminToken,
  });
  return res.body.lead;
}

async function count(w: World): Promise<number> {
  const res = await http<{ leads: unknown[] }>('GET', `${w.s.url}/api/v1/leads?limit=200`, {
    token: w.s.adminToken,
  });
  return res.body.leads.length;
}

describe('repeat inquiries', () => {
  it('the same person asking again joins their lead, raises it, and its rep is told', async () => {
    const w = await setup();
    const first = await post(w, ada());
    expect(first.status).toBe(201);
    const leadId = first.body.lead.id;
    expect(first.body.lead).toMatchObject({ inquiries: 1, assignedTo: w.rep.id });

    now = T0 + 2 * DAY;
    // Another form, the address written differently, a stronger signal, a question.
    const again = await post(
      w,
      ada({
        source: 'pricing_form',
        email: 'Ada.Lovelace+pricing@ENGINES.example',
        signals: [{ type: 'demo_request' }],
        message: 'Can we get a demo for 40 seats?',
      }),
    );
    expect(again.status).toBe(200);
    // The sender learns the lead's id, never its fields (an API key writes, it does not read).
    expect(again.body).toEqual({ lead: { id: leadId }, repeatInquiry: true });
    const joined = await leadOf(w, leadId);
    expect(joined.inquiries).toBe(2);
    expect(joined.score).toBeGreaterThan(first.body.lead.score);
    expect(await count(w)).toBe(1);

    const alert = await w.live.next((m) => m.type === 'lead.alert' && m.kind === 'asked_again');
    expect(alert.type === 'lead.alert' && alert.text).toBe(
      'Ada Lovelace asked again (2nd inquiry, via pricing_form): “Can we get a demo for 40 seats?”',
    );
    const inquiry = (await eventsOf(w, leadId)).find((e) => e.type === 'inquiry');
    expect(inquiry?.data).toMatchObject({
      source: 'pricing_form',
      message: 'Can we get a demo for 40 seats?',
      signals: ['demo_request'],
      inquiry: 2,
      scoreBefore: first.body.lead.score,
    });

    // By phone alone, too: a call-me request, then a form with another address but that number.
    const callMe = await post(w, {
      source: 'call_me',
      name: 'A. Lovelace',
      phone: '+44 20 7183 8750',
    });
    expect(callMe.status).toBe(201);
    const byPhone = await post(w, ada({ phone: '+44 (0)20 7183 8750', email: 'ada@home.example' }));
    expect(byPhone.body).toMatchObject({ repeatInquiry: true, lead: { id: callMe.body.lead.id } });
  });

  it('outside the window it is a new lead', async () => {
    const w = await setup();
    const first = await post(w, ada());
    now = T0 + 31 * DAY;
    const later = await post(w, ada());
    expect(later.status).toBe(201);
    expect(later.body.lead.id).not.toBe(first.body.lead.id);
  });

  it('a closed lead reopens with its rep', async () => {
    const w = await setup();
    const first = await post(w, ada());
    const leadId = first.body.lead.id;
    const clientId = uuidv7();
    const closing: Mutation = {
      clientId,
      mutationId: 1,
      name: 'logOutcome',
      args: { outcomeId: uuidv7(), leadId, disposition: 'not_interested', reasonCode: 'no_need' },
      occurredAt: new Date(now).toISOString(),
    };
    const pushed = await http('POST', `${w.s.url}/api/v1/sync/push`, {
      token: w.rep.token,
      body: { protocolVersion: 1, clientId, mutations: [closing] },
    });
    expect(pushed.status).toBe(200);

    now = T0 + DAY;
    const again = await post(w, ada({ message: 'We changed our mind, call me.' }));
    expect(again.body).toEqual({ lead: { id: leadId }, repeatInquiry: true });
    expect(await leadOf(w, leadId)).toMatchObject({ status: 'working', assignedTo: w.rep.id });
    const inquiry = (await eventsOf(w, leadId)).find((e) => e.type === 'inquiry');
    expect(inquiry?.data['reopenedFrom']).toBe('closed');
    await w.live.next((m) => m.type === 'lead.alert' && m.kind === 'asked_again');
  });

  it('concurrent posts of one person make one lead holding every inquiry; a retry counts once', async () => {
    const w = await setup();
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => post(w, ada({ externalId: `form-${i}` }))),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(new Set(results.map((r) => r.body.lead.id)).size).toBe(1);
    expect(await count(w)).toBe(1);
    const leadId = results[0]?.body.lead.id ?? '';
    const inquiries = () =>
      http<LeadBody>('GET', `${w.s.url}/api/v1/leads/${leadId}`, { token: w.s.adminToken });
    expect((await inquiries()).body.lead.inquiries).toBe(12);

    // The sender retries one of the repeats: nothing more is counted.
    const retry = await post(w, ada({ externalId: 'form-7' }));
    expect(retry.status).toBe(200);
    expect((await inquiries()).body.lead.inquiries).toBe(12);
  });

  it('a nurture lead that asks again with intent is routed', async () => {
    const w = await setup();
    const cold = await postLead(w.s, w.apiKey, {
      source: 'newsletter',
      name: 'Nora Nurture',
      email: 'nora@gmail.com',
      signals: [{ type: 'newsletter' }],
    });
    expect(cold.body.lead.status).toBe('nurture');
    const hot = await post(w, {
      source: 'demo_form',
      name: 'Nora Nurture',
      email: 'n.o.r.a@googlemail.com',
      phone: '+1 312 555 0198',
      company: 'Nurture Inc',
      title: 'CEO',
      signals: [{ type: 'demo_request' }],
    });
    expect(hot.body).toEqual({ repeatInquiry: true, lead: { id: cold.body.lead.id } });
    expect(await leadOf(w, cold.body.lead.id)).toMatchObject({
      status: 'assigned',
      assignedTo: w.rep.id,
    });
    await w.live.next((m) => m.type === 'lead.assigned' && m.lead.id === cold.body.lead.id);
  });

  it('150 repeat inquiries keep the lead bounded: oldest signals and inquiries folded into counts', async () => {
    const w = await setup();
    const types = Array.from({ length: 60 }, (_, i) => (i === 0 ? 'demo_request' : `topic_${i}`));
    const message = 'Please call me back about pricing. '.repeat(30).slice(0, 1000);
    const body = (n: number) =>
      ada({
        externalId: `loop-${n}`,
        message,
        signals: Array.from({ length: 50 }, (_, k) => ({ type: types[(n * 50 + k) % 60] })),
        fields: Object.fromEntries(
          Array.from({ length: 50 }, (_, k) => [`field_${n}_${k}`, 'v'.repeat(100)]),
        ),
      });
    const first = await post(w, body(0));
    expect(first.status).toBe(201);
    const leadId = first.body.lead.id;
    for (let n = 1; n <= 150; n++) {
      now += 60_000;
      const res = await post(w, body(n));
      expect(res.status).toBe(200);
    }

    const { changes } = await pullAll(w.s.url, w.rep.token);
    const change = changes.find((c) => c.type === 'lead' && c.lead.id === leadId);
    if (change?.type !== 'lead') throw new Error('the lead is not in the pull');
    // 7,550 signals, 7,550 fields and 150 inquiry events were sent; what the rep gets is bounded.
    expect(JSON.stringify(change).length).toBeLessThan(64 * 1024);
    const lead = change.lead as unknown as {
      inquiries: number;
      signals: { type: string; at: string }[];
      fields: Record<string, string>;
    };
    expect(lead.inquiries).toBe(151);
    expect(lead.signals.length).toBeLessThanOrEqual(50);
    expect(Object.keys(lead.fields).length).toBe(50);
    // The freshest kept, no more of a type than scoring reads; the score never drops for it.
    const perType = new Map<string, number>();
    for (const sg of lead.signals) perType.set(sg.type, (perType.get(sg.type) ?? 0) + 1);
    expect(Math.max(...perType.values())).toBeLessThanOrEqual(3);
    expect(lead.signals.every((sg) => sg.at === new Date(now).toISOString())).toBe(true);
    expect((change.lead as unknown as { score: number }).score).toBeGreaterThanOrEqual(
      first.body.lead.score,
    );

    const timeline = change.timeline as { type: string; data: Record<string, unknown> }[];
    const inquiries = timeline.filter((e) => e.type === 'inquiry');
    expect(inquiries).toHaveLength(20);
    expect(inquiries.map((e) => e.data['inquiry'])).toEqual(
      Array.from({ length: 20 }, (_, i) => 132 + i),
    );
    const folds = timeline.filter((e) => e.type === 'inquiries_folded');
    expect(folds).toHaveLength(1);
    expect(folds[0]?.data).toMatchObject({ inquiries: 130 });
    // Every signal sent is either kept or counted as folded.
    const folded = [folds[0]?.data, ...inquiries.map((e) => e.data)].reduce(
      (sum, d) => sum + (typeof d?.['signalsFolded'] === 'number' ? d['signalsFolded'] : 0),
      0,
    );
    expect(folded + lead.signals.length).toBe(151 * 50);
    // The fold sits where the folded inquiries were: right after the lead's own first events.
    expect(timeline.findIndex((e) => e.type === 'inquiries_folded')).toBeLessThan(
      timeline.findIndex((e) => e.type === 'inquiry'),
    );
  });
});
