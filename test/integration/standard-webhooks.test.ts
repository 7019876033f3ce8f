import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, type JsonResponse } from '../helpers/http';
import {
  createTeam,
  createUser,
  hotLead,
  startTestServer,
  type TestServer,
} from '../helpers/test-server';

/*
 * The generic webhook signed the Standard Webhooks way, by the `standardwebhooks` package as a
 * real sender signs, against a real server whose clock the test holds. The message id and the
 * time are signed with the body: a captured delivery sent again (with a new Idempotency-Key,
 * which is not signed) is a duplicate and writes nothing, and after 5 minutes it is refused.
 */

const T0 = Date.parse('2026-12-01T15:00:00.000Z');
let now = T0;

interface Created {
  source: { id: string; name: string; webhookPath: string };
  secret: string;
  signingSecret?: string;
}
interface DeliveryAnswer {
  delivery: { id: string; status: string; leadId: string | null; replay?: boolean };
}
interface ErrorAnswer {
  error: { code: string; message: string };
}

let s: TestServer;
let site: Created;
let sender: Webhook;

beforeAll(async () => {
  // Repeat inquiries stay on (the default): a replay must not become one either.
  s = await startTestServer({}, { clock: () => now });
  const teamId = await createTeam(s, 'Inbound');
  await createUser(s, { email: 'rep@standard.test', role: 'rep', teamId });
  const res = await http<Created>('POST', `${s.url}/api/v1/sources`, {
    token: s.adminToken,
    body: { kind: 'webhook', name: 'Website', mapping: { requireSignature: true } },
  });
  expect(res.status).toBe(201);
  site = res.body;
  // As documented for senders: whsec_ and the base64 of the secret (the server shows it too).
  sender = new Webhook(`whsec_${Buffer.from(site.secret, 'utf8').toString('base64')}`);
});
afterAll(async () => {
  await s.stop();
});

/** Headers a Standard Webhooks sender puts on a message signed at `at` (ms). */
function signed(id: string, at: number, body: string, by: Webhook = sender) {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at / 1000)),
    'webhook-signature': by.sign(id, new Date(at), body),
  };
}

