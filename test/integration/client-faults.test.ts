import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ClientEvent } from '../../src/shared/client-api';
import { ClientCore, signIn } from '../../src/main/client/client-core';
import type { Lead } from '../../src/shared/lead';
import { eventually } from '../helpers/eventually';
import { startFaultProxy, type FaultProxy, type FaultProxyStats } from '../helpers/fault-proxy';
import { http } from '../helpers/http';
import { serverScope, type Fixture } from '../helpers/server-fixture';
import { hotLead, PASSWORD, postLead } from '../helpers/test-server';

/*
 * The client core talks to the real server through a fault-injecting TCP proxy: connections
 * reset, black-holed, left half-open, delayed, responses cut midway. After each fault the client
 * recovers by itself: leads posted meanwhile arrive, and outcomes logged meanwhile reach the
 * server exactly once.
 */

let t: Fixture<{ rep: { role: 'rep' } }>;
let proxy: FaultProxy;
let core: ClientCore;
const events: ClientEvent[] = [];
const scope = serverScope('all');

beforeAll(async () => {
  // Leads go to the rep whether or not their live socket is up at that moment: the client must
  // find them by itself after a fault.
  t = await scope.start({
    config: { routing: { requireOnline: false } },
    teams: ['Faults'],
    users: { rep: { role: 'rep' } },
  });
  proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: t.s.handle.port } });
  scope.onClose(() => proxy.close());
  const session = await signIn(proxy.url, t.users.rep.email, PASSWORD);
  core = await ClientCore.open({
    dataDir: mkdtempSync(join(tmpdir(), 'pounce-faults-')),
    serverUrl: proxy.url,
    session,
    notifier: { show: () => Promise.resolve() },
    engine: {
      backoff: { baseMs: 50, capMs: 400 },
      requestTimeoutMs: 800,
      liveSilenceMs: 1500,
      fallbackPullMs: 1500,
    },
  });
  scope.onClose(() => core.close());
  core.on((e) => events.push(e));
  await eventually(() => events.some((e) => e.type === 'synced'));
});

/** Posts straight to the server (not through the proxy); the team's only rep gets it. */
async function leadForRep(): Promise<Lead> {
  const res = await postLead(t.s, t.apiKey, hotLead());
  expect(res.body.lead.assignedTo).toBe(t.users.rep.id);
  return res.body.lead as unknown as Lead;
}

async function outcomesOnServer(leadId: string): Promise<number> {
  const res = await http<{ events: { type: string }[] }>(
    'GET',
    `${t.s.url}/api/v1/leads/${leadId}/events`,
    { token: t.s.adminToken },
  );
  return res.body.events.filter((e) => e.type === 'outcome').length;
}

async function inLocalDb(leadId: string): Promise<boolean> {
  return (await core.getLead(leadId)) !== null;
}

/** What shows in the proxy's counters that the fault really happened. */
type Proof = (since: FaultProxyStats, now: FaultProxyStats) => boolean;

/**
 * One fault: while it lasts a lead lands and the rep logs a call. The network heals once the
 * proxy's counters show the fault bit (and, where it must, once the client has noticed: it went
 * offline); then both the lead and the call get through.
 */
async function survive(
  fault: Parameters<FaultProxy['setMode']>[0],
  proof: Proof,
  options: { noticed: boolean; killLive?: boolean },
) {
  const before = await leadForRep();
  await eventually(() => inLocalDb(before.id));
  const since = proxy.stats();
  const seen = events.length;
  await proxy.setMode(fault);
  // The connections open now: a reset cuts them, a closed port leaves them be unless they die.
  if (options.killLive) expect(proxy.resetAll()).toBeGreaterThan(0);
  const during = await leadForRep();
  await core.execute({ type: 'logOutcome', leadId: before.id, disposition: 'no_answer' });
  await eventually(() => proof(since, proxy.stats()), { what: `the ${fault.kind} fault` });
  if (options.noticed) {
    await eventually(() => events.slice(seen).some((e) => e.type === 'offline'), {
      what: 'the client to go offline',
    });
  }
  const atHeal = proxy.stats();
  await proxy.setMode({ kind: 'pass' });
  await eventually(() => inLocalDb(during.id));
  await eventually(async () => (await core.getStatus()).pending === 0);
  expect(await outcomesOnServer(before.id)).toBe(1);
  return { since, atHeal };
}

describe('client core through network faults', () => {
  it('recovers from every connection being reset', async () => {
    await survive({ kind: 'pass' }, (since, now) => now.resets > since.resets, {
      noticed: true,
      killLive: true,
    });
  });

  it('recovers from a black hole (requests time out, the live socket goes silent)', async () => {
    await survive(
      { kind: 'drop' },
      (since, now) =>
        now.swallowedUp > since.swallowedUp && now.swallowedDown > since.swallowedDown,
      { noticed: true },
    );
  });

  it('recovers from half-open connections (the peer vanished without a word)', async () => {
    await survive(
      { kind: 'halfOpen' },
      (since, now) => now.stranded > since.stranded && now.swallowedUp > since.swallowedUp,
      { noticed: true },
    );
  });

  it('recovers from refused connections (the server port is closed)', async () => {
    const { since, atHeal } = await survive(
      { kind: 'refuse' },
      (before, now) => now.refusals > before.refusals,
      { noticed: true, killLive: true },
    );
    // The client went offline and not one of its reconnects got through while the port was shut.
    expect(atHeal.accepted).toBe(since.accepted);
  });

  it('works through a slow, jittery link', async () => {
    await survive(
      { kind: 'delay', ms: 150, jitterMs: 100 },
      // The push went up late and its answer came back late.
      (since, now) => now.delayed >= since.delayed + 2 && now.bytesDown > since.bytesDown,
      { noticed: false },
    );
  });

  it('a push whose response is cut midway is applied once (the retry is a duplicate)', async () => {
    const lead = await leadForRep();
    await eventually(() => inLocalDb(lead.id));
    const since = proxy.stats();
    await proxy.setMode({ kind: 'cutAfterBytes', bytes: 60, direction: 'down' });
    await core.execute({ type: 'logOutcome', leadId: lead.id, disposition: 'voicemail' });
    await eventually(() => proxy.stats().cuts > since.cuts, { what: 'a response cut midway' });
    await proxy.setMode({ kind: 'pass' });
    await eventually(async () => (await core.getStatus()).pending === 0);
    expect(await outcomesOnServer(lead.id)).toBe(1);
  });
});
