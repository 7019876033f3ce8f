import { SetAwaySchema, type AwayPeriod } from '../../../src/shared/away';
import { CreateUserSchema, UpdateUserSchema, type User } from '../../../src/shared/user';
import type { AwayActor } from '../lifecycle/away';
import { toUser } from '../domain/mappers';
import { listUsers } from '../repos/users';
import { FLAG_OF_FIELD, type Command, type CommandContext } from './command';
import { UsageError } from './errors';
import { validateFlags, type ParsedFlags } from './flags';
import { requireUserByEmail, resolveTeam, teamNames } from './lookups';
import { shortDate, table } from './output';

const ROLE = {
  type: 'string',
  value: 'rep|lead|admin',
  description: 'rep gets leads, lead watches a team, admin manages',
} as const;
const TEAM = { type: 'string', value: 'NAME_OR_ID', description: 'team, by name or id' } as const;
const WEIGHT = {
  type: 'string',
  value: 'N',
  description: 'share of leads relative to teammates (1-100, default 1)',
} as const;
const CAPACITY = {
  type: 'string',
  value: 'N',
  description: 'most untouched leads held at once (default 25)',
} as const;

const usersCreate: Command = {
  name: 'users create',
  summary: 'create a user (asks for the password on a terminal when --password is left out)',
  flags: {
    email: {
      type: 'string',
      value: 'EMAIL',
      description: 'sign-in email (unique)',
      required: true,
    },
    name: { type: 'string', value: 'NAME', description: 'display name', required: true },
    password: { type: 'string', value: 'PASSWORD', description: 'at least 10 characters' },
    role: { ...ROLE, required: true },
    team: TEAM,
    weight: WEIGHT,
    capacity: CAPACITY,
  },
  examples: [
    'users create --email ann@acme.com --name "Ann Lee" --role rep --team "EMEA Inbound" --weight 2',
  ],
  async run(ctx) {
    const { flags } = ctx;
    const fields = {
      email: flags.string('email'),
      name: flags.string('name'),
      role: flags.string('role'),
      weight: flags.integer('weight'),
      capacity: flags.integer('capacity'),
    };
    // Everything but the password first, so a typo is reported before anyone types a password.
    validateFlags(CreateUserSchema.omit({ password: true, teamId: true }), fields, FLAG_OF_FIELD);
    const input = validateFlags(
      CreateUserSchema,
      { ...fields, password: await passwordFrom(ctx) },
      FLAG_OF_FIELD,
    );
    const teamFlag = flags.string('team');
    const { db, accounts } = await ctx.admin();
    const teamId = teamFlag === undefined ? undefined : (await resolveTeam(db, teamFlag)).id;
    const user = await accounts.createUser({ ...input, ...(teamId !== undefined && { teamId }) });
    const team = user.teamId
      ? ` in team "${(await teamNames(db)).get(user.teamId) ?? user.teamId}"`
      : '';
    ctx.out.result(
      { user },
      () => `Created ${user.role} ${user.name} <${user.email}>${team} (id ${user.id}).`,
    );
  },
};

async function passwordFrom({ flags, promptSecret }: CommandContext): Promise<string> {
  const given = flags.string('password');
  if (given !== undefined) return given;
  const first = await promptSecret('Password (at least 10 characters): ');
  if (first === null)
    throw new UsageError('--password is required (or run in a terminal to be asked for it)');
  const again = await promptSecret('Repeat the password: ');
  if (again !== first) throw new UsageError('the two passwords differ');
  return first;
}

const usersList: Command = {
  name: 'users list',
  summary: 'list users, optionally of one team',
  flags: { team: TEAM },
  async run({ flags, out, admin }) {
    const { db } = await admin();
    const teamFlag = flags.string('team');
    const teamId = teamFlag === undefined ? undefined : (await resolveTeam(db, teamFlag)).id;
    const users = (await listUsers(db, teamId === undefined ? {} : { teamId })).map(toUser);
    const names = await teamNames(db);
    out.result({ users }, () =>
      table(
        [
          'EMAIL',
          'NAME',
          'ROLE',
          'TEAM',
          'WEIGHT',
          'CAPACITY',
          'ACTIVE',
          'RECEIVING',
          'CREATED',
          'ID',
        ],
        users.map((u) => [
          u.email,
          u.name,
          u.role,
          u.teamId === null ? null : (names.get(u.teamId) ?? u.teamId),
          u.weight,
          u.capacity,
          u.active,
          u.receivingLeads,
          shortDate(u.createdAt),
          u.id,
        ]),
        teamFlag === undefined ? '(no users yet)' : '(no users in this team)',
      ),
    );
  },
};

