import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientCore, CommandError, signIn } from '../../src/main/client/client-core';
import type { ClientEvent } from '../../src/shared/client-api';
import { EventLog as GenericEventLog } from '../helpers/event-log';
import { http } from '../helpers/http';
import { RecordingNotifier } from '../helpers/recording-notifier';
import { serverScope } from '../helpers/server-fixture';
import {
  hotLead,
  PASSWORD,
  postLead,
  type TestServer,
  type TestUser,
} from '../helpers/test-server';

/*
 * The client core works by the server's playbook: fetched at connect, kept on disk for offline
 * starts, used to refuse an outcome the server would refuse (before it reaches the outbox) and
 * to say what an outcome scheduled the moment it is logged. A call the rep starts stays open,
 * across restarts, until its outcome is logged.
 */

class EventLog extends GenericEventLog<ClientEvent> {}
const FAST = { backoff: { baseMs: 50, capMs: 500 }, toastWindowMs: 300, requestTimeoutMs: 3000 };

const scope = serverScope();
// Registered after the scope, so run before it: the cores close while their server is up.
const cores: ClientCore[] = [];
afterEach(async () => {
  for (const c of cores.splice(0)) await c.close();
});

const PLAYBOOK_CONFIG = {
  lifecycle: {
    cadence: {
      retryLadder: [{ afterMinutes: 30 }, { afterMinutes: 90 }],
      dispositions: { voicemail: { offered: false } },
    },
  },
};

async function setup(): Promise<{ s: TestServer; rep: TestUser; apiKey: string }> {
  const t = await scope.start({
    config: { routing: { requireOnline: false }, ...PLAYBOOK_CONFIG },
    teams: ['Cadence client'],
    users: { cleo: { role: 'rep' } },
  });
  return { s: t.s, rep: t.users.cleo, apiKey: t.apiKey };
}

async function openCore(s: TestServer, rep: TestUser, dataDir: string) {
  const log = new EventLog();
  const core = await ClientCore.open({
    dataDir,
    serverUrl: s.url,
    session: await signIn(s.url, rep.email, PASSWORD),
    notifier: new RecordingNotifier(),
    engine: FAST,
  });
  core.on(log.listener);
  cores.push(core);
  await log.next((e) => e.type === 'synced');
  return { core, log };
}

async function refused(run: Promise<unknown>): Promise<CommandError> {
  const error = await run.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof CommandError))
    throw new Error(`expected a CommandError, got ${String(error)}`);
  return error;
}

