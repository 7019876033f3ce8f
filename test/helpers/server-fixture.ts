import { afterAll, afterEach } from 'vitest';
import { LiveClient } from './live-client';
import {
  createApiKey,
  createTeam,
  createUser,
  startTestServer,
  type TestServer,
  type TestUser,
} from './test-server';

/*
 * The set-up an integration test needs, said once: a real server (in this process, on a real
 * port, over a fresh SQLite file), teams, users signed in, an API key for intake and the live
 * sockets of whoever should be online. Everything a test opens through a scope is closed after
 * it, last opened first, so a test file writes neither teardown nor a `let server` of its own.
 *
 *   const scope = serverScope();                // closes what each test opened, after it
 *   const t = await scope.start({
 *     teams: ['Escalation'],
 *     users: { ana: { role: 'rep', live: true }, lea: { role: 'lead' } },
 *     clock,
 *   });
 *   t.users.ana.token; t.live.ana.next(...); postLead(t.s, t.apiKey, hotLead());
 */

export type Role = 'rep' | 'lead' | 'admin';

export interface UserSpec {
  readonly role: Role;
  /** Shown name; the key by default. */
  readonly name?: string;
  /** `<key>@<first team's name>.test` by default (lower case, no spaces). */
  readonly email?: string;
  /** One of `teams` by name; the first team by default; null for none. */
  readonly team?: string | null;
  readonly weight?: number;
  readonly capacity?: number;
  /** Opens the user's live socket (in `live`) once every user exists: the rep is online. */
  readonly live?: boolean;
}

export interface FixtureSpec<U extends Readonly<Record<string, UserSpec>>> {
  /** Config overrides, merged over the test defaults. */
  readonly config?: Record<string, unknown>;
  readonly clock?: () => number;
  /** A folder to keep across a restart (`scope.restart`); a fresh temp folder by default. */
  readonly dataDir?: string;
  /** Team names, made in this order (the first is the oldest: the default team for intake). */
  readonly teams?: readonly string[];
  /** Made in this order, after the teams. */
  readonly users?: U;
}

type LiveKeys<U> = { [K in keyof U]: U[K] extends { readonly live: true } ? K : never }[keyof U];

export interface Fixture<U extends Readonly<Record<string, UserSpec>>> {
  readonly s: TestServer;
  /** The first team's id (when `teams` named any). */
  readonly teamId: string;
  /** Every team's id by its name. */
  readonly teams: Readonly<Record<string, string>>;
  readonly users: { readonly [K in keyof U]: TestUser };
  readonly live: { readonly [K in LiveKeys<U>]: LiveClient };
  /** An API key for `postLead`. */
  readonly apiKey: string;
}

type Closer = () => unknown;

export class ServerScope {
  private closers: Closer[] = [];

  /** Starts a server and makes the teams, users, live sockets and API key of `spec`. */
  async start<const U extends Readonly<Record<string, UserSpec>> = Record<never, UserSpec>>(
    spec: FixtureSpec<U> = {},
  ): Promise<Fixture<U>> {
    const s = await this.server(spec.config, {
      ...(spec.clock && { clock: spec.clock }),
      ...(spec.dataDir && { dataDir: spec.dataDir }),
    });
    const teamNames = spec.teams ?? [];
    const teams: Record<string, string> = {};
    for (const name of teamNames) teams[name] = await createTeam(s, name);
    const domain = `${(teamNames[0] ?? 'pounce').toLowerCase().replace(/[^a-z0-9]+/g, '-')}.test`;
    const specs = Object.entries(spec.users ?? {}) as [keyof U & string, UserSpec][];
    const users = {} as Record<keyof U, TestUser>;
    for (const [key, user] of specs) {
      const teamName = user.team === undefined ? teamNames[0] : user.team;
      const teamId = teamName === null || teamName === undefined ? null : teams[teamName];
      if (teamId === undefined)
        throw new Error(`fixture: user ${key} names no team of ${teamName}`);
      users[key] = await createUser(s, {
        email: user.email ?? `${key}@${domain}`,
        name: user.name ?? key,
        role: user.role,
        teamId,
        ...(user.weight !== undefined && { weight: user.weight }),
        ...(user.capacity !== undefined && { capacity: user.capacity }),
      });
    }
    const live = {} as Record<LiveKeys<U>, LiveClient>;
    for (const [key, user] of specs) {
      if (user.live === true) live[key as LiveKeys<U>] = await this.connect(s, users[key]);
    }
    return {
      s,
      teamId: teamNames[0] === undefined ? '' : (teams[teamNames[0]] ?? ''),
      teams,
      users,
      live,
      apiKey: await createApiKey(s),
    };
  }

  /** A bare server (no teams, no users), closed with the scope. */
  async server(
    config: Record<string, unknown> = {},
    options: Parameters<typeof startTestServer>[1] = {},
  ): Promise<TestServer> {
    const s = await startTestServer(config, options);
    this.onClose(() => s.stop());
    return s;
  }

  /**
   * Stops `s` keeping its data and starts a server on the same folder (with `config`, and the
   * same port when `config` names one): what a deploy or a crash-and-restart does.
   */
  async restart(
    s: TestServer,
    config: Record<string, unknown> = {},
    options: Omit<NonNullable<Parameters<typeof startTestServer>[1]>, 'dataDir'> = {},
  ): Promise<TestServer> {
    await s.stop({ keepData: true });
    return this.server(config, { ...options, dataDir: s.dataDir });
  }

  /** The user's live socket, closed with the scope. */
  async connect(
    s: { readonly url: string },
    user: { readonly token: string },
    via: 'header' | 'protocol' = 'header',
  ): Promise<LiveClient> {
    const client = await LiveClient.connect(s.url, user.token, via);
    this.onClose(() => client.close());
    return client;
  }

  /** Runs `close` when the scope closes (a client core, a folder, a proxy). */
  onClose(close: Closer): void {
    this.closers.push(close);
  }

  /** Closes everything, last opened first; a server stopped twice is fine. */
  async close(): Promise<void> {
    const closers = this.closers.reverse();
    this.closers = [];
    for (const close of closers) await close();
  }
}

/**
 * A scope closed after each test (`'each'`, the default) or once after the file (`'all'`, for a
 * server set up in `beforeAll` and shared by the file's tests).
 */
export function serverScope(lifetime: 'each' | 'all' = 'each'): ServerScope {
  const scope = new ServerScope();
  (lifetime === 'each' ? afterEach : afterAll)(() => scope.close());
  return scope;
}