const usersUpdate: Command = {
  name: 'users update',
  summary: 'change a user, found by email (only the given flags change)',
  flags: {
    email: { type: 'string', value: 'EMAIL', description: 'the user to change', required: true },
    name: { type: 'string', value: 'NAME', description: 'new display name' },
    role: ROLE,
    team: TEAM,
    'no-team': { type: 'boolean', description: 'take the user out of their team' },
    weight: WEIGHT,
    capacity: CAPACITY,
    active: {
      type: 'string',
      value: 'true|false',
      description: 'false signs the user out and stops their leads',
    },
    'receiving-leads': {
      type: 'string',
      value: 'true|false',
      description: 'whether routing may give them leads',
    },
    password: {
      type: 'string',
      value: 'PASSWORD',
      description: 'new password (signs the user out everywhere)',
    },
  },
  examples: ['users update --email ann@acme.com --weight 2 --receiving-leads false'],
  async run({ flags, out, admin }) {
    const changes = readChanges(flags);
    const movesTeam = flags.has('team') || flags.boolean('no-team');
    // Check the values before touching the database; the team is looked up below (null stands in).
    validateFlags(
      UpdateUserSchema,
      { ...changes, ...(movesTeam && { teamId: null }) },
      FLAG_OF_FIELD,
    );
    const { db, accounts } = await admin();
    const current = await requireUserByEmail(db, flags.requiredString('email'));
    const teamFlag = flags.string('team');
    const teamId =
      teamFlag !== undefined
        ? (await resolveTeam(db, teamFlag)).id
        : flags.boolean('no-team')
          ? null
          : undefined;
    const input = validateFlags(
      UpdateUserSchema,
      { ...changes, ...(teamId !== undefined && { teamId }) },
      FLAG_OF_FIELD,
    );
    const user = await accounts.updateUser(current.id, input);
    out.result(
      { user },
      () => `Updated ${user.email}: ${describeChanges(user, Object.keys(input))}.`,
    );
  },
};

/** The changes asked for, checked for shape; the schema checks the values. */
function readChanges(flags: ParsedFlags): Record<string, unknown> {
  if (flags.has('team') && flags.boolean('no-team'))
    throw new UsageError('--team and --no-team contradict each other');
  const changes = {
    name: flags.string('name'),
    role: flags.string('role'),
    weight: flags.integer('weight'),
    capacity: flags.integer('capacity'),
    active: flags.booleanValue('active'),
    receivingLeads: flags.booleanValue('receiving-leads'),
    password: flags.string('password'),
  };
  const given = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
  if (Object.keys(given).length === 0 && !flags.has('team') && !flags.boolean('no-team')) {
    throw new UsageError(
      'nothing to change: give at least one of --name, --role, --team, --no-team, --weight, --capacity, --active, --receiving-leads, --password',
    );
  }
  return given;
}

function describeChanges(user: User, fields: readonly string[]): string {
  return fields
    .map((field) => {
      switch (field) {
        case 'password':
          return 'password changed (sessions signed out)';
        case 'teamId':
          return `team ${user.teamId ?? 'none'}`;
        case 'receivingLeads':
          return `receiving leads ${user.receivingLeads ? 'yes' : 'no'}`;
        case 'name':
        case 'role':
        case 'weight':
        case 'capacity':
        case 'active':
          return `${field} ${String(user[field])}`;
        default:
          return field;
      }
    })
    .join(', ');
}

/** The admin CLI acts as an admin with no user of its own. */
const CLI_ACTOR: AwayActor = { id: null, role: 'admin', teamId: null };

const usersAway: Command = {
  name: 'users away',
  summary: 'mark a rep away (no leads, untouched ones handed on), end it early, or show it',
  flags: {
    email: { type: 'string', value: 'EMAIL', description: 'the rep', required: true },
    until: { type: 'string', value: 'ISO_TIME', description: 'back at, e.g. 2026-12-24T17:00:00Z' },
    from: { type: 'string', value: 'ISO_TIME', description: 'away from (default now)' },
    reason: { type: 'string', value: 'TEXT', description: 'shown with the period' },
    end: { type: 'boolean', description: 'end the period now (or call off one to come)' },
  },
  examples: [
    'users away --email ann@acme.com --until 2026-12-24T17:00:00Z --reason holiday',
    'users away --email ann@acme.com --end',
  ],
  async run({ flags, out, admin }) {
    const ending = flags.boolean('end');
    const setting = flags.has('until') || flags.has('from') || flags.has('reason');
    if (ending && setting) throw new UsageError('--end takes no --until, --from or --reason');
    const input = setting
      ? validateFlags(
          SetAwaySchema,
          {
            until: flags.string('until'),
            ...(flags.has('from') && { from: flags.string('from') }),
            ...(flags.has('reason') && { reason: flags.string('reason') }),
          },
          FLAG_OF_FIELD,
        )
      : null;
    const { db, away } = await admin();
    const user = await requireUserByEmail(db, flags.requiredString('email'));
    if (input) {
      const period = await away.set(CLI_ACTOR, user.id, input);
      out.result({ away: period }, () => `${describeAway(user.email, period)}. ${SERVER_NOTE}`);
    } else if (ending) {
      const period = await away.end(CLI_ACTOR, user.id);
      out.result(
        { away: period },
        () =>
          `${user.email}: ${period.startedAt === null ? 'the away period was called off' : 'back now'}. ${SERVER_NOTE}`,
      );
    } else {
      const period = await away.get(CLI_ACTOR, user.id);
      out.result({ away: period }, () =>
        period ? describeAway(user.email, period) : `${user.email} is not marked away.`,
      );
    }
  },
};

const SERVER_NOTE =
  'The running server hands on leads at the start and levels fairness at the end (within a minute).';

function describeAway(email: string, period: AwayPeriod): string {
  const reason = period.reason ? ` (${period.reason})` : '';
  return `${email} is away from ${shortDate(period.from)} until ${shortDate(period.until)} UTC${reason}`;
}

export const USER_COMMANDS: readonly Command[] = [usersCreate, usersList, usersUpdate, usersAway];
