import { ConfigError } from '../config/load';
import { ApiError } from '../domain/api-error';
import { openAdminContext, type AdminContext } from './admin-context';
import { API_KEY_COMMANDS } from './api-key-commands';
import { FLAG_OF_FIELD, type Command } from './command';
import { CommandFailure, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './errors';
import { describeByFlag, GLOBAL_FLAGS, parseFlags } from './flags';
import { commandHelp, overviewHelp } from './help';
import { IMPORT_COMMANDS } from './import-csv-command';
import { createOutput } from './output';
import { PromptCancelled, promptSecret } from './prompt-secret';
import { REPORT_COMMANDS } from './report-command';
import { SOURCE_COMMANDS } from './source-commands';
import { TEAM_COMMANDS } from './team-commands';
import { USER_COMMANDS } from './user-commands';

export const COMMANDS: readonly Command[] = [
  ...TEAM_COMMANDS,
  ...USER_COMMANDS,
  ...API_KEY_COMMANDS,
  ...SOURCE_COMMANDS,
  ...IMPORT_COMMANDS,
  ...REPORT_COMMANDS,
];

export interface AdminIo {
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly promptSecret?: (label: string) => Promise<string | null>;
}

const defaultIo: AdminIo = {
  env: process.env,
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  promptSecret,
};

/**
 * Runs one admin command and resolves to the process exit code; never throws and never calls
 * `process.exit`, and closes the database whatever happens, so the caller's process can end.
 *
 *   process.exitCode = await runAdmin(process.argv.slice(2));
 */
export async function runAdmin(argv: readonly string[], io: AdminIo = defaultIo): Promise<number> {
  const { words, args } = splitCommand(argv);
  const [first, second] = words;
  if (first === undefined || first === 'help' || args.includes('--help') || args.includes('-h')) {
    const named = findCommand(first === 'help' ? words.slice(1) : words);
    io.stdout(`${named ? commandHelp(named) : overviewHelp(COMMANDS)}\n`);
    return EXIT_OK;
  }

  const command = findCommand(words);
  if (!command) {
    io.stderr(
      `admin: ${unknownCommandMessage(first, second)}\nRun "npm run admin -- help" for the list of commands.\n`,
    );
    return EXIT_USAGE;
  }
  const json = args.includes('--json');
  let opened: AdminContext | undefined;
  try {
    const flags = parseFlags(args, command.flags);
    let opening: Promise<AdminContext> | undefined;
    const admin = () =>
      (opening ??= openAdminContext({
        configFile: flags.string('config'),
        dataDir: flags.string('data-dir'),
        env: io.env,
      }).then((ctx) => {
        opened = ctx;
        if (ctx.createdDatabase)
          io.stderr(`admin: note: created a new, empty database at ${ctx.databaseFile}\n`);
        return ctx;
      }));
    await command.run({
      flags,
      out: createOutput(json, io.stdout),
      admin,
      promptSecret: io.promptSecret ?? (() => Promise.resolve(null)),
    });
    return EXIT_OK;
  } catch (error) {
    const failure = describeFailure(error);
    if (json)
      io.stderr(`${JSON.stringify({ error: { code: failure.code, message: failure.message } })}\n`);
    else {
      io.stderr(`admin: ${failure.message}\n`);
      if (error instanceof UsageError)
        io.stderr(`Run "npm run admin -- ${command.name} --help" for its flags.\n`);
    }
    return failure.exitCode;
  } finally {
    await opened?.close();
  }
}

/**
 * Separates the command words from the flags. Global flags may come before the command
 * (`--data-dir x users list`), so leading flags are skipped, with the value of those that take one.
 */
function splitCommand(argv: readonly string[]): { words: string[]; args: string[] } {
  const words: string[] = [];
  const args: string[] = [];
  let i = 0;
  // A one-word command (`report`) takes no second word: what follows is its flags' business.
  const oneWord = (word: string | undefined) => COMMANDS.some((c) => c.name === word);
  while (i < argv.length && words.length < 2 && !(words.length === 1 && oneWord(words[0]))) {
    const arg = argv[i] ?? '';
    if (arg.startsWith('-')) {
      args.push(arg);
      const spec = GLOBAL_FLAGS[arg.replace(/^--?/, '')];
      if (spec?.type === 'string' && i + 1 < argv.length) args.push(argv[++i] ?? '');
    } else {
      words.push(arg);
    }
    i += 1;
  }
  return { words, args: [...args, ...argv.slice(i)] };
}

function findCommand(words: readonly string[]): Command | undefined {
  const name = `${words[0] ?? ''} ${words[1] ?? ''}`;
  return COMMANDS.find((c) => c.name === name || (words.length === 1 && c.name === words[0]));
}

function unknownCommandMessage(group: string, action: string | undefined): string {
  const actions = COMMANDS.filter((c) => c.name.startsWith(`${group} `)).map((c) =>
    c.name.slice(group.length + 1),
  );
  if (actions.length === 0) return `unknown command "${group}"`;
  const given =
    action === undefined ? `"${group}" needs a command` : `unknown command "${group} ${action}"`;
  return `${given}; ${group} commands: ${actions.join(', ')}`;
}

interface Failure {
  readonly exitCode: number;
  readonly code: string;
  readonly message: string;
}

/** Expected failures become one clear line; only a bug (anything else) shows its stack. */
function describeFailure(error: unknown): Failure {
  if (error instanceof UsageError)
    return { exitCode: EXIT_USAGE, code: 'usage', message: error.message };
  if (error instanceof ConfigError)
    return { exitCode: EXIT_USAGE, code: 'config', message: error.message };
  if (error instanceof PromptCancelled)
    return { exitCode: 130, code: 'cancelled', message: 'cancelled' };
  if (error instanceof CommandFailure)
    return { exitCode: EXIT_FAILURE, code: 'failed', message: error.message };
  if (error instanceof ApiError) {
    const fields = fieldsOf(error.details);
    if (error.status === 422 && fields.length > 0) {
      return {
        exitCode: EXIT_USAGE,
        code: error.code,
        message: describeByFlag(fields, FLAG_OF_FIELD),
      };
    }
    return { exitCode: EXIT_FAILURE, code: error.code, message: error.message };
  }
  if (
    error instanceof Error &&
    'code' in error &&
    typeof error.code === 'string' &&
    error.code.startsWith('SQLITE_')
  ) {
    return {
      exitCode: EXIT_FAILURE,
      code: 'database',
      message: `database error (${error.code}): ${error.message}`,
    };
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return {
    exitCode: EXIT_FAILURE,
    code: 'internal',
    message: `unexpected error (a bug; please report it):\n${detail}`,
  };
}

function fieldsOf(details: unknown): { field: string; message: string }[] {
  if (
    typeof details !== 'object' ||
    details === null ||
    !('fields' in details) ||
    !Array.isArray(details.fields)
  )
    return [];
  return details.fields.flatMap((f: unknown) =>
    typeof f === 'object' &&
    f !== null &&
    'field' in f &&
    'message' in f &&
    typeof f.field === 'string' &&
    typeof f.message === 'string'
      ? [{ field: f.field, message: f.message }]
      : [],
  );
}
