import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientEvent } from '../../src/shared/client-api';
import { ClientCore, signIn } from '../../src/main/client/client-core';
import type { Lead } from '../../src/shared/lead';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy';
import { http } from '../helpers/http';
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
 * The client core talks to the real server through a fault-injecting TCP proxy: connections
 * reset, black-holed, left half-open, delayed, responses cut midway. After each fault the client
 * recovers by itself: leads posted meanwhile arrive, and outcomes logged meanwhile reach the
 * server exactly once.
 */

let s: TestServer;
let proxy: FaultProxy;
let core: ClientCore;
let apiKey: string;
let repId: string;
const events: ClientEvent[] = [];

beforeAll(async () => {
  // Leads go to the rep whether or not their live socket is up at that moment: the client must
  // find them by itself after a fault.
  s = await startTestServer({ routing: { requireOnline: false } });
  const team = await createTeam(s, 'Faults');
  const rep = await createUser(s, { email: 'rep@faults.test', role: 'rep', teamId: team });
  repId = rep.id;
  apiKey = await createApiKey(s);
  proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: s.handle.port } });
  const session = await signIn(proxy.url, rep.email, PASSWORD);
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
  core.on((e) => events.push(e));
  await until(() => events.some((e) => e.type === 'synced'));
});
afterAll(async () => {
  await core.close();
  await proxy.close();
  await s.stop();
});

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Posts straight to the server (not through the proxy); the team's only rep gets it. */
async function leadForRep(): Promise<Lead> {
  const res = await postLead(s, apiKey, hotLead());
  expect(res.body.lead.assignedTo).toBe(repId);
  return res.body.lead as unknown as Lead;
}

async function outcomesOnServer(leadId: string): Promise<number> {
  const res = await http<{ events: { type: string }[] }>(
    'GET',
    `${s.url}/api/v1/leads/${leadId}/events`,
    { token: s.adminToken },
  );
  return res.body.events.filter((e) => e.type === 'outcome').length;
}

async function inLocalDb(leadId: string): Promise<boolean> {
  return (await core.getLead(leadId)) !== null;
}

/** One fault: while it lasts a lead lands and the rep logs a call; then the network heals. */
async function survive(fault: Parameters<FaultProxy['setMode']>[0], holdMs: number) {
  const before = await leadForRep();
  await until(() => inLocalDb(before.id));
  await proxy.setMode(fault);
  if (fault.kind === 'pass') proxy.resetAll();
  const during = await leadForRep();
  await core.execute({ type: 'logOutcome', leadId: before.id, disposition: 'no_answer' });
  await new Promise((r) => setTimeout(r, holdMs));
  await proxy.setMode({ kind: 'pass' });
  await until(() => inLocalDb(during.id));
  await until(async () => (await core.getStatus()).pending === 0);
  expect(await outcomesOnServer(before.id)).toBe(1);
}

describe('client core through network faults', () => {
  it('recovers from every connection being reset', async () => {
    await survive({ kind: 'pass' }, 100);
  });

  it('recovers from a black hole (requests time out, the live socket goes silent)', async () => {
    await survive({ kind: 'drop' }, 2000);
  });

  it('recovers from half-open connections (the peer vanished without a word)', async () => {
    await survive({ kind: 'halfOpen' }, 2000);
  });

  it('recovers from refused connections (the server port is closed)', async () => {
    await survive({ kind: 'refuse' }, 800);
  });

  it('works through a slow, jittery link', async () => {
    await survive({ kind: 'delay', ms: 150, jitterMs: 100 }, 300);
  });

  it('a push whose response is cut midway is applied once (the retry is a duplicate)', async () => {
    const lead = await leadForRep();
    await until(() => inLocalDb(lead.id));
    await proxy.setMode({ kind: 'cutAfterBytes', bytes: 60, direction: 'down' });
    await core.execute({ type: 'logOutcome', leadId: lead.id, disposition: 'voicemail' });
    await new Promise((r) => setTimeout(r, 600));
    await proxy.setMode({ kind: 'pass' });
    await until(async () => (await core.getStatus()).pending === 0);
    expect(await outcomesOnServer(lead.id)).toBe(1);
  });
});
