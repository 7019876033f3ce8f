import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from '../cli/errors';
import { parseFlags, validateFlags, type FlagSpecs } from '../cli/flags';
import { ApiKeyRejected, formatResult, runSimulator } from './simulator';
import { colourWanted, painter } from './terminal';

/*
 * `npm run simulate -- --server URL --api-key KEY [--rate 6] [--count N] [--seed S]`: a lead
 * source for demos and manual testing. Posts through the public API only, so what it shows is
 * what a real form integration would get. Ctrl-C stops it after printing a summary.
 */

const FLAGS: FlagSpecs = {
  server: {
    type: 'string',
    value: 'URL',
    description: 'sync-server URL; default $POUNCE_SERVER or http://127.0.0.1:8787',
  },
  'api-key': {
    type: 'string',
    value: 'KEY',
    description: 'intake API key; default $POUNCE_API_KEY',
  },
  rate: { type: 'string', value: 'N', description: 'leads per minute on average (default 6)' },
  count: {
    type: 'string',
    value: 'N',
    description: 'stop after N posts (default: run until Ctrl-C)',
  },
  seed: {
    type: 'string',
    value: 'S',
    description: 'same seed, same leads (a rerun is then all "seen before")',
  },
  help: { type: 'boolean', description: 'show this help' },
};

const Options = z.strictObject({
  server: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  apiKey: z.string().min(1, 'is required (or set POUNCE_API_KEY)'),
  ratePerMinute: z.number().positive('must be above 0').max(60_000),
  count: z.number().int().min(1).optional(),
  seed: z.string().min(1),
});
const FLAG_OF: Readonly<Record<string, string>> = {
  server: '--server',
  apiKey: '--api-key',
  ratePerMinute: '--rate',
  count: '--count',
  seed: '--seed',
};

function help(): string {
  const width = Math.max(
    ...Object.entries(FLAGS).map(([n, s]) => n.length + (s.value?.length ?? 0)),
  );
  return [
    'Posts realistic demo leads to a Pounce server, like a web form or ad platform would.',
    '',
    'Usage: npm run simulate -- --api-key KEY [--server URL] [--rate 6] [--count N] [--seed S]',
    '',
    ...Object.entries(FLAGS).map(
      ([name, spec]) =>
        `  --${`${name} ${spec.value ?? ''}`.padEnd(width + 1)}  ${spec.description}`,
    ),
  ].join('\n');
}

async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  let options: z.output<typeof Options>;
  try {
    const flags = parseFlags(argv, FLAGS, {});
    if (flags.boolean('help')) {
      console.log(help());
      return EXIT_OK;
    }
    const rate = flags.string('rate');
    if (rate !== undefined && !/^\d+(\.\d+)?$/.test(rate.trim()))
      throw new UsageError(`--rate must be a number, got "${rate}"`);
    options = validateFlags(
      Options,
      {
        server: flags.string('server') ?? env.POUNCE_SERVER ?? 'http://127.0.0.1:8787',
        apiKey: flags.string('api-key') ?? env.POUNCE_API_KEY ?? '',
        ratePerMinute: rate === undefined ? 6 : Number(rate),
        count: flags.integer('count'),
        // A fresh seed by default: a fixed one would re-send the same external ids on every run.
        seed: flags.string('seed') ?? randomBytes(4).toString('hex'),
      },
      FLAG_OF,
    );
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`simulate: ${error.message}\nRun "npm run simulate -- --help" for the flags.`);
    return EXIT_USAGE;
  }

  const stop = new AbortController();
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) process.exit(130); // a second Ctrl-C means now
    interrupted = true;
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const paint = painter(colourWanted(process.stdout, env));
  const pace = options.count === undefined ? '' : `, ${options.count} in all`;
  console.log(
    paint(
      'dim',
      `Posting ~${options.ratePerMinute} leads/min to ${options.server} (seed ${options.seed}${pace}). Ctrl-C stops.`,
    ),
  );
  try {
    const summary = await runSimulator({
      ...options,
      signal: stop.signal,
      onResult: (result) => console.log(formatResult(result, paint)),
    });
    console.log(
      paint(
        'dim',
        `Posted ${summary.posted}: ${summary.created} new, ${summary.seenBefore} seen before, ${summary.failed} failed.`,
      ),
    );
    // Every post failing (server down, wrong URL) is a failed run for a script.
    return summary.posted > 0 && summary.failed === summary.posted ? EXIT_FAILURE : EXIT_OK;
  } catch (error) {
    if (!(error instanceof ApiKeyRejected)) throw error;
    console.error(
      `simulate: ${error.message}. Create a key with: npm run admin -- api-keys create --name Simulator`,
    );
    return EXIT_FAILURE;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

main(process.argv.slice(2), process.env)
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    console.error('simulate: unexpected error:', error);
    process.exitCode = EXIT_FAILURE;
  });
