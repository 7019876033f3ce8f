import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/shared/ids';
import { SYNC_PROTOCOL_HEADER } from '../../src/shared/sync-protocol';
import { http } from '../helpers/http';
import { LiveClient } from '../helpers/live-client';
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

/* Malformed sync requests: each gets a 4xx naming what is wrong, and nothing is written. */

let s: TestServer;
let rep: TestUser;
let leadId: string;
const clientId = uuidv7();

beforeAll(async () => {
  s = await startTestServer();
  const team = await createTeam(s, 'Malformed sync');
  rep = await createUser(s, { email: 'rep@malformed-sync.test', role: 'rep', teamId: team });
  const live = await LiveClient.connect(s.url, rep.token);
  leadId = (await postLead(s, await createApiKey(s), hotLead())).body.lead.id;
  live.close();
});
afterAll(() => s.stop());

const at = '2026-11-20T10:00:00.000Z';
/** Cases are built before the lead exists; any well-formed id reaches the later checks. */
const someLead = uuidv7();
const good = () => ({
  clientId,
  mutationId: 1,
  name: 'logOutcome',
  args: { outcomeId: uuidv7(), leadId: someLead, disposition: 'no_answer' },
  occurredAt: at,
});
const body = (mutations: unknown[], extra: Record<string, unknown> = {}) => ({
  protocolVersion: 1,
  clientId,
  mutations,
  ...extra,
});

const cases: [string, unknown, number, string | null][] = [
  ['no mutations', body([]), 422, 'mutations'],
  ['mutations not an array', { ...body([]), mutations: 'x' }, 422, 'mutations'],
  ['missing clientId', { protocolVersion: 1, mutations: [good()] }, 422, 'clientId'],
  ['clientId not a UUID', body([good()], { clientId: 'laptop' }), 422, 'clientId'],
  [
    'mutation for another clientId',
    body([{ ...good(), clientId: uuidv7() }]),
    422,
    'mutations.0.clientId',
  ],
  ['unknown mutation name', body([{ ...good(), name: 'deleteLead' }]), 422, 'mutations.0.name'],
  ['mutationId 0', body([{ ...good(), mutationId: 0 }]), 422, 'mutations.0.mutationId'],
  ['mutationId fractional', body([{ ...good(), mutationId: 1.5 }]), 422, 'mutations.0.mutationId'],
  ['mutationId as string', body([{ ...good(), mutationId: '1' }]), 422, 'mutations.0.mutationId'],
  [
    'ids not consecutive',
    body([good(), { ...good(), mutationId: 3 }]),
    422,
    'mutations.1.mutationId',
  ],
  [
    'occurredAt not a date',
    body([{ ...good(), occurredAt: 'now' }]),
    422,
    'mutations.0.occurredAt',
  ],
  [
    'unknown disposition',
    body([{ ...good(), args: { ...good().args, disposition: 'maybe' } }]),
    422,
    'mutations.0.args.disposition',
  ],
  [
    'outcomeId not a UUID',
    body([{ ...good(), args: { ...good().args, outcomeId: '1' } }]),
    422,
    'mutations.0.args.outcomeId',
  ],
  [
    'extra arg',
    body([{ ...good(), args: { ...good().args, status: 'won' } }]),
    422,
    'mutations.0.args.status',
  ],
  [
    'note too long',
    body([{ ...good(), args: { ...good().args, note: 'x'.repeat(2001) } }]),
    422,
    'mutations.0.args.note',
  ],
  [
    'empty note text',
    body([
      { ...good(), name: 'addNote', args: { noteId: uuidv7(), leadId: someLead, text: '   ' } },
    ]),
    422,
    'mutations.0.args.text',
  ],
  [
    'callback without a time',
    body([
      { ...good(), name: 'scheduleCallback', args: { callbackId: uuidv7(), leadId: someLead } },
    ]),
    422,
    'mutations.0.args.at',
  ],
  [
    'receiving not a boolean',
    body([{ ...good(), name: 'setReceivingLeads', args: { receiving: 'yes' } }]),
    422,
    'mutations.0.args.receiving',
  ],
  ['extra top-level field', body([good()], { force: true }), 422, 'force'],
  [
    'too many mutations',
    body(Array.from({ length: 101 }, (_, i) => ({ ...good(), mutationId: i + 1 }))),
    422,
    'mutations',
  ],
  ['protocol version missing', { clientId, mutations: [good()] }, 426, null],
  ['protocol version 2', body([good()], { protocolVersion: 2 }), 426, null],
  ['a JSON array', [good()], 426, null],
];

describe('malformed sync pushes', () => {
  it.each(cases)('%s', async (_name, payload, status, field) => {
    const res = await http<{ error: { code: string; details?: { fields?: { field: string }[] } } }>(
      'POST',
      `${s.url}/api/v1/sync/push`,
      { token: rep.token, body: payload },
    );
    expect(res.status).toBe(status);
    if (field !== null) {
      expect(res.body.error.details?.fields?.map((f) => f.field)).toContain(field);
    }
  });

  it('not JSON -> 400, and a pull with a bad limit -> 422', async () => {
    const raw = await http('POST', `${s.url}/api/v1/sync/push`, {
      token: rep.token,
      rawBody: '{"protocolVersion":1,',
      headers: { 'content-type': 'application/json' },
    });
    expect(raw.status).toBe(400);
    const pull = await http<{ error: { details: { fields: { field: string }[] } } }>(
      'GET',
      `${s.url}/api/v1/sync/pull?limit=0`,
      { token: rep.token, headers: { [SYNC_PROTOCOL_HEADER]: '1' } },
    );
    expect(pull.status).toBe(422);
    expect(pull.body.error.details.fields.map((f) => f.field)).toContain('limit');
  });

  it('wrote nothing, and the server is still healthy', async () => {
    const db = new Database(join(s.dataDir, 'pounce.db'), { readonly: true });
    const count = (table: string) =>
      (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
    expect(count('sync_clients')).toBe(0);
    expect(count('sync_mutations')).toBe(0);
    expect(count('outcomes')).toBe(0);
    const lead = db.prepare('select status, attempts from leads where id = ?').get(leadId);
    db.close();
    expect(lead).toEqual({ status: 'assigned', attempts: 0 });
    expect((await http('GET', `${s.url}/healthz`)).status).toBe(200);
  });
});