function deliver<T = DeliveryAnswer>(
  body: string,
  headers: Record<string, string>,
): Promise<JsonResponse<T>> {
  return http<T>('POST', `${s.url}${site.source.webhookPath}`, {
    rawBody: body,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

async function deliveryCount(): Promise<number> {
  const res = await http<{ deliveries: unknown[] }>(
    'GET',
    `${s.url}/api/v1/sources/${site.source.id}/deliveries?limit=200`,
    { token: s.adminToken },
  );
  return res.body.deliveries.length;
}

async function leadCount(): Promise<number> {
  const res = await http<{ leads: { source: string }[] }>(
    'GET',
    `${s.url}/api/v1/leads?limit=200`,
    { token: s.adminToken },
  );
  return res.body.leads.filter((l) => l.source === site.source.name).length;
}

let messages = 0;
const nextId = () => `msg_${T0.toString(36)}_${++messages}`;
const leadBody = () => JSON.stringify({ ...hotLead(), externalId: undefined });

describe('Standard Webhooks on the generic webhook', () => {
  it('the signing secret is the source secret in whsec_ form; a signed delivery is taken in', async () => {
    expect(site.signingSecret).toBe(`whsec_${Buffer.from(site.secret, 'utf8').toString('base64')}`);
    const body = leadBody();
    const res = await deliver(body, signed(nextId(), now, body));
    expect(res.status).toBe(201);
    expect(res.body.delivery).toMatchObject({ status: 'accepted' });
    expect(res.body.delivery.leadId).toEqual(expect.any(String));
  });

  it('a captured delivery replayed with a new Idempotency-Key is a duplicate and writes nothing', async () => {
    const body = leadBody();
    const captured = signed(nextId(), now, body);
    const first = await deliver(body, captured);
    expect(first.status).toBe(201);
    const records = await deliveryCount();
    const leads = await leadCount();

    const replays = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        deliver(body, { ...captured, 'idempotency-key': `replay-${i}` }),
      ),
    );
    for (const replay of replays) {
      expect(replay.status).toBe(200);
      expect(replay.body.delivery).toEqual({
        id: first.body.delivery.id,
        status: 'duplicate',
        leadId: first.body.delivery.leadId,
        replay: true,
      });
    }
    expect(await deliveryCount()).toBe(records);
    expect(await leadCount()).toBe(leads);
    // No repeat inquiry either: the lead was asked about once.
    const lead = await http<{ lead: { inquiries: number } }>(
      'GET',
      `${s.url}/api/v1/leads/${first.body.delivery.leadId ?? ''}`,
      { token: s.adminToken },
    );
    expect(lead.body.lead.inquiries).toBe(1);
  });

  it('a timestamp over 5 minutes old or ahead is refused, and so is a capture sent later', async () => {
    const body = leadBody();
    const stale = await deliver<ErrorAnswer>(body, signed(nextId(), now - 301_000, body));
    expect(stale.status).toBe(401);
    expect(stale.body.error.message).toMatch(/webhook-timestamp is 301 s old/);
    const ahead = await deliver<ErrorAnswer>(body, signed(nextId(), now + 301_000, body));
    expect(ahead.status).toBe(401);
    expect(ahead.body.error.message).toMatch(/webhook-timestamp is 301 s in the future/);

    // Within the tolerance, at its edge: taken in.
    const edge = await deliver(body, signed(nextId(), now - 300_000, body));
    expect(edge.status).toBe(201);

    // A delivery captured now and sent again six minutes later, under a new id it cannot sign.
    const other = leadBody();
    const captured = signed(nextId(), now, other);
    now += 6 * 60_000;
    try {
      const leads = await leadCount();
      const late = await deliver<ErrorAnswer>(other, captured);
      expect(late.status).toBe(401);
      const renamed = await deliver<ErrorAnswer>(other, { ...captured, 'webhook-id': nextId() });
      expect(renamed.status).toBe(401);
      expect(await leadCount()).toBe(leads);
    } finally {
      now = T0;
    }
  });

  it('a bad signature is refused: another key, a changed body or id, malformed or missing', async () => {
    const body = leadBody();
    const id = nextId();
    const good = signed(id, now, body);
    const stranger = new Webhook(`whsec_${Buffer.from('not the secret').toString('base64')}`);
    const leads = await leadCount();
    const attempts: Record<string, string>[] = [
      signed(id, now, body, stranger),
      { ...good, 'webhook-id': nextId() },
      { ...good, 'webhook-timestamp': String(Math.floor(now / 1000) - 1) },
      { ...good, 'webhook-signature': 'v1,AAAA' },
      { ...good, 'webhook-signature': good['webhook-signature'].replace('v1,', 'v2,') },
      { 'webhook-id': id, 'webhook-timestamp': good['webhook-timestamp'] },
    ];
    const answers = [];
    for (const headers of attempts) answers.push(await deliver<ErrorAnswer>(body, headers));
    answers.push(await deliver<ErrorAnswer>(body.replace('Acme Corp', 'Evil Corp'), good));
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.body.error.code).toBe('unauthorized');
    }
    expect(await leadCount()).toBe(leads);

    // Several signatures (a sender rotating its key): one that holds is enough.
    const rotating = {
      ...good,
      'webhook-signature': `${signed(id, now, body, stranger)['webhook-signature']} ${good['webhook-signature']}`,
    };
    expect((await deliver(body, rotating)).status).toBe(201);
  });

  it('older senders keep Pounce-Signature (HMAC of the body alone)', async () => {
    const body = leadBody();
    const digest = createHmac('sha256', site.secret).update(body).digest('hex');
    const res = await deliver(body, { 'pounce-signature': `sha256=${digest}` });
    expect(res.status).toBe(201);
  });
});
