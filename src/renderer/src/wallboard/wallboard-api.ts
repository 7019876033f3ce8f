import { type BoardCharts, boardChartsPath, parseBoardCharts } from '../../../shared/board-charts';
import type { BoardLeadName, BoardPerson } from '../../../shared/board-view';
import { USER_ROLES, type UserRole } from '../../../shared/user';

/*
 * The wallboard's way to its server: the page's own origin (the sync-server serves it at
 * /board), the team lead's token from the sign-in, and nothing else. A plain browser page: no
 * app, no IPC, just fetch.
 *
 *   const session = await logIn(email, password);   // refuses a rep
 *   const charts = await readCharts(session.token, teamId);
 */

export interface WallboardSession {
  readonly token: string;
  readonly user: { readonly id: string; readonly name: string; readonly role: UserRole };
}

/** A failed request: the HTTP status (0 for the network) and the server's error code. */
export class ApiFailure extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | null,
  ) {
    super(message);
  }
}

export const ROLE_REFUSED =
  'This board is for team leads and admins. Sign in with a team lead’s account.';

async function api(
  path: string,
  options: { readonly token?: string; readonly method?: 'GET' | 'POST'; readonly body?: unknown },
): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      headers: {
        ...(options.token !== undefined && { authorization: `Bearer ${options.token}` }),
        ...(options.body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
    });
  } catch {
    throw new ApiFailure('cannot reach the server', 0, null);
  }
  const body = await response.text().catch(() => '');
  let json: unknown;
  try {
    json = body ? JSON.parse(body) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    const error = record(record(json)?.['error']);
    const code = typeof error?.['code'] === 'string' ? error['code'] : null;
    const message =
      typeof error?.['message'] === 'string' ? error['message'] : `HTTP ${response.status}`;
    throw new ApiFailure(message, response.status, code);
  }
  return json;
}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function roleOf(value: unknown): UserRole | null {
  return USER_ROLES.find((r) => r === value) ?? null;
}

/**
 * Signs in as a team lead or admin. A rep's sign-in is refused (and its fresh token ended at
 * once, so no session is left behind): a rep has no board.
 */
export async function logIn(email: string, password: string): Promise<WallboardSession> {
  let answer: Record<string, unknown> | null;
  try {
    answer = record(await api('/api/v1/auth/login', { method: 'POST', body: { email, password } }));
  } catch (error) {
    if (error instanceof ApiFailure && error.status === 401) {
      throw new ApiFailure('Wrong email or password.', 401, error.code);
    }
    if (error instanceof ApiFailure && error.status === 429) {
      throw new ApiFailure('Too many attempts: wait a few minutes and try again.', 429, error.code);
    }
    throw error;
  }
  const token = text(answer?.['token']);
  const user = record(answer?.['user']);
  const id = text(user?.['id']);
  const role = roleOf(user?.['role']);
  if (token === null || id === null || role === null) {
    throw new ApiFailure('This server’s answer could not be read.', 200, 'bad_response');
  }
  if (role === 'rep') {
    await logOut(token);
    throw new ApiFailure(ROLE_REFUSED, 403, 'role_refused');
  }
  return { token, user: { id, name: text(user?.['name']) ?? '', role } };
}

export async function logOut(token: string): Promise<void> {
  await api('/api/v1/auth/logout', { method: 'POST', token }).catch(() => undefined);
}

/** Whether the token is still good (a socket that cannot open may mean a session that ended). */
export async function stillSignedIn(token: string): Promise<boolean> {
  try {
    await api('/api/v1/me', { token });
    return true;
  } catch (error) {
    return !(error instanceof ApiFailure && error.status === 401);
  }
}

export async function readCharts(token: string, teamId: string): Promise<BoardCharts> {
  const charts = parseBoardCharts(await api(boardChartsPath(teamId), { token }));
  if (!charts) throw new ApiFailure('the charts could not be read', 200, 'bad_response');
  return charts;
}

export async function readPeople(token: string): Promise<BoardPerson[]> {
  const users = record(await api('/api/v1/users', { token }))?.['users'];
  if (!Array.isArray(users)) return [];
  return users.flatMap((raw): BoardPerson[] => {
    const u = record(raw);
    const id = text(u?.['id']);
    const role = roleOf(u?.['role']);
    if (id === null || role === null) return [];
    return [
      {
        id,
        name: text(u?.['name']) ?? '',
        role,
        teamId: text(u?.['teamId']),
        active: u?.['active'] !== false,
      },
    ];
  });
}

export async function readTeams(token: string): Promise<{ id: string; name: string }[]> {
  const teams = record(await api('/api/v1/teams', { token }))?.['teams'];
  if (!Array.isArray(teams)) return [];
  return teams.flatMap((raw) => {
    const t = record(raw);
    const id = text(t?.['id']);
    return id === null ? [] : [{ id, name: text(t?.['name']) ?? '' }];
  });
}

export async function readLeadName(token: string, leadId: string): Promise<BoardLeadName | null> {
  try {
    const lead = record(
      record(await api(`/api/v1/leads/${encodeURIComponent(leadId)}`, { token }))?.['lead'],
    );
    const name = text(lead?.['name']);
    return name === null ? null : { name, company: text(lead?.['company']) };
  } catch (error) {
    if (error instanceof ApiFailure && error.status === 404) return null;
    throw error;
  }
}

const SESSION_KEY = 'pounce.wallboard.session';

/** The session of this tab only (sessionStorage): closing the tab signs the TV out. */
export function keptSession(): WallboardSession | null {
  try {
    const raw = record(JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null'));
    const user = record(raw?.['user']);
    const token = text(raw?.['token']);
    const id = text(user?.['id']);
    const role = roleOf(user?.['role']);
    if (token === null || id === null || role === null || role === 'rep') return null;
    return { token, user: { id, name: text(user?.['name']) ?? '', role } };
  } catch {
    return null;
  }
}

export function keepSession(session: WallboardSession | null): void {
  if (session) sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  else sessionStorage.removeItem(SESSION_KEY);
}
