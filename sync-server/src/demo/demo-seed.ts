import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { UserRole } from '../../../src/shared/user';
import { ApiCallError, type ApiClient } from './api-client';

/*
 * The demo's accounts, made through the HTTP API as an admin would, and idempotent: a rerun
 * finds what exists, repairs what drifted (a rep moved off the team, a changed password) and
 * creates the rest. The passwords are fixed and printed: this is demo data on a local port.
 */

export interface DemoPerson {
  readonly email: string;
  readonly name: string;
  readonly password: string;
  readonly role: UserRole;
  readonly weight: number;
}

export const DEMO_ADMIN = { email: 'admin@demo.pounce', password: 'demo-admin-pass' } as const;
export const DEMO_TEAM = 'Demo Team';
// Generous: until reps log outcomes (the sync protocol issue), every lead stays untouched.
export const DEMO_CAPACITY = 500;
export const DEMO_API_KEY_NAME = 'Demo simulator';

const REP_PASSWORD = 'demo-rep-pass';
export const DEMO_REPS: readonly DemoPerson[] = [
  {
    email: 'alex.rivera@demo.pounce',
    name: 'Alex Rivera',
    password: REP_PASSWORD,
    role: 'rep',
    weight: 1,
  },
  {
    email: 'bea.novak@demo.pounce',
    name: 'Bea Novak',
    password: REP_PASSWORD,
    role: 'rep',
    weight: 1,
  },
  {
    email: 'cole.brandt@demo.pounce',
    name: 'Cole Brandt',
    password: REP_PASSWORD,
    role: 'rep',
    weight: 1,
  },
  // Twice the weight: the fair queue should give Dev about twice the leads of each other rep.
  {
    email: 'dev.malhotra@demo.pounce',
    name: 'Dev Malhotra',
    password: REP_PASSWORD,
    role: 'rep',
    weight: 2,
  },
  {
    email: 'elin.sato@demo.pounce',
    name: 'Elin Sato',
    password: REP_PASSWORD,
    role: 'rep',
    weight: 1,
  },
];
export const DEMO_TEAM_LEAD: DemoPerson = {
  email: 'morgan.blake@demo.pounce',
  name: 'Morgan Blake',
  password: 'demo-lead-pass',
  role: 'lead',
  weight: 1,
};

export interface SeededRep extends DemoPerson {
  readonly id: string;
  /** A live session token, for the stand-in connection. */
  readonly token: string;
}

export interface DemoSeed {
  readonly teamId: string;
  readonly reps: readonly SeededRep[];
  readonly apiKey: { readonly id: string; readonly key: string; readonly reused: boolean };
}

/** The demo cannot set itself up; the message says what to do. */
export class DemoSetupError extends Error {}

const LoginReply = z.object({ token: z.string() });
const TeamShape = z.object({ id: z.string(), name: z.string() });
const UserShape = z.object({
  id: z.string(),
  email: z.string(),
  role: z.string(),
  teamId: z.string().nullable(),
  weight: z.number(),
  capacity: z.number(),
  active: z.boolean(),
  receivingLeads: z.boolean(),
});
type ServerUser = z.infer<typeof UserShape>;
const KeyFile = z.object({ id: z.string(), key: z.string() });

/**
 * Makes sure the demo team, its reps, its team lead and a simulator API key exist.
 *
 *   const seed = await seedDemo(new ApiClient(url), { dataDir: 'data/demo' });
 */
export async function seedDemo(
  api: ApiClient,
  options: { readonly dataDir: string },
): Promise<DemoSeed> {
  const admin = await signIn(api, DEMO_ADMIN.email, DEMO_ADMIN.password).catch((error: unknown) => {
    if (error instanceof ApiCallError && error.status === 401) {
      throw new DemoSetupError(
        `cannot sign in as ${DEMO_ADMIN.email} with the demo password: the demo database was changed by hand. ` +
          `Delete ${options.dataDir} to start the demo from scratch.`,
      );
    }
    throw error;
  });

  const { teams } = await api.call(
    'GET',
    '/api/v1/teams',
    z.object({ teams: z.array(TeamShape) }),
    { token: admin },
  );
  const teamId =
    teams.find((t) => t.name === DEMO_TEAM)?.id ??
    (
      await api.call('POST', '/api/v1/teams', z.object({ team: TeamShape }), {
        token: admin,
        body: { name: DEMO_TEAM },
      })
    ).team.id;

  const { users } = await api.call(
    'GET',
    '/api/v1/users',
    z.object({ users: z.array(UserShape) }),
    { token: admin },
  );
  const reps: SeededRep[] = [];
  for (const person of [...DEMO_REPS, DEMO_TEAM_LEAD]) {
    const id = await ensureUser(
      api,
      admin,
      person,
      teamId,
      users.find((u) => u.email === person.email),
    );
    if (person.role !== 'rep') continue;
    reps.push({ ...person, id, token: await signInRepairing(api, admin, person, id) });
  }

  return {
    teamId,
    reps,
    apiKey: await ensureApiKey(api, admin, join(options.dataDir, 'demo-simulator-key.json')),
  };
}

