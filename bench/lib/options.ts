import { parseArgs } from 'node:util';

export const BENCH_NAMES = [
  'intake',
  'assign',
  'sync',
  'priority',
  'renderer',
  'metrics',
  'board',
  'growth',
] as const;
export type BenchName = (typeof BENCH_NAMES)[number];

export interface BenchOptions {
  readonly benches: readonly BenchName[];
  /** Seconds of intake load, and of the better-sqlite3 baseline. */
  readonly duration: number;
  /** Concurrent HTTP connections of the intake load (autocannon). */
  readonly connections: number;
  readonly intakeReps: number;
  readonly assignReps: number;
  /** Leads per assignment-latency variant. */
  readonly leads: number;
  /** Posts in flight in the concurrent assignment-latency variant. */
  readonly concurrency: number;
  readonly writeDocs: boolean;
  readonly keepData: boolean;
  /** Folder for `node --cpu-prof` profiles of the server, if wanted. */
  readonly cpuProfDir: string | undefined;
  /** growth: leads stored per size (a tenth open, then all open). */
  readonly growthSizes: readonly number[];
  /** growth: leads stored for the start-up check (20,000 of them open). */
  readonly startupLeads: number;
  /** Watchdog for the whole run, seconds. */
  readonly timeout: number;
  /** How the run was invoked, for the docs. */
  readonly command: string;
}

export class UsageError extends Error {}

export const USAGE = `usage: npm run bench [-- intake|assign|sync|priority|renderer|metrics|board|all] [options]

  intake             intake throughput vs a bare better-sqlite3 baseline
  assign             2xx -> lead.assigned with 200 reps connected
  sync               2xx -> lead in a client's SQLite and notify(), 200 clients; initial sync of 10,000 leads
  priority           ordering 10,000 leads (src/shared/priority.ts), in process
  renderer           the built renderer in Chromium with 5,000 leads: first paint, keys, timers, heap
  metrics            the live-metrics engine: 50 reps, 5,000 open leads, per-event apply cost, in process
  board              the live board end to end: 50 reps, 5,000 open leads, 50 events/s -> team lead's board
  growth             intake, push, board feed and restart at 0/10k/50k/100k stored leads; start-up with 1M

  --duration S       intake load and baseline duration in seconds (default 10)
  --connections N    intake: concurrent HTTP connections (default 50)
  --reps N           reps on the live channel (default: intake 10, assign 200)
  --leads N          assign: leads per variant (default 1000)
  --concurrency N    assign: posts in flight in the concurrent variant (default 10)
  --sizes A,B,C      growth: leads stored per size (default 10000,50000,100000)
  --startup-leads N  growth: leads stored for the start-up check (default 1000000)
  --no-docs          print the tables only; leave docs/benchmarks.md alone
  --keep-data        keep the temp folders (databases, server config)
  --cpu-prof DIR     run the server under node --cpu-prof, profiles into DIR
  --timeout S        watchdog for the whole run (default: computed from the above)`;

function positiveInt(name: string, raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new UsageError(`--${name} must be a whole number from 1 to ${max}, got "${raw}"`);
  return n;
}

export function parseOptions(argv: readonly string[]): BenchOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        duration: { type: 'string' },
        connections: { type: 'string' },
        reps: { type: 'string' },
        leads: { type: 'string' },
        concurrency: { type: 'string' },
        sizes: { type: 'string' },
        'startup-leads': { type: 'string' },
        'no-docs': { type: 'boolean' },
        'keep-data': { type: 'boolean' },
        'cpu-prof': { type: 'string' },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) throw new UsageError('');
  if (positionals.length > 1) throw new UsageError(`one bench at a time: ${positionals.join(' ')}`);
  const which = positionals[0] ?? 'all';
  const known = BENCH_NAMES.find((name) => name === which);
  const benches: BenchName[] = which === 'all' ? [...BENCH_NAMES] : known ? [known] : [];
  if (benches.length === 0)
    throw new UsageError(`unknown bench "${which}" (${BENCH_NAMES.join(', ')} or all)`);

  const duration = positiveInt('duration', values.duration, 10, 3600);
  const connections = positiveInt('connections', values.connections, 50, 1000);
  const reps = values.reps === undefined ? undefined : positiveInt('reps', values.reps, 1, 2000);
  const leads = positiveInt('leads', values.leads, 1000, 1_000_000);
  const concurrency = positiveInt('concurrency', values.concurrency, 10, 1000);
  const growthSizes = (values.sizes ?? '10000,50000,100000')
    .split(',')
    .map((raw) => positiveInt('sizes', raw.trim(), 1, 10_000_000));
  const startupLeads = positiveInt('startup-leads', values['startup-leads'], 1_000_000, 10_000_000);
  const intakeReps = reps ?? 10;
  const assignReps = reps ?? 200;
  // Generous: setup, both baseline halves, the load, verification, and ~20 ms per assign lead.
  let computed = 120;
  if (benches.includes('intake')) computed += 3 * duration + 60;
  if (benches.includes('assign')) computed += Math.ceil(assignReps * 0.1 + leads * 2 * 0.02) + 60;
  // 10,000 leads posted for the initial-sync part, 200 clients, 1,000 measured leads.
  if (benches.includes('sync')) computed += 240;
  if (benches.includes('priority')) computed += 60;
  // 5,000 leads posted, 13 sign-ins or starts, ~70 s of timed key presses and idle seconds.
  if (benches.includes('renderer')) computed += 360;
  // Per size ~40 s plus seeding (~60 us a lead), and the start-up file.
  if (benches.includes('growth')) {
    const seeded = growthSizes.reduce((a, b) => a + 2 * b, 0) + startupLeads;
    computed += (2 * growthSizes.length + 1) * (duration + 40) + Math.ceil(seeded / 10_000) + 120;
  }
  const timeout = positiveInt('timeout', values.timeout, computed, 24 * 3600);
  return {
    benches,
    duration,
    connections,
    intakeReps,
    assignReps,
    leads,
    concurrency,
    growthSizes,
    startupLeads,
    writeDocs: !values['no-docs'],
    keepData: values['keep-data'] ?? false,
    cpuProfDir: values['cpu-prof'],
    timeout,
    command: argv.length ? `npm run bench -- ${argv.join(' ')}` : 'npm run bench',
  };
}
