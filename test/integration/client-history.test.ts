import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientCore, signIn } from '../../src/main/client/client-core';
import { putServerLeads } from '../../src/main/client/lead-store';
import { getState, setState, STATE_KEYS } from '../../src/main/client/state-store';
import type { ClientEvent } from '../../src/shared/client-api';
import { uuidv7 } from '../../src/shared/ids';
import type { Lead, LeadStatus } from '../../src/shared/lead';
import { eventually } from '../helpers/eventually';
import { EventLog as GenericEventLog } from '../helpers/event-log';
import { http } from '../helpers/http';
import { RecordingNotifier } from '../helpers/recording-notifier';
import { readWork, workCounterExtension, type Work } from '../helpers/sqlite-work';
import { PushClient } from '../helpers/sync-client';
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
 * What a rep's app holds (docs/sync-protocol.md, "History"): a first sync brings the open leads
 * and the closed ones of the last `sync.historyDays`; an older closed lead that comes back to
 * life still arrives through the change log; the app deletes history that aged out, never a lead
 * it still has a change for; and the queue never reads the history, counted in SQLite's own
 * steps (test/helpers/sqlite-work.ts), not in time.
 */

class EventLog extends GenericEventLog<ClientEvent> {}

const DAY = 24 * 3600_000;
const T0 = Date.parse('2026-11-02T15:00:00.000Z');
let now = T0;
const clock = () => now;
const FAST = { backoff: { baseMs: 50, capMs: 500 }, toastWindowMs: 300, requestTimeoutMs: 3000 };

let server: TestServer | undefined;
const cores: ClientCore[] = [];
afterEach(async () => {
  for (const c of cores.splice(0)) await c.close();
  await server?.stop();
  server = undefined;
  now = T0;
});

describe('first sync and history on a real server', () => {
  it('a first sync brings open and recently closed leads only; an old closed lead that reopens arrives', async () => {
    server = await startTestServer(
      {
        // Weeks pass on this server's clock: sessions and the repeat window outlast them.
        auth: { sessionTtlHours: 24 * 365 },
        routing: { requireOnline: false },
        lifecycle: { repeatInquiry: { windowDays: 365 } },
      },
      { clock },
    );
    const s = server;
    const team = await createTeam(s, 'History');
    const rep = await createUser(s, { email: 'hal@history.test', role: 'rep', teamId: team });
    const apiKey = await createApiKey(s);
    const push = new PushClient(s.url, rep.token, clock);
    const post = async (body: Record<string, unknown>) => {
      const res = await postLead(s, apiKey, body);
      expect(res.body.lead.assignedTo).toBe(rep.id);
      return res.body.lead.id;
    };
    const close = async (leadId: string) => {
      const result = await push.push({
        name: 'logOutcome',
        args: { outcomeId: uuidv7(), leadId, disposition: 'not_interested', reasonCode: 'no_need' },
      });
      expect(result.status).toBe('applied');
    };

    // 40 days before the first sync: one lead still open, one closed that day.
    const oldOpen = await post(hotLead({ name: 'Olga Old-Open' }));
    const oldClosedBody = hotLead({ name: 'Otto Old-Closed' });
    const oldClosed = await post(oldClosedBody);
    await close(oldClosed);
    // 20 days before (inside the default 30-day window, outside the old 14-day one): one closed,
    // one open.
    now = T0 + 20 * DAY;
    const recentClosed = await post(hotLead({ name: 'Rita Recent-Closed' }));
    await close(recentClosed);
    const open = await post(hotLead({ name: 'Oscar Open' }));

    now = T0 + 40 * DAY;
    const log = new EventLog();
    const core = await ClientCore.open({
      dataDir: mkdtempSync(join(tmpdir(), 'pounce-history-')),
      serverUrl: s.url,
      session: await signIn(s.url, rep.email, PASSWORD),
      notifier: new RecordingNotifier(),
      clock,
      engine: FAST,
    });
    cores.push(core);
    core.on(log.listener);
    await log.next((e) => e.type === 'synced');
    const held = (await core.listLeads()).map((v) => v.lead.id).sort();
    expect(held).toEqual([oldOpen, recentClosed, open].sort());
    expect(await getState(core.db, STATE_KEYS.historyDays)).toBe('30');

    // The same person asks again: the old closed lead reopens with its rep, and reaches the app.
    now = T0 + 41 * DAY;
    const again = await http<{ lead: { id: string }; repeatInquiry?: boolean }>(
      'POST',
      `${s.url}/api/v1/leads`,
      { token: apiKey, body: { ...oldClosedBody, externalId: 'asked-again' } },
    );
    // Intake answers a repeat inquiry with the lead's id only (an API key reads no lead).
    expect(again.body).toEqual({ lead: { id: oldClosed }, repeatInquiry: true });
    await eventually(async () => (await core.getLead(oldClosed))?.lead.status === 'working', {
      what: 'the reopened lead in the app',
    });
    expect((await core.getQueue()).map((q) => q.lead.id)).toContain(oldClosed);
  });
});