async function signIn(api: ApiClient, email: string, password: string): Promise<string> {
  return (await api.call('POST', '/api/v1/auth/login', LoginReply, { body: { email, password } }))
    .token;
}

/** Creates the person, or puts back any setting that drifted since the last run. */
async function ensureUser(
  api: ApiClient,
  admin: string,
  person: DemoPerson,
  teamId: string,
  existing: ServerUser | undefined,
): Promise<string> {
  const settings = { role: person.role, teamId, weight: person.weight, capacity: DEMO_CAPACITY };
  if (!existing) {
    const body = { email: person.email, name: person.name, password: person.password, ...settings };
    return (
      await api.call('POST', '/api/v1/users', z.object({ user: UserShape }), { token: admin, body })
    ).user.id;
  }
  const wanted = { ...settings, active: true, receivingLeads: true };
  const drift = Object.fromEntries(
    Object.entries(wanted).filter(([key, value]) => existing[key as keyof typeof wanted] !== value),
  );
  if (Object.keys(drift).length > 0) {
    await api.call('PATCH', `/api/v1/users/${existing.id}`, z.unknown(), {
      token: admin,
      body: drift,
    });
  }
  return existing.id;
}

async function signInRepairing(
  api: ApiClient,
  admin: string,
  person: DemoPerson,
  id: string,
): Promise<string> {
  try {
    return await signIn(api, person.email, person.password);
  } catch (error) {
    if (!(error instanceof ApiCallError) || error.status !== 401) throw error;
    // Someone changed the password since the last run: the demo's printed one must work.
    await api.call('PATCH', `/api/v1/users/${id}`, z.unknown(), {
      token: admin,
      body: { password: person.password },
    });
    return signIn(api, person.email, person.password);
  }
}

/**
 * The server keeps only a key's hash, so the demo keeps the key itself next to its database to
 * print the same key on every run. When that file is missing or its key no longer works, a new
 * key is made and the older demo keys, which nobody can use any more, are revoked.
 */
async function ensureApiKey(
  api: ApiClient,
  admin: string,
  file: string,
): Promise<DemoSeed['apiKey']> {
  const saved = readKeyFile(file);
  if (saved && (await keyWorks(api, saved.key))) return { ...saved, reused: true };

  const created = await api.call(
    'POST',
    '/api/v1/api-keys',
    z.object({ apiKey: z.object({ id: z.string() }), key: z.string() }),
    {
      token: admin,
      body: { name: DEMO_API_KEY_NAME },
    },
  );
  const fresh = { id: created.apiKey.id, key: created.key };
  writeFileSync(file, `${JSON.stringify(fresh)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);

  const { apiKeys } = await api.call(
    'GET',
    '/api/v1/api-keys',
    z.object({
      apiKeys: z.array(
        z.object({ id: z.string(), name: z.string(), revokedAt: z.string().nullable() }),
      ),
    }),
    { token: admin },
  );
  for (const old of apiKeys.filter(
    (k) => k.name === DEMO_API_KEY_NAME && k.revokedAt === null && k.id !== fresh.id,
  )) {
    await api.raw('DELETE', `/api/v1/api-keys/${old.id}`, { token: admin });
  }
  return { ...fresh, reused: false };
}

function readKeyFile(file: string): z.infer<typeof KeyFile> | null {
  try {
    const parsed = KeyFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Intake checks the key before the body, so an empty body answers 401 for a dead key and 422
 * for a live one, without creating a lead.
 */
async function keyWorks(api: ApiClient, key: string): Promise<boolean> {
  const { status } = await api.raw('POST', '/api/v1/leads', { token: key, body: {} });
  return status === 422;
}