describe('client core: the playbook and open calls', () => {
  it('fetches and keeps the playbook; refuses what the server would; says what was scheduled', async () => {
    const { s, rep, apiKey } = await setup();
    const dataDir = mkdtempSync(join(tmpdir(), 'pounce-cadence-'));
    const posted = await postLead(s, apiKey, hotLead({ name: 'Paula Playbook' }));
    const leadId = posted.body.lead.id;
    const { core, log } = await openCore(s, rep, dataDir);
    await log.next((e) => e.type === 'playbook.changed');
    expect(core.playbook.retryLadder.steps).toEqual([
      { kind: 'after', ms: 30 * 60_000 },
      { kind: 'after', ms: 90 * 60_000 },
    ]);
    expect(core.playbook.dispositions.some((d) => d.key === 'voicemail')).toBe(false);

    const notOffered = await refused(
      core.execute({ type: 'logOutcome', leadId, disposition: 'voicemail' }),
    );
    expect(notOffered.fields).toEqual([
      { field: 'disposition', message: '"voicemail" is not an outcome this team logs' },
    ]);
    const noReason = await refused(
      core.execute({ type: 'logOutcome', leadId, disposition: 'not_interested' }),
    );
    expect(noReason.fields[0]?.field).toBe('reasonCode');
    expect((await core.getStatus()).pending).toBe(0); // nothing reached the outbox

    const before = Date.now();
    const logged = await core.execute({ type: 'logOutcome', leadId, disposition: 'no_answer' });
    expect(logged.next).toMatchObject({ kind: 'retry', attempt: 2, of: 3 });
    if (logged.next?.kind !== 'retry') throw new Error('expected a retry');
    // The ladder's +30 min, then moved into the lead's calling hours (a +1 415 number: Pacific
    // time) when the real clock puts it outside them.
    const { at, ladderAt } = logged.next;
    expect(ladderAt - before).toBeGreaterThanOrEqual(30 * 60_000 - 1000);
    expect(ladderAt - before).toBeLessThanOrEqual(30 * 60_000 + 5000);
    expect(at).toBeGreaterThanOrEqual(ladderAt);
    expect(logged.next.movedIntoHours).toBe(at > ladderAt);
    // Shown at once, before the server answered, as the server will store it.
    const local = await core.getLead(leadId);
    expect(local?.lead.nextAttemptAt).toBe(new Date(at).toISOString());
    await log.next((e) => e.type === 'outcome.acked');
    await core.close();
    cores.splice(0);

    // Offline: the kept playbook, not the defaults.
    const offline = await ClientCore.openLocal({ dataDir, userId: rep.id });
    cores.push(offline);
    expect(offline.playbook.retryLadder.steps).toHaveLength(2);
  });

  it('an open call holds the rep until its outcome is logged, across a restart', async () => {
    const { s, rep, apiKey } = await setup();
    const dataDir = mkdtempSync(join(tmpdir(), 'pounce-call-'));
    const a = (await postLead(s, apiKey, hotLead({ name: 'Otto Open' }))).body.lead.id;
    const b = (await postLead(s, apiKey, hotLead({ name: 'Bea Busy' }))).body.lead.id;
    const first = await openCore(s, rep, dataDir);
    const call = await first.core.startCall(a);
    expect(call.leadId).toBe(a);
    await first.log.next((e) => e.type === 'call.changed' && e.call?.leadId === a);
    const other = await refused(first.core.startCall(b));
    expect(other.message).toBe('log how the call with Otto Open went first');
    await first.core.close();
    cores.splice(0);

    const second = await openCore(s, rep, dataDir);
    expect((await second.core.getStatus()).openCall).toEqual(call);
    await second.core.execute({ type: 'logOutcome', leadId: b, disposition: 'no_answer' });
    expect((await second.core.openCall())?.leadId).toBe(a); // another lead's outcome: still open
    await second.core.execute({ type: 'logOutcome', leadId: a, disposition: 'qualified' });
    expect(await second.core.openCall()).toBeNull();
    await second.log.next((e) => e.type === 'call.changed' && e.call === null);

    await second.core.startCall(b);
    await second.core.cancelCall();
    expect(await second.core.openCall()).toBeNull();
    await expect(second.core.startCall('00000000-0000-4000-8000-000000000000')).rejects.toThrow(
      'no such lead',
    );
  });

  it('claims an offered lead; a claim a teammate beat is refused and the lead leaves', async () => {
    const {
      s,
      teamId: team,
      users,
      apiKey,
    } = await scope.start({
      config: { routing: { requireOnline: false } },
      teams: ['Claimers'],
      users: { cara: { role: 'rep' }, olaf: { role: 'rep' } },
    });
    expect(
      (
        await http('PATCH', `${s.url}/api/v1/teams/${team}`, {
          token: s.adminToken,
          body: { assignment: 'claim' },
        })
      ).status,
    ).toBe(200);
    const { cara: rep, olaf: other } = users;
    const first = (await postLead(s, apiKey, hotLead({ name: 'Fay First' }))).body.lead.id;
    const second = (await postLead(s, apiKey, hotLead({ name: 'Sam Second' }))).body.lead.id;
    const { core } = await openCore(s, rep, mkdtempSync(join(tmpdir(), 'pounce-claim-')));
    const sections = async () =>
      Object.fromEntries((await core.getQueue()).map((i) => [i.lead.id, i.row.section]));
    expect(await sections()).toEqual({ [first]: 'offered', [second]: 'offered' });
    // Not the rep's yet: nothing to log, nothing to call.
    await refused(core.execute({ type: 'markSeen', leadId: first }));
    await refused(core.startCall(first));

    const claimed = await core.claimLead(first);
    expect(claimed.assignedTo).toBe(rep.id);
    const beaten = await http('POST', `${s.url}/api/v1/leads/${second}/claim`, {
      token: other.token,
    });
    expect(beaten.status).toBe(200);
    const lost = await refused(core.claimLead(second));
    expect(lost.message).toBe('a teammate claimed it first');
    // Rep's own now: untouched ("new", or "later" when the real clock is outside their hours).
    const after = await sections();
    expect(Object.keys(after)).toEqual([first]);
    expect(['new', 'later_outside_hours']).toContain(after[first]);
    expect((await core.getLead(second))?.revoked?.reason).toBe('a teammate claimed it first');
  });
});
