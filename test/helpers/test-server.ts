import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../sync-server/src/config/load';
import { startServer, type ServerHandle } from '../../sync-server/src/server';
import { http } from './http';

export const ADMIN = { email: 'admin@pounce.test', password: 'admin-password-1' };
export const PASSWORD = 'rep-password-1';

/** Settings every test server gets: a free port, a fast (still real) scrypt. */
export const TEST_CONFIG = { server: { port: 0 }, auth: { scrypt: { N: 1024 } } } as const;

export interface TestServer {
  readonly handle: ServerHandle;
  readonly url: string;
  readonly dataDir: string;
  readonly adminToken: string;
  /** Stops the server; `keepData` leaves the folder for a restart. */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

/** A real sync-server, in this process, on a real port, over a fresh SQLite file. */
export async function startTestServer(
  overrides: Record<string, unknown> = {},
  options: { dataDir?: string; clock?: () => number; sqliteExtensions?: readonly string[] } = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'pounce-test-'));
  const config = loadConfig({
    overrides: deepMerge({ ...TEST_CONFIG, server: { ...TEST_CONFIG.server, dataDir } }, overrides),
  });
  const handle = await startServer(config, {
    bootstrapAdmin: ADMIN,
    ...(options.clock && { clock: options.clock }),
    ...(options.sqliteExtensions && { sqliteExtensions: options.sqliteExtensions }),
  });
  const adminToken = await login(handle.url, ADMIN.email, ADMIN.password);
  return {
    handle,
    url: handle.url,
    dataDir,
    adminToken,
    async stop({ keepData = false } = {}) {
      await handle.close();
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function login(url: string, email: string, password: string): Promise<string> {
  const res = await http<{ token: string }>('POST', `${url}/api/v1/auth/login`, {
    body: { email, password },
  });
  if (res.status !== 200)
    throw new Error(`login ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token;
}

export async function createTeam(
  s: { url: string; adminToken: string },
  name: string,
): Promise<string> {
  const res = await http<{ team: { id: string } }>('POST', `${s.url}/api/v1/teams`, {
    token: s.adminToken,
    body: { name },
  });
  if (res.status !== 201)
    throw new Error(`create team failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.team.id;
}

export interface TestUser {
  readonly id: string;
  readonly email: string;
  readonly token: string;
}

export async function createUser(
  s: { url: string; adminToken: string },
  fields: {
    email: string;
    role: 'rep' | 'lead' | 'admin';
    teamId?: string | null;
    weight?: number;
    capacity?: number;
    name?: string;
  },
): Promise<TestUser> {
  const res = await http<{ user: { id: string } }>('POST', `${s.url}/api/v1/users`, {
    token: s.adminToken,
    body: { name: fields.name ?? fields.email.split('@')[0], password: PASSWORD, ...fields },
  });
  if (res.status !== 201)
    throw new Error(`create user failed: ${res.status} ${JSON.stringify(res.body)}`);
  return {
    id: res.body.user.id,
    email: fields.email,
    token: await login(s.url, fields.email, PASSWORD),
  };
}

export async function createApiKey(
  s: { url: string; adminToken: string },
  name = 'test source',
): Promise<string> {
  const res = await http<{ key: string }>('POST', `${s.url}/api/v1/api-keys`, {
    token: s.adminToken,
    body: { name },
  });
  if (res.status !== 201) throw new Error(`create api key failed: ${res.status}`);
  return res.body.key;
}

let sequence = 0;
/** A run-unique tag: two test files posting to one server never make the "same person". */
const RUN = `${process.pid.toString(36)}${Math.random().toString(36).slice(2, 6)}`;
/** Where this process's phone numbers start (in a space of 6.9 million). */
const PHONE_OFFSET = Math.floor(Math.random() * 3_000_000);

/**
 * A distinct, valid US number per lead: a repeat inquiry is recognised by phone, so leads meant
 * as different people must not share one. Exchanges 200-899 (skipping N11), 10,000 lines each.
 */
export function distinctPhone(n: number): string {
  const exchanges = Array.from({ length: 700 }, (_, i) => 200 + i).filter((e) => e % 100 !== 11);
  const exchange = exchanges[n % exchanges.length] ?? 555;
  const line = String(Math.floor(n / exchanges.length) % 10_000).padStart(4, '0');
  return `+1 415 ${exchange} ${line}`;
}

/** A valid, sales-ready lead (a demo request from a VP at a company address). */
export function hotLead(extra: Record<string, unknown> = {}): Record<string, unknown> {
  sequence += 1;
  return {
    source: 'web_form',
    externalId: `ext-${process.pid}-${sequence}-${Math.random().toString(36).slice(2)}`,
    name: `Lead ${sequence}`,
    email: `lead${sequence}.${RUN}@acme-corp.com`,
    phone: distinctPhone(PHONE_OFFSET + sequence),
    company: 'Acme Corp',
    title: 'VP Sales',
    signals: [{ type: 'demo_request' }],
    ...extra,
  };
}

export function postLead(
  s: { url: string },
  apiKey: string,
  lead: unknown,
  headers: Record<string, string> = {},
) {
  return http<{
    lead: { id: string; status: string; assignedTo: string | null; tier: string; score: number };
  }>('POST', `${s.url}/api/v1/leads`, { token: apiKey, body: lead, headers });
}

function deepMerge(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    out[k] =
      typeof cur === 'object' &&
      cur !== null &&
      !Array.isArray(cur) &&
      typeof v === 'object' &&
      v !== null &&
      !Array.isArray(v)
        ? deepMerge(cur as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}
