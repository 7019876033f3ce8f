import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/shared/ids';
import type { TimelineEntry } from '../../src/shared/sync-protocol';
import { http } from '../helpers/http';
import { PushClient, pullAll } from '../helpers/sync-client';
import {
  createApiKey,
  createTeam,
  createUser,
  hotLead,
  postLead,
  startTestServer,
  type TestServer,
} from '../helpers/test-server';

/*
 * Ids take the current time only, and nothing ordered "by time" is ordered by id (issue 12,
 * item 4). A callback or an SLA step stamped its id with its due time, which moved the
 * process-wide id clock forward: every later id read that future time, and lists ordered by id
 * came out wrong (and changed order again after a restart).
 */

const DAY = 24 * 3600_000;

/** The Unix milliseconds a UUID v7 carries in its first 48 bits. */
function idMs(id: string): number {
  return parseInt(id.replace(/-/g, '').slice(0, 12), 16);
}

let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('ids take the current time only', () => {
  it('a callback 300 days ahead does not make the next lead, event or deadline id read a future time', async () => {
    // The server's real clock: ids and the wall clock are what is compared here.
    server = await startTestServer({ routing: { requireOnline: false } });
    const s = server;
    const team = await createTeam(s, 'Ids');
    const rep = await createUser(s, { email: 'ida@ids.test', role: 'rep', teamId: team });
    const apiKey = await createApiKey(s);
    const first = await postLead(s, apiKey, hotLead());
    expect(first.body.lead.assignedTo).toBe(rep.id);

    const client = new PushClient(s.url, rep.token, Date.now);
    const callbackAt = new Date(Date.now() + 300 * DAY).toISOString();
    const result = await client.push({
      name: 'logOutcome',
      args: {
        outcomeId: uuidv7(),
        leadId: first.body.lead.id,
        disposition: 'callback',
        callbackAt,
      },
    });
    expect(result.status).toBe('applied');

    const next = await postLead(s, apiKey, hotLead());
    expect(next.status).toBe(201);
    const events = await http<{ events: TimelineEntry[] }>(
      'GET',
      `${s.url}/api/v1/leads/${next.body.lead.id}/events`,
      { token: s.adminToken },
    );
    const db = new Database(join(s.dataDir, 'pounce.db'), { readonly: true });
    const deadlines = db
      .prepare('select id, due_at from lead_deadlines where lead_id = ?')
      .all(first.body.lead.id) as { id: string; due_at: number }[];
    db.close();
    // Read after every id above was made: none may be later than this.
    const now = Date.now();

    expect(deadlines.some((d) => d.due_at === Date.parse(callbackAt))).toBe(true);
    for (const d of deadlines) expect(idMs(d.id)).toBeLessThanOrEqual(now);
    expect(idMs(next.body.lead.id)).toBeLessThanOrEqual(now);
    expect(events.body.events.length).toBeGreaterThan(0);
    for (const e of events.body.events) expect(idMs(e.id)).toBeLessThanOrEqual(now);
    expect(idMs(uuidv7())).toBeLessThanOrEqual(Date.now());
  });
});

describe('lists by time are ordered by their time column, the id breaking ties', () => {
  it('a timeline whose event ids and times disagree comes out in time order (events API and pull)', async () => {
    server = await startTestServer({ routing: { requireOnline: false } });
    const s = server;
    const team = await createTeam(s, 'Timeline');
    const rep = await createUser(s, { email: 'tim@timeline.test', role: 'rep', teamId: team });
    const apiKey = await createApiKey(s);
    const posted = await postLead(s, apiKey, hotLead());
    const leadId = posted.body.lead.id;
    const db = new Database(join(s.dataDir, 'pounce.db'));
    const received = (
      db.prepare('select received_at from leads where id = ?').get(leadId) as {
        received_at: number;
      }
    ).received_at;
    // The smallest id carries the latest time, the largest id the earliest.
    const insert = db.prepare(
      "insert into lead_events (id, lead_id, type, at, actor_id, data) values (?, ?, 'note', ?, null, ?)",
    );
    insert.run('00000000-0000-7000-8000-000000000001', leadId, received + DAY, '{"text":"late"}');
    insert.run('ffffffff-ffff-7fff-bfff-ffffffffffff', leadId, received - DAY, '{"text":"early"}');
    db.close();

    const inTimeOrder = (timeline: readonly TimelineEntry[]) => {
      const times = timeline.map((e) => Date.parse(e.at));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      const notes = timeline.filter((e) => e.type === 'note').map((e) => e.data.text);
      expect(notes).toEqual(['early', 'late']);
    };
    const events = await http<{ events: TimelineEntry[] }>(
      'GET',
      `${s.url}/api/v1/leads/${leadId}/events`,
      { token: s.adminToken },
    );
    inTimeOrder(events.body.events);
    const pulled = await pullAll(s.url, rep.token);
    const change = pulled.changes.find((c) => c.type === 'lead' && c.lead.id === leadId);
    if (change?.type !== 'lead') throw new Error('the lead was not pulled');
    inTimeOrder(change.timeline as TimelineEntry[]);
  });

  it('leads newest first by when they were made, paged with the cursor, whatever their ids say', async () => {
    const T0 = Date.parse('2026-03-02T10:00:00.000Z');
    let now = T0 + 3600_000;
    server = await startTestServer({ routing: { requireOnline: false } }, { clock: () => now });
    const s = server;
    const apiKey = await createApiKey(s);
    // Made first, an hour later by the server's clock; the clock then steps back an hour.
    const later = await postLead(s, apiKey, hotLead());
    now = T0;
    const earlier = await postLead(s, apiKey, hotLead());
    expect(earlier.body.lead.id > later.body.lead.id).toBe(true);

    const list = await http<{ leads: { id: string }[]; nextCursor: string | null }>(
      'GET',
      `${s.url}/api/v1/leads?limit=200`,
      { token: s.adminToken },
    );
    expect(list.body.leads.map((l) => l.id)).toEqual([later.body.lead.id, earlier.body.lead.id]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '' : `&cursor=${cursor}`;
      const page = await http<{ leads: { id: string }[]; nextCursor: string | null }>(
        'GET',
        `${s.url}/api/v1/leads?limit=1${query}`,
        { token: s.adminToken },
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.leads.map((l) => l.id));
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual([later.body.lead.id, earlier.body.lead.id]);
  });
});