// ---- the local database alone -------------------------------------------------------------

const USER = 'rep-history';

function lead(i: number, status: LeadStatus, updatedAt: number, name = `Lead ${i}`): Lead {
  const at = new Date(updatedAt).toISOString();
  const touched = status !== 'assigned';
  return {
    id: uuidv7(),
    source: 'web_form',
    externalId: `ext-${i}`,
    name,
    email: `lead${i}@example.com`,
    phone: `+1 415 555 ${String(i % 10_000).padStart(4, '0')}`,
    company: `Company ${i % 97}`,
    title: 'VP Sales',
    country: 'US',
    region: 'California',
    timezone: 'America/Los_Angeles',
    message: null,
    signals: [{ type: 'demo_request', at }],
    fields: {},
    score: 50 + (i % 50),
    tier: i % 3 === 0 ? 'hot' : i % 3 === 1 ? 'warm' : 'cold',
    scoreReasons: [{ label: 'demo request', points: 40 }],
    status,
    teamId: 'team',
    assignedTo: USER,
    assignedAt: at,
    receivedAt: at,
    firstTouchAt: touched ? at : null,
    seenAt: null,
    attempts: touched ? 1 : 0,
    lastAttemptAt: touched ? at : null,
    lastDisposition: touched ? 'no_answer' : null,
    callbackAt: null,
    createdAt: at,
    updatedAt: at,
    inquiries: 1,
    lastInquiryAt: at,
    nextAttemptAt: null,
    closeReason: status === 'closed' ? 'no_need' : null,
    offer: null,
  };
}

/** Writes leads into a client's database as a pull page does (store.ts putServerLeads). */
async function seedLocal(dataDir: string, leads: readonly Lead[]): Promise<void> {
  const core = await ClientCore.openLocal({ dataDir, userId: USER, clock });
  try {
    for (let i = 0; i < leads.length; i += 5000) {
      const page = leads.slice(i, i + 5000).map((l) => ({ lead: l, timeline: [] }));
      await core.db.transaction().execute((trx) => putServerLeads(trx, page));
    }
  } finally {
    await core.close();
  }
}

