import { CreateTeamSchema, UpdateTeamSchema } from '../../../src/shared/user';
import { toTeam } from '../domain/mappers';
import { listTeams } from '../repos/teams';
import { listUsers } from '../repos/users';
import { FLAG_OF_FIELD, type Command } from './command';
import { validateFlags } from './flags';
import { resolveTeam } from './lookups';
import { table } from './output';

const teamsCreate: Command = {
  name: 'teams create',
  summary: 'create a team',
  flags: {
    name: { type: 'string', value: 'NAME', description: 'team name (unique)', required: true },
  },
  examples: ['teams create --name "EMEA Inbound"'],
  async run({ flags, out, admin }) {
    const { name } = validateFlags(CreateTeamSchema, { name: flags.string('name') }, FLAG_OF_FIELD);
    const team = await (await admin()).accounts.createTeam(name);
    out.result({ team }, () => `Created team "${team.name}" (id ${team.id}).`);
  },
};

const teamsList: Command = {
  name: 'teams list',
  summary: 'list teams with their member counts',
  flags: {},
  async run({ out, admin }) {
    const { db } = await admin();
    const rows = await listTeams(db);
    const users = await listUsers(db);
    const count = (teamId: string, role: string) =>
      users.filter((u) => u.team_id === teamId && u.role === role && Number(u.active) === 1).length;
    out.result({ teams: rows.map(toTeam) }, () =>
      table(
        ['NAME', 'ASSIGNMENT', 'REPS', 'LEADS', 'ID'],
        rows.map((t) => [t.name, t.assignment, count(t.id, 'rep'), count(t.id, 'lead'), t.id]),
        '(no teams yet: teams create --name NAME)',
      ),
    );
  },
};

const teamsUpdate: Command = {
  name: 'teams update',
  summary: "change how a team's new leads find a rep",
  flags: {
    team: {
      type: 'string',
      value: 'NAME_OR_ID',
      description: 'the team, by name or id',
      required: true,
    },
    assignment: {
      type: 'string',
      value: 'fair|claim',
      description: 'fair: routing picks the rep; claim: offered to all, the first to claim wins',
      required: true,
    },
  },
  examples: ['teams update --team "EMEA Inbound" --assignment claim'],
  async run({ flags, out, admin }) {
    const input = validateFlags(
      UpdateTeamSchema,
      { assignment: flags.string('assignment') },
      FLAG_OF_FIELD,
    );
    const { db, accounts } = await admin();
    const current = await resolveTeam(db, flags.requiredString('team'));
    const team = await accounts.updateTeam(current.id, input);
    out.result(
      { team },
      () =>
        `Team "${team.name}" now ${team.assignment === 'claim' ? 'offers new leads to every eligible rep (first to claim)' : 'routes new leads fairly'}.`,
    );
  },
};

export const TEAM_COMMANDS: readonly Command[] = [teamsCreate, teamsList, teamsUpdate];
