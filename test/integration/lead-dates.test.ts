import Database from 'better-sqlite3';
import { createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientCore, signIn } from '../../src/main/client/client-core';
import type { ClientEvent } from '../../src/shared/client-api';
import { SENT_RECEIVED_AT_FIELD } from '../../src/shared/lead';
import { EventLog } from '../helpers/event-log';
import { http } from '../helpers/http';
import { RecordingNotifier } from '../helpers/recording-notifier';
import {
  createApiKey,
  createTeam,
  createUser,
  hotLead,
  PASSWORD,
  postLead,
  startTestServer,
  type TestServer,
} from '../helpers/test-server';

/*
 * Issue 12, item 1: a lead dated before 1970 stopped a rep's app from syncing. The server wrote
 * `1970-01-01T00:00:00.-01Z` into the sync JSON and the app refused the whole pull page, and
 * every page after it. Now intake bounds every date, the wire writer is right for any date, and
 * the app skips (and reports) one change it cannot read instead of the page.
 */

const T0 = Date.parse('2026-05-04T09:00:00.000Z');
const HOUR = 3600_000;

let server: TestServer | undefined;
const cores: ClientCore[] = [];
afterEach(async () => {
  for (const c of cores.splice(0)) await c.close();
  await server?.stop();
  server = undefined;
});

interface ErrorBody {
  error: { code: string; details?: { fields?: { field: string; message: string }[] } };
}

async function leadCount(s: TestServer): Promise<number> {
  const res = await http<{ leads: unknown[] }>('GET', `${s.url}/api/v1/leads?limit=200`, {
    token: s.adminToken,
  });
  return res.body.leads.length;
}

describe('intake bounds every date to 2000-01-01 .. now', () => {
  it('POST /api/v1/leads: a date before 2000 or in the future is a 422 naming the field, and writes nothing', async () => {
    let now = T0;
    server = await startTestServer({}, { clock: () => now });
    const s = server;
    const apiKey = await createApiKey(s);
    const cases: [Record<string, unknown>, string, string][] = [
      [{ receivedAt: '1969-12-31T23:59:59.999Z' }, 'receivedAt', 'is before 2000-01-01'],
      [{ receivedAt: '1900-01-01T00:00:00Z' }, 'receivedAt', 'is before 2000-01-01'],
      [
        { signals: [{ type: 'demo_request', at: '1970-01-01T00:00:00Z' }] },
        'signals.0.at',
        'is before 2000-01-01',
      ],
      [{ receivedAt: new Date(T0 + HOUR).toISOString() }, 'receivedAt', 'is in the future'],
    ];
    for (const [extra, field, message] of cases) {
      const res = await postLead(s, apiKey, hotLead(extra));
      expect(res.status).toBe(422);
      const body = res.body as unknown as ErrorBody;
      expect(body.error.code).toBe('validation_failed');
      expect(body.error.details?.fields).toContainEqual({ field, message });
    }
    expect(await leadCount(s)).toBe(0);

    // The bound is the clock at each request, not when the schema was built: an hour on, the
    // same date is no longer in the future.
    now = T0 + 2 * HOUR;
    const later = await postLead(
      s,
      apiKey,
      hotLead({ receivedAt: new Date(T0 + HOUR).toISOString() }),
    );
    expect(later.status).toBe(201);
    const ok = await postLead(s, apiKey, hotLead({ receivedAt: '2000-01-01T00:00:00.000Z' }));
    expect(ok.status).toBe(201);
  });

  it('a lead source (webhook) dated 1900-01-01 is taken with the receive time, the sent date kept as a field', async () => {
    const now = T0;
    server = await startTestServer({}, { clock: () => now });
    const s = server;
    const created = await http<{ source: { id: string; webhookPath: string }; secret: string }>(
      'POST',
      `${s.url}/api/v1/sources`,
      { token: s.adminToken, body: { kind: 'webhook', name: 'Old CRM' } },
    );
    expect(created.status).toBe(201);
    const raw = JSON.stringify(
      hotLead({
        receivedAt: '1900-01-01T00:00:00Z',
        signals: [{ type: 'demo_request', at: '1969-07-20T20:17:00Z' }],
      }),
    );
    const signature = `sha256=${createHmac('sha256', created.body.secret).update(raw).digest('hex')}`;
    const res = await http<{ delivery: { leadId: string } }>(
      'POST',
      `${s.url}${created.body.source.webhookPath}`,
      {
        rawBody: raw,
        headers: { 'content-type': 'application/json', 'pounce-signature': signature },
      },
    );
    expect(res.status).toBe(201);
    const lead = await http<{
      lead: { receivedAt: string; signals: { at: string }[]; fields: Record<string, string> };
    }>('GET', `${s.url}/api/v1/leads/${res.body.delivery.leadId}`, { token: s.adminToken });
    expect(lead.body.lead.receivedAt).toBe(new Date(T0).toISOString());
    expect(lead.body.lead.signals.map((x) => x.at)).toEqual([new Date(T0).toISOString()]);
    expect(lead.body.lead.fields[SENT_RECEIVED_AT_FIELD]).toBe('1900-01-01T00:00:00Z');
  });
});

