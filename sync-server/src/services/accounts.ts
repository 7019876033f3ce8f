import { uuidv7 } from '../../../src/shared/ids';
import type {
  CreateUserInput,
  Team,
  UpdateTeamInput,
  UpdateUserInput,
  User,
} from '../../../src/shared/user';
import { decoyHash, hashPassword, needsRehash, verifyPassword } from '../auth/password';
import { FailureLimiter } from '../auth/rate-limit';
import type { Config } from '../config/schema';
import { hashSecret, newSecret } from '../auth/tokens';
import type { TeamRow, UserRow, UserUpdate } from '../db/schema';
import type { WriteQueue } from '../db/write-queue';
import { toTeam, toUser } from '../domain/mappers';
import { ApiError } from '../domain/api-error';
import { findActiveApiKey, insertApiKey, revokeApiKey } from '../repos/api-keys';
import type { Db } from '../repos/db-types';
import {
  findLiveSession,
  insertSession,
  revokeSession,
  revokeUserSessions,
  type SessionWithUser,
} from '../repos/sessions';
import { findTeamById, findTeamByName, insertTeam, updateTeamAssignment } from '../repos/teams';
import {
  countActiveAdmins,
  findUserByEmail,
  findUserById,
  insertUser,
  replacePasswordHash,
  updateUser,
} from '../repos/users';
import type { Dispatcher } from '../routing/dispatcher';

export interface AccountsDeps {
  readonly db: Db;
  readonly writes: WriteQueue;
  readonly dispatcher: Dispatcher;
  readonly clock: () => number;
  /** The `auth` section of the config: scrypt cost, session lifetime, login limits. */
  readonly auth: Config['auth'];
  readonly onSessionsEnded?: (match: { sessionId?: string; userId?: string }) => void;
  /** A user's role or team changed: what their live sockets may receive changes with it. */
  readonly onScopeChanged?: (userId: string) => void;
}

export interface LoginResult {
  readonly token: string;
  readonly user: User;
}

/**
 * Users, teams, sessions and API keys: the one place these are created and changed, shared by
 * the HTTP API and the admin CLI.
 */
export class Accounts {
  private readonly perPair: FailureLimiter;
  private readonly perAccount: FailureLimiter;

  constructor(private readonly deps: AccountsDeps) {
    this.perPair = new FailureLimiter(deps.auth.loginLimit.perAccountAndAddress, deps.clock);
    this.perAccount = new FailureLimiter(deps.auth.loginLimit.perAccount, deps.clock);
  }

  /**
   * Signs in; throws 401 on bad credentials and 429 while this address is throttled at this
   * account. Failures count per (account, address), so guesses from one address never lock the
   * real user out from theirs; past `perAccount` failures from everywhere (guesses spread over
   * many addresses) each address gets one failed try per window. Each attempt is counted before
   * the KDF runs and given back when it succeeds, so a parallel burst cannot outrun the count.
   * A hash made with weaker parameters than the config's is replaced on the way.
   */
  async login(email: string, password: string, address: string): Promise<LoginResult> {
    const account = email.toLowerCase();
    const pair = `${account}\n${address}`;
    // Synchronous up to here: every attempt of a burst is counted before any of them hashes.
    const underAttack = this.perAccount.exhausted(account);
    const wait = this.perPair.reserve(
      pair,
      underAttack ? 1 : this.deps.auth.loginLimit.perAccountAndAddress.max,
    );
    if (wait > 0) {
      throw new ApiError(429, 'rate_limited', `too many failed sign-ins; try again in ${wait} s`, {
        retryAfterSeconds: wait,
      });
    }
    this.perAccount.record(account);
    let result: LoginResult | null;
    try {
      result = await this.signIn(account, password);
    } catch (error) {
      // Not a wrong password (the database failed): the attempt does not count against anyone.
      this.perPair.release(pair);
      this.perAccount.release(account);
      throw error;
    }
    if (!result) throw ApiError.unauthorized('wrong email or password');
    this.perPair.reset(pair);
    this.perAccount.release(account);
    return result;
  }

