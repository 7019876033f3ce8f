import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { type Api, mapLimit } from './http';
import { type AssignedMessage, RepSocket } from './live';

const LoginResponse = z.object({ token: z.string(), user: z.object({ id: z.string() }) });
const TeamResponse = z.object({ team: z.object({ id: z.string() }) });
const UserResponse = z.object({ user: z.object({ id: z.string() }) });
const ApiKeyResponse = z.object({ key: z.string() });
const HealthResponse = z.object({ commits: z.number(), writes: z.number(), online: z.number() });

export interface Admin {
  readonly email: string;
  readonly password: string;
}

export function benchAdmin(): Admin {
  return { email: 'bench-admin@example.com', password: `bench-${randomBytes(12).toString('hex')}` };
}

/**
 * The bench server's configuration: loopback only; scrypt N=1024 so that creating and signing
 * in hundreds of reps takes seconds (it is only the cost of a login, never of intake), and
 * those hundreds of sign-ins from one address allowed; a slow heartbeat so pings do not mix
 * with the measured traffic.
 */
export function benchServerConfig(): Record<string, unknown> {
  return {
    server: { host: '127.0.0.1' },
    auth: {
      scrypt: { N: 1024 },
      loginLimit: { perAddress: { max: 100_000, windowSeconds: 60 } },
    },
    live: { heartbeatSeconds: 30 },
    // The benchmarks measure what the server can take, past any per-key intake limit.
    intake: { rateLimit: null },
  };
}

export interface Seeded {
  readonly adminToken: string;
  readonly apiKey: string;
  readonly teamId: string;
  readonly reps: readonly { readonly id: string; readonly token: string }[];
}

/** One team of `reps` reps (weight 1, the given capacity), each signed in, and an intake API key. */
export async function seed(
  api: Api,
  admin: Admin,
  options: { reps: number; capacity: number },
): Promise<Seeded> {
  const { token: adminToken } = await api.json(LoginResponse, 'POST', '/api/v1/auth/login', {
    body: admin,
  });
  const { team } = await api.json(TeamResponse, 'POST', '/api/v1/teams', {
    token: adminToken,
    body: { name: 'Bench team' },
  });
  const password = `rep-${randomBytes(12).toString('hex')}`;
  const reps = await mapLimit(
    Array.from({ length: options.reps }, (_, i) => i),
    8,
    async (i) => {
      const email = `rep${i}@bench.example.com`;
      const { user } = await api.json(UserResponse, 'POST', '/api/v1/users', {
        token: adminToken,
        body: {
          email,
          name: `Bench Rep ${i}`,
          password,
          role: 'rep',
          teamId: team.id,
          weight: 1,
          capacity: options.capacity,
        },
      });
      const login = await api.json(LoginResponse, 'POST', '/api/v1/auth/login', {
        body: { email, password },
      });
      return { id: user.id, token: login.token };
    },
  );
  const { key } = await api.json(ApiKeyResponse, 'POST', '/api/v1/api-keys', {
    token: adminToken,
    body: { name: 'bench' },
  });
  return { adminToken, apiKey: key, teamId: team.id, reps };
}

/** Connects every rep on the live channel (waits for each hello) and checks the server sees them. */
export async function connectReps(
  api: Api,
  baseUrl: string,
  seeded: Seeded,
  onAssigned: (m: AssignedMessage) => void,
): Promise<RepSocket[]> {
  const sockets: RepSocket[] = [];
  try {
    await mapLimit(seeded.reps, 20, async (rep) => {
      sockets.push(await RepSocket.connect(baseUrl, rep.token, rep.id, onAssigned));
    });
  } catch (error) {
    await Promise.all(sockets.map((s) => s.close()));
    throw error;
  }
  // The hub adds a connection right after its hello; give it a moment, then check.
  const deadline = Date.now() + 5_000;
  for (;;) {
    const { online } = await health(api);
    if (online >= seeded.reps.length) break;
    if (Date.now() > deadline)
      throw new Error(`only ${online} of ${seeded.reps.length} reps are online`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return sockets;
}

export function health(api: Api): Promise<z.infer<typeof HealthResponse>> {
  return api.json(HealthResponse, 'GET', '/healthz');
}
