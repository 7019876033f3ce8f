import { resolve } from 'node:path';
import { runAssign } from './assign';
import { runIntake, type Outcome } from './intake';
import { installGuards, runCleanups } from './lib/cleanup';
import { type BenchName, type BenchOptions, parseOptions, USAGE, UsageError } from './lib/options';
import { runPriority } from './priority';
import { DOCS_FILE } from './lib/report';

/*
 * `npm run bench [-- intake|assign|priority|all] [--duration S] [--connections N] ...`
 *
 * The server benches (intake, assign) start their own sync-server process on loopback; priority
 * runs in this process. Each prints a table and rewrites its own section of docs/benchmarks.md.
 * Exits non-zero when a bench fails or a check does not hold (e.g. a 2xx lead missing from the
 * database); the child server is killed on every path.
 */
const BENCHES: Record<BenchName | 'priority', (options: BenchOptions) => Promise<Outcome>> = {
  intake: runIntake,
  assign: runAssign,
  priority: runPriority,
};

const PRIORITY_USAGE = `  priority           queue ordering (src/shared/priority.ts), in process, no server;
                     "all" runs it after intake and assign`;

/** Options of lib/options.ts that take a value, so a value is not read as a bench name. */
const VALUE_OPTIONS = new Set([
  '--duration',
  '--connections',
  '--reps',
  '--leads',
  '--concurrency',
  '--cpu-prof',
  '--timeout',
]);

/**
 * Takes the `priority` bench name out of the arguments: lib/options.ts parses the server
 * benches' options and names; priority needs only --no-docs.
 */
function splitPriority(argv: readonly string[]): { priority: boolean; rest: string[] } {
  const rest: string[] = [];
  let priority = false;
  argv.forEach((arg, i) => {
    const isValue = i > 0 && VALUE_OPTIONS.has(argv[i - 1] ?? '');
    if (arg === 'priority' && !isValue) priority = true;
    else rest.push(arg);
  });
  return { priority, rest };
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const { priority, rest } = splitPriority(argv);
  let options: BenchOptions;
  let names: (BenchName | 'priority')[];
  try {
    options = parseOptions(rest);
    const positional = rest.find(
      (arg, i) => !arg.startsWith('-') && !VALUE_OPTIONS.has(rest[i - 1] ?? ''),
    );
    if (priority && positional !== undefined)
      throw new UsageError(`one bench at a time: ${argv.join(' ')}`);
    if (priority) names = ['priority'];
    else if (positional === undefined || positional === 'all')
      names = [...options.benches, 'priority'];
    else names = [...options.benches];
    if (priority) {
      options = {
        ...options,
        command: `npm run bench -- ${argv.join(' ')}`,
      };
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    if (error.message) console.error(`bench: ${error.message}\n`);
    console.error(`${USAGE}\n\n${PRIORITY_USAGE}`);
    return error.message ? 2 : 0;
  }
  if (options.cpuProfDir) options = { ...options, cpuProfDir: resolve(options.cpuProfDir) };
  installGuards(options.timeout * 1000);

  let failed = false;
  for (const name of names) {
    try {
      const outcome = await BENCHES[name](options);
      if (outcome.failures.length > 0) failed = true;
    } catch (error) {
      failed = true;
      console.error(`bench ${name} failed:`, error);
    } finally {
      await runCleanups();
    }
  }
  if (options.writeDocs) console.log(`results written to ${DOCS_FILE}`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    console.error('bench:', error);
    await runCleanups();
    process.exit(1);
  },
);
