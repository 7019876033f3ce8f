import { resolve } from 'node:path';
import { runAssign } from './assign';
import { runIntake, type Outcome } from './intake';
import { installGuards, runCleanups } from './lib/cleanup';
import { type BenchName, type BenchOptions, parseOptions, USAGE, UsageError } from './lib/options';
import { DOCS_FILE } from './lib/report';
import { runBoard } from './board';
import { runGrowth } from './growth';
import { runMetrics } from './metrics';
import { runPriority } from './priority';
import { runRenderer } from './renderer';
import { runSync } from './sync';

/*
 * `npm run bench [-- intake|assign|sync|priority|renderer|all] [--duration S] [--connections N] ...`
 *
 * The server benches start their own sync-server process on loopback; priority runs in this
 * process; renderer also drives a headless Chromium (the built renderer over the E2E bridge). Each prints a table and rewrites its own section of docs/benchmarks.md. Exits
 * non-zero when a bench fails or a check does not hold (e.g. a 2xx lead missing from the
 * database); child servers are killed on every path.
 */
const BENCHES: Record<BenchName, (options: BenchOptions) => Promise<Outcome>> = {
  intake: runIntake,
  assign: runAssign,
  sync: runSync,
  priority: runPriority,
  renderer: runRenderer,
  metrics: runMetrics,
  board: runBoard,
  growth: runGrowth,
};

async function main(): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    if (error.message) console.error(`bench: ${error.message}\n`);
    console.error(USAGE);
    return error.message ? 2 : 0;
  }
  if (options.cpuProfDir) options = { ...options, cpuProfDir: resolve(options.cpuProfDir) };
  installGuards(options.timeout * 1000);

  let failed = false;
  for (const name of options.benches) {
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