  /** Checks the password and opens a session; null for wrong credentials or an inactive user. */
  private async signIn(account: string, password: string): Promise<LoginResult | null> {
    const params = this.deps.auth.scrypt;
    const user = await findUserByEmail(this.deps.db, account);
    // Verify against a decoy when the account is unknown, so timing does not reveal which exist.
    const ok = await verifyPassword(password, user?.password_hash ?? (await decoyHash(params)));
    if (!user || !ok || Number(user.active) !== 1) return null;
    // The one moment the password is at hand: bring an old hash up to the current parameters.
    const rehashed = needsRehash(user.password_hash, params)
      ? await hashPassword(password, params)
      : null;
    const token = newSecret('session');
    const now = this.deps.clock();
    await this.deps.writes.run(async ({ trx }) => {
      if (rehashed !== null) await replacePasswordHash(trx, user.id, user.password_hash, rehashed);
      await insertSession(trx, {
        id: uuidv7(),
        user_id: user.id,
        token_hash: hashSecret(token),
        created_at: now,
        expires_at: now + this.deps.auth.sessionTtlHours * 3_600_000,
        revoked_at: null,
      });
    });
    return { token, user: toUser(user) };
  }

  async logout(sessionId: string): Promise<void> {
    await this.deps.writes.run(({ trx }) => revokeSession(trx, sessionId, this.deps.clock()));
    this.deps.onSessionsEnded?.({ sessionId });
  }

  authenticate(token: string): Promise<SessionWithUser | undefined> {
    return findLiveSession(this.deps.db, hashSecret(token), this.deps.clock());
  }

  authenticateApiKey(key: string) {
    return findActiveApiKey(this.deps.db, hashSecret(key));
  }

  async createTeam(name: string): Promise<Team> {
    const team = await this.deps.writes.run(async ({ trx }) => {
      if (await findTeamByName(trx, name)) throw ApiError.conflict(`a team named "${name}" exists`);
      const row: TeamRow = {
        id: uuidv7(),
        name,
        created_at: this.deps.clock(),
        assignment: 'fair',
      };
      await insertTeam(trx, row);
      return row;
    });
    // Leads that waited for want of any team go to the default team once it exists.
    await this.deps.dispatcher.drain(team.id);
    return toTeam(team);
  }

  /**
   * Changes how a team's new leads find a rep. Offers already open stay open until claimed or
   * expired; waiting leads are handed out at once under the new mode.
   */
  async updateTeam(id: string, input: UpdateTeamInput): Promise<Team> {
    return this.deps.writes.run(async (ctx) => {
      const current = await findTeamById(ctx.trx, id);
      if (!current) throw ApiError.notFound('team');
      await updateTeamAssignment(ctx.trx, id, input.assignment);
      await this.deps.dispatcher.drainWithin(ctx, id);
      return toTeam({ ...current, assignment: input.assignment });
    });
  }

  async createUser(input: CreateUserInput): Promise<User> {
    const passwordHash = await hashPassword(input.password, this.deps.auth.scrypt);
    return this.deps.writes.run(async (ctx) => {
      const { trx } = ctx;
      if (await findUserByEmail(trx, input.email))
        throw ApiError.conflict(`a user with email ${input.email} exists`);
      await this.requireTeam(trx, input.teamId ?? null);
      const now = this.deps.clock();
      const row = {
        id: uuidv7(),
        email: input.email,
        name: input.name,
        password_hash: passwordHash,
        role: input.role,
        team_id: input.teamId ?? null,
        weight: input.weight ?? 1,
        capacity: input.capacity ?? 25,
        active: 1,
        receiving_leads: 1,
        created_at: now,
        updated_at: now,
      };
      await insertUser(trx, row);
      if (row.team_id && row.role === 'rep')
        await this.deps.dispatcher.drainWithin(ctx, row.team_id);
      return toUser(row);
    });
  }

