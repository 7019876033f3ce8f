import fc from 'fast-check';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISPOSITIONS } from '../../src/shared/dispositions';
import { LEAD_STATUSES, LEAD_TIERS } from '../../src/shared/lead';
import { SyncChangeSchema } from '../../src/shared/sync-protocol';
import { migrateToLatest } from '../../sync-server/src/db/migrations';
import type { LeadEventRow, LeadRow } from '../../sync-server/src/db/schema';
import { openSqlite, type SqliteHandle } from '../../sync-server/src/db/sqlite';
import { toLead, toTimelineEntry } from '../../sync-server/src/domain/mappers';
import { findWireByIds, listSnapshotWire } from '../../sync-server/src/repos/lead-wire';

/*
 * The sync pages are built as JSON by SQLite (repos/lead-wire.ts) and must say exactly what the
 * JavaScript mappers say: same keys in the same order, same values, same date text to the
 * millisecond. Random rows (nulls, odd milliseconds, quotes, emoji, nested data) in a real SQLite.
 */

let sqlite: SqliteHandle;
const USER = '00000000-0000-4000-8000-00000000000a';

beforeAll(async () => {
  sqlite = openSqlite(join(mkdtempSync(join(tmpdir(), 'pounce-wire-')), 'db.sqlite'));
  await migrateToLatest(sqlite.db);
  await sqlite.db.insertInto('teams').values({ id: 't1', name: 'Team', created_at: 1 }).execute();
  await sqlite.db
    .insertInto('users')
    .values({
      id: USER,
      email: 'rep@example.com',
      name: 'Rep',
      password_hash: 'x',
      role: 'rep',
      team_id: 't1',
      weight: 1,
      capacity: 10,
      active: 1,
      receiving_leads: 1,
      created_at: 1,
      updated_at: 1,
    })
    .execute();
});
afterAll(() => sqlite.close());

// Years 1 to 9999: Date#toISOString writes plain 4-digit years only there (else +/-YYYYYY).
const YEAR_1 = Date.parse('0001-01-01T00:00:00.000Z');
const YEAR_9999_END = Date.parse('9999-12-31T23:59:59.999Z');
/** Any millisecond of years 1-9999, with the edges (around 1970, around whole seconds) often. */
const epochMs = fc.oneof(
  fc.integer({ min: YEAR_1, max: YEAR_9999_END }),
  fc.constantFrom(YEAR_1, YEAR_9999_END, -1, -999, -1000, -1001, 0, 1, 999, 1000, 1001),
  fc.integer({ min: -5_000, max: 5_000 }),
);
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom('"', '\\', '\n', '\u2028'),
);
const jsonValue = fc.jsonValue({ maxDepth: 3 });

const leadRow = fc.record({
  source: text,
  external_id: fc.option(text),
  name: text,
  email: fc.option(text),
  phone: fc.option(text),
  company: fc.option(text),
  title: fc.option(text),
  country: fc.option(text),
  region: fc.option(text),
  timezone: fc.option(text),
  message: fc.option(text),
  signals: fc.array(fc.record({ type: text, at: fc.option(text) })).map((v) => JSON.stringify(v)),
  fields: fc.dictionary(text, text).map((v) => JSON.stringify(v)),
  score: fc.integer({ min: 0, max: 100 }),
  tier: fc.constantFrom(...LEAD_TIERS),
  score_reasons: fc
    .array(fc.record({ label: text, points: fc.integer({ min: -100, max: 100 }) }))
    .map((v) => JSON.stringify(v)),
  status: fc.constantFrom(...LEAD_STATUSES),
  team_id: fc.constant('t1'),
  routing_rule: fc.constant(null),
  assigned_to: fc.constant(USER),
  assigned_at: fc.option(epochMs),
  received_at: epochMs,
  first_touch_at: fc.option(epochMs),
  seen_at: fc.option(epochMs),
  attempts: fc.integer({ min: 0, max: 50 }),
  last_attempt_at: fc.option(epochMs),
  last_disposition: fc.option(fc.constantFrom(...DISPOSITIONS)),
  callback_at: fc.option(epochMs),
  created_at: epochMs,
  updated_at: epochMs,
  email_key: fc.option(text),
  phone_key: fc.option(text),
  inquiries: fc.integer({ min: 1, max: 1000 }),
  last_inquiry_at: epochMs,
  next_attempt_at: fc.option(epochMs),
  close_reason: fc.option(text),
  offered_at: fc.option(epochMs),
  offer_expires_at: fc.option(epochMs),
}) satisfies fc.Arbitrary<Omit<LeadRow, 'id'>>;

