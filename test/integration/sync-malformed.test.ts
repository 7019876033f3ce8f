import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/shared/ids';
import { SYNC_PROTOCOL_HEADER } from '../../src/shared/sync-protocol';
import { dbSnapshot } from '../helpers/db-snapshot';
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
  // Hostile inputs (issue 12): type confusion, prototype keys, numbers, dates, ids.
  [
    '__proto__ key on a mutation',
    body([JSON.parse(`{"__proto__":{"name":"deleteLead"},"clientId":"${clientId}"}`)]),
    400,
    null,
  ],
  ['a null mutation', body([null]), 422, 'mutations.0'],
  ['a mutation as an array', body([[good()]]), 422, 'mutations.0'],
  ['name as an array', body([{ ...good(), name: ['logOutcome'] }]), 422, 'mutations.0.name'],
  ['args as an array', body([{ ...good(), args: [] }]), 422, 'mutations.0.args'],
  ['args null', body([{ ...good(), args: null }]), 422, 'mutations.0.args'],
  ['mutationId -1', body([{ ...good(), mutationId: -1 }]), 422, 'mutations.0.mutationId'],
  ['mutationId "NaN"', body([{ ...good(), mutationId: 'NaN' }]), 422, 'mutations.0.mutationId'],
  ['mutationId 2^53', body([{ ...good(), mutationId: 2 ** 53 }]), 422, 'mutations.0.mutationId'],
  ['mutationId 1e308', body([{ ...good(), mutationId: 1e308 }]), 422, 'mutations.0.mutationId'],
  ['mutationId far ahead (a gap)', body([{ ...good(), mutationId: 2 ** 52 }]), 409, null],
  [
    'occurredAt in year 10000',
    body([{ ...good(), occurredAt: '+010000-01-01T00:00:00Z' }]),
    422,
    'mutations.0.occurredAt',
  ],
  [
    'occurredAt at +99:00',
    body([{ ...good(), occurredAt: '2026-11-20T10:00:00+99:00' }]),
    422,
    'mutations.0.occurredAt',
  ],
  [
    'occurredAt as epoch ms',
    body([{ ...good(), occurredAt: 1763632800000 }]),
    422,
    'mutations.0.occurredAt',
  ],
  [
    'occurredAt without a time zone',
    body([{ ...good(), occurredAt: '2026-11-20T10:00:00' }]),
    422,
    'mutations.0.occurredAt',
  ],
  [
    'leadId an SQL injection',
    body([{ ...good(), args: { ...good().args, leadId: "' OR 1=1 --" } }]),
    422,
    'mutations.0.args.leadId',
  ],
  [
    'leadId ../../etc/passwd',
    body([{ ...good(), args: { ...good().args, leadId: '../../etc/passwd' } }]),
    422,
    'mutations.0.args.leadId',
  ],
  [
    'leadId in capitals',
    body([{ ...good(), args: { ...good().args, leadId: someLead.toUpperCase() } }]),
    422,
    'mutations.0.args.leadId',
  ],
  [
    'leadId as an object',
    body([{ ...good(), args: { ...good().args, leadId: { $ne: null } } }]),
    422,
    'mutations.0.args.leadId',
  ],
  [
    'a reason code DROP TABLE',
    body([{ ...good(), args: { ...good().args, reasonCode: 'DROP TABLE leads' } }]),
    422,
    'mutations.0.args.reasonCode',
  ],
  [
    'a callback "tomorrow"',
    body([
      {
        ...good(),
        name: 'scheduleCallback',
        args: { callbackId: uuidv7(), leadId: someLead, at: 'tomorrow' },
      },
    ]),
    422,
    'mutations.0.args.at',
  ],
  [
    'a callback on 30 February',
    body([
      {
        ...good(),
        name: 'scheduleCallback',
        args: { callbackId: uuidv7(), leadId: someLead, at: '2026-02-30T10:00:00Z' },
      },
    ]),
    422,
    'mutations.0.args.at',
  ],
  [
    'a note of 5,001 characters',
    body([
      {
        ...good(),
        name: 'addNote',
        args: { noteId: uuidv7(), leadId: someLead, text: 'x'.repeat(5001) },
      },
    ]),
    422,
    'mutations.0.args.text',
  ],
  ['clientId in capitals', body([good()], { clientId: clientId.toUpperCase() }), 422, 'clientId'],
  ['protocol version "1" as a string', body([good()], { protocolVersion: '1' }), 426, null],
  ['protocol version 1.5', body([good()], { protocolVersion: 1.5 }), 426, null],
  ['protocol version missing', { clientId, mutations: [good()] }, 426, null],
  ['protocol version 2', body([good()], { protocolVersion: 2 }), 426, null],
  ['a JSON array', [good()], 426, null],
];

describe('malformed sync pushes', () => {
  it(`has a table of at least 45 cases (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(45);
  });

  it.each(cases)('%s', async (_name, payload, status, field) => {
    const before = dbSnapshot(s.dataDir);
    const res = await http<{ error: { code: string; details?: { fields?: { field: string }[] } } }>(
      'POST',
      `${s.url}/api/v1/sync/push`,
      { token: rep.token, body: payload },
    );
    expect(res.status).toBe(status);
    if (field !== null) {
      expect(res.body.error.details?.fields?.map((f) => f.field)).toContain(field);
    }
    expect(res.body.error.code).toEqual(expect.any(String));
    expect(dbSnapshot(s.dataDir)).toEqual(before);
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