  async updateUser(id: string, input: UpdateUserInput): Promise<User> {
    const passwordHash = input.password
      ? await hashPassword(input.password, this.deps.auth.scrypt)
      : undefined;
    const updated = await this.deps.writes.run(async (ctx) => {
      const { trx } = ctx;
      const current = await findUserById(trx, id);
      if (!current) throw ApiError.notFound('user');
      await this.keepAnAdmin(trx, current, input);
      if (input.teamId !== undefined) await this.requireTeam(trx, input.teamId);
      const now = this.deps.clock();
      const patch: UserUpdate = { updated_at: now };
      if (input.name !== undefined) patch.name = input.name;
      if (input.role !== undefined) patch.role = input.role;
      if (input.teamId !== undefined) patch.team_id = input.teamId;
      if (input.weight !== undefined) patch.weight = input.weight;
      if (input.capacity !== undefined) patch.capacity = input.capacity;
      if (input.active !== undefined) patch.active = input.active ? 1 : 0;
      if (input.receivingLeads !== undefined) patch.receiving_leads = input.receivingLeads ? 1 : 0;
      if (passwordHash !== undefined) patch.password_hash = passwordHash;
      await updateUser(trx, id, patch);
      const deactivated = input.active === false && Number(current.active) === 1;
      if (deactivated || passwordHash !== undefined) await revokeUserSessions(trx, id, now);
      const row = { ...current, ...patch };
      // Any change can make this rep eligible (back to receiving, more capacity, new team).
      if (row.team_id && row.role === 'rep' && Number(row.active) === 1)
        await this.deps.dispatcher.drainWithin(ctx, row.team_id);
      const rescoped = row.role !== current.role || row.team_id !== current.team_id;
      return { row, endSessions: deactivated || passwordHash !== undefined, rescoped };
    });
    // After the commit: sockets closed for a change that might still roll back would be wrong.
    if (updated.endSessions) this.deps.onSessionsEnded?.({ userId: id });
    else if (updated.rescoped) this.deps.onScopeChanged?.(id);
    return toUser(updated.row);
  }

  /**
   * Refuses (409) to demote or deactivate the last active admin: nobody could manage users
   * any more, and a restart with POUNCE_ADMIN_EMAIL could not create a new one (the email is
   * taken). Runs inside the write, so two admins demoting each other cannot both succeed.
   */
  private async keepAnAdmin(db: Db, current: UserRow, input: UpdateUserInput): Promise<void> {
    if (current.role !== 'admin' || Number(current.active) !== 1) return;
    const demoted = input.role !== undefined && input.role !== 'admin';
    if (!demoted && input.active !== false) return;
    if ((await countActiveAdmins(db)) > 1) return;
    throw new ApiError(
      409,
      'conflict',
      `${current.email} is the last active admin; make another user admin first`,
      { reason: 'last_admin' },
    );
  }

  async createApiKey(
    name: string,
    createdBy: string | null,
  ): Promise<{ apiKey: { id: string; name: string }; key: string }> {
    const key = newSecret('apiKey');
    const now = this.deps.clock();
    const id = uuidv7();
    await this.deps.writes.run(({ trx }) =>
      insertApiKey(trx, {
        id,
        name,
        key_hash: hashSecret(key),
        created_by: createdBy,
        created_at: now,
        revoked_at: null,
      }),
    );
    return { apiKey: { id, name }, key };
  }

  async revokeApiKey(id: string): Promise<void> {
    const revoked = await this.deps.writes.run(({ trx }) =>
      revokeApiKey(trx, id, this.deps.clock()),
    );
    if (!revoked) throw ApiError.notFound('API key');
  }

  /**
   * Creates the first admin from POUNCE_ADMIN_EMAIL / POUNCE_ADMIN_PASSWORD when no admin exists.
   * Returns true when it created one.
   */
  async ensureAdmin(email: string, password: string): Promise<boolean> {
    if ((await countActiveAdmins(this.deps.db)) > 0) return false;
    await this.createUser({
      email: email.toLowerCase(),
      name: 'Administrator',
      password,
      role: 'admin',
    });
    return true;
  }

  private async requireTeam(db: Db, teamId: string | null): Promise<void> {
    if (teamId !== null && !(await findTeamById(db, teamId))) {
      throw ApiError.validation([{ field: 'teamId', message: 'no team with this id' }]);
    }
  }
}