describe('a change the app cannot read is skipped, not the page', () => {
  it('leads stored with a pre-1970 and an unwritable date: the first syncs right, the second is skipped and reported, the rest of the page applies', async () => {
    server = await startTestServer({ routing: { requireOnline: false } });
    const s = server;
    const team = await createTeam(s, 'Dates');
    const rep = await createUser(s, { email: 'dora@dates.test', role: 'rep', teamId: team });
    const apiKey = await createApiKey(s);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const posted = await postLead(s, apiKey, hotLead({ name: `Dated ${i}` }));
      expect(posted.body.lead.assignedTo).toBe(rep.id);
      ids.push(posted.body.lead.id);
    }
    const [before1970, unwritable, ...rest] = ids;
    if (!before1970 || !unwritable) throw new Error('no leads');
    // Rows intake now refuses, as a database written before this fix (or by hand) may hold them.
    const db = new Database(join(s.dataDir, 'pounce.db'));
    db.prepare('update leads set received_at = ? where id = ?').run(-1, before1970);
    // Year 11,476: past what SQLite writes as a date, so the sync JSON holds `null` there.
    db.prepare('update leads set received_at = ? where id = ?').run(
      300_000_000_000_000,
      unwritable,
    );
    db.close();

    const log = new EventLog<ClientEvent>();
    const session = await signIn(s.url, rep.email, PASSWORD);
    const core = await ClientCore.open({
      dataDir: mkdtempSync(join(tmpdir(), 'pounce-dates-')),
      serverUrl: s.url,
      session,
      notifier: new RecordingNotifier(),
      engine: { backoff: { baseMs: 50, capMs: 500 }, requestTimeoutMs: 3000 },
    });
    cores.push(core);
    core.on(log.listener);
    await log.next((e) => e.type === 'synced');

    const skipped = await log.next((e) => e.type === 'change.skipped');
    expect(skipped).toMatchObject({ type: 'change.skipped', leadId: unwritable });
    expect(log.events.some((e) => e.type === 'stopped')).toBe(false);
    const local = (await core.db.selectFrom('leads').select('id').execute()).map((r) => r.id);
    expect(local.sort()).toEqual([before1970, ...rest].sort());
    expect((await core.getLead(before1970))?.lead.receivedAt).toBe('1969-12-31T23:59:59.999Z');
    const status = await core.getStatus();
    expect(status).toMatchObject({ stopped: null, skipped: 1 });

    // The cursor moved past it: a new lead still arrives, and later pulls do not meet the
    // unreadable change again.
    const next = await postLead(s, apiKey, hotLead({ name: 'After' }));
    await log.next((e) => e.type === 'lead.assigned' && e.lead.id === next.body.lead.id);
    const mark = log.events.length;
    core.syncNow();
    await log.next((e) => e.type === 'synced' && log.events.indexOf(e) >= mark);
    expect((await core.getLead(next.body.lead.id))?.lead.name).toBe('After');
    expect(log.events.filter((e) => e.type === 'change.skipped')).toHaveLength(1);
    expect(await core.getStatus()).toMatchObject({ stopped: null, skipped: 1 });
  });
});