describe('the local database keeps its history bounded', () => {
  it('opening a client and reading its queue does the same work with 50,000 closed leads kept as with none', async () => {
    const ext = workCounterExtension();
    const statuses: LeadStatus[] = ['assigned', 'working'];
    const openLeads = Array.from({ length: 5000 }, (_, i) =>
      lead(i, statuses[i % 2] ?? 'assigned', T0 - (i % 72) * 3600_000),
    );
    const closedStatuses: LeadStatus[] = ['won', 'closed', 'nurture'];
    // Closed within the window (0-29 days ago): kept, so the app holds all 55,000.
    const history = Array.from({ length: 50_000 }, (_, i) =>
      lead(10_000 + i, closedStatuses[i % 3] ?? 'closed', T0 - (i % 29) * DAY - i),
    );
    const bare = mkdtempSync(join(tmpdir(), 'pounce-work-bare-'));
    const full = mkdtempSync(join(tmpdir(), 'pounce-work-full-'));
    await seedLocal(bare, openLeads);
    await seedLocal(full, [...openLeads, ...history]);

    const measure = async (dataDir: string) => {
      const core = await ClientCore.openLocal({
        dataDir,
        userId: USER,
        clock,
        sqliteExtensions: [ext],
      });
      try {
        const conn = { writer: core.sqlite, reader: core.sqlite };
        const opened: Work = readWork(conn);
        const queue = await core.getQueue();
        const total: Work = readWork(conn);
        return { opened, total, queued: queue.length, held: (await core.listLeads()).length };
      } finally {
        await core.close();
      }
    };
    const a = await measure(bare);
    const b = await measure(full);
    expect(a.held).toBe(5000);
    expect(b.held).toBe(55_000);
    expect(a.queued).toBe(5000);
    expect(b.queued).toBe(5000);
    expect(a.total.steps).toBeGreaterThan(0);
    // Not "about the same": the same. History is never stepped through at open or for the queue.
    expect(b.opened).toEqual(a.opened);
    expect(b.total).toEqual(a.total);
  });

  it('deletes history older than the window at open, never a lead it still has a change for', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pounce-prune-'));
    const oldClosed = lead(1, 'closed', T0 - 40 * DAY, 'Old Closed');
    const oldWon = lead(2, 'won', T0 - 31 * DAY, 'Old Won');
    const oldNurture = lead(3, 'nurture', T0 - 60 * DAY, 'Old Nurture');
    const oldWithNote = lead(4, 'closed', T0 - 45 * DAY, 'Old With Note');
    const recentClosed = lead(5, 'closed', T0 - 10 * DAY, 'Zoë Recent');
    const oldOpen = lead(6, 'working', T0 - 90 * DAY, 'Old But Open');
    const oldRevoked = lead(7, 'assigned', T0 - 5 * DAY, 'Moved Away');
    await seedLocal(dataDir, [
      oldClosed,
      oldWon,
      oldNurture,
      oldWithNote,
      recentClosed,
      oldOpen,
      oldRevoked,
    ]);
    {
      // The note was written 44 days ago, when that lead had just closed.
      now = T0 - 44 * DAY;
      const core = await ClientCore.openLocal({ dataDir, userId: USER, clock });
      // A note written offline on an old closed lead: it stays until the server has it.
      await core.execute({ type: 'addNote', leadId: oldWithNote.id, text: 'called back anyway' });
      await core.db
        .updateTable('leads')
        .set({ revoked_reason: 'reassigned', revoked_at: T0 - 35 * DAY })
        .where('id', '=', oldRevoked.id)
        .execute();
      await core.close();
      now = T0;
    }
    const core = await ClientCore.openLocal({ dataDir, userId: USER, clock });
    cores.push(core);
    const kept = async () => (await core.listLeads()).map((v) => v.lead.name).sort();
    expect(await kept()).toEqual(['Old But Open', 'Old With Note', 'Zoë Recent']);
    // Search reads the history that is kept (accents and case aside), and the phone's digits.
    const found = async (q: string) => (await core.searchLeads(q, 50)).map((v) => v.lead.name);
    expect(await found('zoe')).toEqual(['Zoë Recent']);
    expect(await found('555 0005')).toEqual(['Zoë Recent']);
    expect(await found('old closed')).toEqual([]);

    // The server's window, as the last pull said it, is the one used: 7 days.
    await setState(core.db, STATE_KEYS.historyDays, '7');
    expect(await core.pruneHistory()).toBe(1);
    expect(await kept()).toEqual(['Old But Open', 'Old With Note']);
  });
});
