import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/shared/ids';
import { http } from '../helpers/http';
import { PushClient } from '../helpers/sync-client';
import { serverScope } from '../helpers/server-fixture';
import { hotLead, postLead, type TestServer } from '../helpers/test-server';

/*
 * The capacity check reads each rep's untouched count from `rep_untouched`, which triggers on
 * `leads` keep (migration 0013) instead of counting the rep's leads per assignment. Whatever
 * moves a lead (intake, an outcome, a reassignment, a release, a close, capacity) the kept count
 * must equal the real one, and capacity must still hold.
 */

const scope = serverScope();

function counts(server: TestServer): {
  kept: Record<string, number>;
  real: Record<string, number>;
} {
  const db = new BetterSqlite3(join(server.dataDir, 'pounce.db'), { readonly: true });
  try {
    const kept = db.prepare('select user_id, n from rep_untouched where n <> 0').all() as {
      user_id: string;
      n: number;
    }[];
    const real = db
      .prepare(
        `select assigned_to as user_id, count(*) as n from leads
         where status = 'assigned' and assigned_to is not null group by assigned_to`,
      )
      .all() as { user_id: string; n: number }[];
    const byUser = (rows: { user_id: string; n: number }[]) =>
      Object.fromEntries(rows.map((r) => [r.user_id, Number(r.n)]));
    return { kept: byUser(kept), real: byUser(real) };
  } finally {
    db.close();
  }
}

describe('each rep’s untouched count, kept by the database', () => {
  it('equals the real count through intake, outcomes, reassignment, release and capacity', async () => {
    const t = await scope.start({
      config: { routing: { requireOnline: false } },
      teams: ['Counted'],
      users: {
        ana: { role: 'rep', capacity: 4 },
        ben: { role: 'rep', capacity: 4 },
        lea: { role: 'lead' },
      },
    });
    const { s: server, apiKey } = t;
    const { ana, ben, lea } = t.users;
    const check = () => {
      const { kept, real } = counts(server);
      expect(kept).toEqual(real);
      return real;
    };

    const leads: { id: string; rep: string | null }[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await postLead(server, apiKey, hotLead());
      expect(res.status).toBe(201);
      leads.push({ id: res.body.lead.id, rep: res.body.lead.assignedTo });
    }
    expect(check()).toEqual({ [ana.id]: 3, [ben.id]: 3 });

    // An outcome touches a lead: off the count.
    const first = leads.find((l) => l.rep === ana.id);
    if (!first) throw new Error('no lead for ana');
    const anaClient = new PushClient(server.url, ana.token, Date.now);
    const result = await anaClient.push({
      name: 'logOutcome',
      args: { outcomeId: uuidv7(), leadId: first.id, disposition: 'no_answer' },
    });
    expect(result.status).toBe('applied');
    expect(check()).toEqual({ [ana.id]: 2, [ben.id]: 3 });

    // Reassigned: from one rep's count to the other's.
    const moving = leads.find((l) => l.rep === ana.id && l.id !== first.id);
    if (!moving) throw new Error('no second lead for ana');
    const moved = await http('POST', `${server.url}/api/v1/leads/${moving.id}/reassign`, {
      token: lea.token,
      body: { toUserId: ben.id },
    });
    expect(moved.status).toBe(200);
    expect(check()).toEqual({ [ana.id]: 1, [ben.id]: 4 });

    // Capacity (4) holds on the kept count: the next lead goes to ana, then nobody has room.
    const next = await postLead(server, apiKey, hotLead());
    expect(next.body.lead.assignedTo).toBe(ana.id);
    for (let i = 0; i < 3; i++) await postLead(server, apiKey, hotLead());
    const full = await postLead(server, apiKey, hotLead());
    expect(full.body.lead.assignedTo).toBeNull();
    expect(check()).toEqual({ [ana.id]: 4, [ben.id]: 4 });

    // Released to the team queue: off the count; the waiting lead may take its place.
    const released = await http('POST', `${server.url}/api/v1/leads/${moving.id}/release`, {
      token: lea.token,
      body: {},
    });
    expect(released.status).toBe(200);
    check();

    // Closed by its holder: off the count.
    const benClient = new PushClient(server.url, ben.token, Date.now);
    const benLead = leads.find((l) => l.rep === ben.id);
    if (!benLead) throw new Error('no lead for ben');
    await benClient.push({
      name: 'logOutcome',
      args: {
        outcomeId: uuidv7(),
        leadId: benLead.id,
        disposition: 'not_interested',
        reasonCode: 'no_budget',
      },
    });
    check();
  });
});