const eventRows = fc.array(
  fc.record({
    type: fc.constantFrom('received', 'assigned', 'attempt', 'note'),
    at: epochMs,
    actor_id: fc.option(fc.constant(USER)),
    data: fc.dictionary(text, jsonValue).map((v) => JSON.stringify(v)),
  }),
  { maxLength: 4 },
);

let counter = 0;

describe('lead wire JSON (built by SQLite)', () => {
  it('is what toLead and toTimelineEntry give, key for key', async () => {
    await fc.assert(
      fc.asyncProperty(leadRow, eventRows, async (generated, generatedEvents) => {
        // A new id on every run, shrinking runs included (they insert again).
        const id = `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;
        // (source, external_id) is unique.
        const external = generated.external_id === null ? null : `${generated.external_id}${id}`;
        const lead: LeadRow = { ...generated, id, external_id: external };
        const events = generatedEvents.map((e, i): LeadEventRow => ({
          ...e,
          id: `${id}-e${i}`,
          lead_id: id,
        }));
        await sqlite.db.insertInto('leads').values(lead).execute();
        if (events.length > 0) await sqlite.db.insertInto('lead_events').values(events).execute();
        const [wire] = await findWireByIds(sqlite.db, [lead.id]);
        const expected = {
          type: 'lead',
          lead: toLead(lead),
          // Oldest first by time, the id breaking ties (never by id alone: ids are not times).
          timeline: [...events]
            .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
            .map(toTimelineEntry),
        };
        // Text equality first: key order and number formatting, not only deep equality.
        expect(wire?.change).toBe(JSON.stringify(expected));
        expect(wire?.assignedTo).toBe(USER);
      }),
      { numRuns: 150 },
    );
  });

  it('writes every date from year 1 to 9999 as Date#toISOString does (before 1970 too)', async () => {
    // One lead, its dates rewritten each run: cheap enough for many runs.
    const id = '00000000-0000-4000-8000-dddddddddddd';
    const base = fc.sample(leadRow, { numRuns: 1, seed: 1 })[0];
    if (!base) throw new Error('no sample');
    await sqlite.db
      .insertInto('leads')
      .values({ ...base, id, external_id: null })
      .execute();
    await sqlite.db
      .insertInto('lead_events')
      .values({ id: `${id}-e`, lead_id: id, type: 'note', at: 0, actor_id: null, data: '{}' })
      .execute();
    await fc.assert(
      fc.asyncProperty(epochMs, epochMs, fc.option(epochMs), async (received, at, callback) => {
        await sqlite.db
          .updateTable('leads')
          .set({ received_at: received, callback_at: callback })
          .where('id', '=', id)
          .execute();
        await sqlite.db.updateTable('lead_events').set({ at }).where('lead_id', '=', id).execute();
        const [wire] = await findWireByIds(sqlite.db, [id]);
        const change = JSON.parse(wire?.change ?? 'null') as {
          lead: { receivedAt: string; callbackAt: string | null };
          timeline: { at: string }[];
        };
        expect(change.lead.receivedAt).toBe(new Date(received).toISOString());
        expect(change.lead.callbackAt).toBe(
          callback === null ? null : new Date(callback).toISOString(),
        );
        expect(change.timeline[0]?.at).toBe(new Date(at).toISOString());
      }),
      { numRuns: 600 },
    );
    await sqlite.db.deleteFrom('lead_events').where('lead_id', '=', id).execute();
    await sqlite.db.deleteFrom('leads').where('id', '=', id).execute();
  }, 60_000);

  it('pages a snapshot by id, open leads plus closed ones changed since, valid on the wire', async () => {
    const rows = await sqlite.db
      .selectFrom('leads')
      .select(['id', 'status', 'updated_at'])
      .execute();
    const since = 1_700_000_000_000;
    const expected = rows
      .filter((r) => r.status === 'assigned' || r.status === 'working' || r.updated_at >= since)
      .map((r) => r.id)
      .sort();
    const seen: string[] = [];
    let after = '';
    for (;;) {
      const page = await listSnapshotWire(sqlite.db, USER, after, since, 7);
      for (const w of page) seen.push(w.id);
      const last = page[page.length - 1];
      if (!last) break;
      after = last.id;
    }
    expect(seen).toEqual(expected);
    expect(await listSnapshotWire(sqlite.db, 'someone-else', '', 0, 10)).toEqual([]);
  });

  it('sends what the client accepts (real server data)', async () => {
    const id = '00000000-0000-4000-8000-999999999999';
    await sqlite.db
      .insertInto('leads')
      .values({
        id,
        source: 'web',
        external_id: null,
        name: 'Ada',
        email: 'ada@example.com',
        phone: '+12125550100',
        company: 'Analytical',
        title: null,
        country: 'US',
        region: null,
        timezone: 'America/New_York',
        message: 'Call me "soon" \\ please',
        signals: JSON.stringify([{ type: 'demo_request', at: '2026-01-01T00:00:00.005Z' }]),
        fields: '{}',
        score: 80,
        tier: 'hot',
        score_reasons: '[]',
        status: 'assigned',
        team_id: 't1',
        routing_rule: null,
        assigned_to: USER,
        assigned_at: Date.UTC(2026, 0, 1, 0, 0, 0, 5),
        received_at: Date.UTC(2026, 0, 1),
        first_touch_at: null,
        seen_at: null,
        attempts: 0,
        last_attempt_at: null,
        last_disposition: null,
        callback_at: null,
        created_at: Date.UTC(2026, 0, 1),
        updated_at: Date.UTC(2026, 0, 1, 0, 0, 0, 999),
        email_key: null,
        phone_key: null,
        inquiries: 1,
        last_inquiry_at: Date.UTC(2026, 0, 1),
      })
      .execute();
    const [wire] = await findWireByIds(sqlite.db, [id]);
    const parsed = SyncChangeSchema.parse(JSON.parse(wire?.change ?? 'null'));
    expect(parsed).toMatchObject({
      type: 'lead',
      lead: { assignedAt: '2026-01-01T00:00:00.005Z', updatedAt: '2026-01-01T00:00:00.999Z' },
      timeline: [],
    });
  });

  it('a snapshot also holds the leads offered to the rep now (claim mode), merged in id order', async () => {
    const held = (await listSnapshotWire(sqlite.db, USER, '', 0, 10_000)).map((w) => w.id);
    const base = await sqlite.db
      .selectFrom('leads')
      .selectAll()
      .where('id', '=', '00000000-0000-4000-8000-999999999999')
      .executeTakeFirstOrThrow();
    const offered = [
      '00000000-0000-4000-8000-9000000000a1',
      '00000000-0000-4000-8000-9000000000a2',
    ];
    const lost = '00000000-0000-4000-8000-9000000000a3';
    for (const [i, id] of [...offered, lost].entries()) {
      await sqlite.db
        .insertInto('leads')
        .values({
          ...base,
          id,
          status: 'unassigned',
          assigned_to: null,
          assigned_at: null,
          offered_at: 1000 + i,
          offer_expires_at: i === 0 ? null : 2000 + i,
        })
        .execute();
      await sqlite.db
        .insertInto('lead_offers')
        .values({
          lead_id: id,
          user_id: USER,
          offered_at: 1000 + i,
          status: id === lost ? 'lost' : 'open',
          ended_at: null,
        })
        .execute();
    }
    const seen: string[] = [];
    let after = '';
    for (;;) {
      const page = await listSnapshotWire(sqlite.db, USER, after, 0, 3);
      for (const w of page) seen.push(w.id);
      const last = page[page.length - 1];
      if (!last) break;
      after = last.id;
    }
    expect(seen).toEqual([...held, ...offered].sort());
    const [wire] = await findWireByIds(sqlite.db, [offered[1] ?? '']);
    const lead = (JSON.parse(wire?.change ?? 'null') as { lead: Record<string, unknown> }).lead;
    expect(lead).toMatchObject({
      assignedTo: null,
      offer: { offeredAt: '1970-01-01T00:00:01.001Z', expiresAt: '1970-01-01T00:00:02.001Z' },
    });
  });
});
