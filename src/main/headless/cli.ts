import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { z } from 'zod';
import { describeIssues, fieldIssues } from '../../shared/validation';
import type { ClientEvent } from '../../shared/client-api';
import { serverAddressPolicy } from '../../shared/server-address';
import { ClientCore, CommandError, SignInError, signIn } from '../client/client-core';
import { NodeNotifier, type Notifier } from '../client/notifier';

/*
 * The headless client: the client core in plain Node, with real node-notifier notifications.
 *
 *   npm run client -- --server http://localhost:8787 --allow-insecure-http --email ana@demo.pounce --password ...
 *
 * Prints one JSON line per event on stdout ({"event":"lead.assigned",...}). Reads commands as
 * JSON lines on stdin ({"type":"logOutcome","leadId":"...","disposition":"no_answer"}) and
 * answers each with a `command.done` or `command.failed` line. Flags win over the environment
 * (POUNCE_SERVER_URL, POUNCE_EMAIL, POUNCE_PASSWORD, POUNCE_CLIENT_DATA_DIR). An http:// server
 * (this computer or a private network only) needs --allow-insecure-http, as the app's sign-in
 * form needs a yes.
 */

const OptionsSchema = z.strictObject({
  server: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  email: z.string().min(1, 'is required'),
  password: z.string().min(1, 'is required'),
  dataDir: z.string().min(1),
  notifier: z.enum(['node-notifier', 'none']),
});

/** The one flag without a value: the user's yes to signing in over http:// on a private network. */
const ALLOW_INSECURE_HTTP = '--allow-insecure-http';

function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv) {
  const flags: Record<string, string> = {};
  let allowInsecureHttp = env.POUNCE_ALLOW_INSECURE_HTTP === '1';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === ALLOW_INSECURE_HTTP) {
      allowInsecureHttp = true;
      continue;
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match?.[1]) throw new Error(`unexpected argument: ${arg}`);
    const value = match[2] ?? argv[++i];
    if (value === undefined) throw new Error(`--${match[1]} needs a value`);
    flags[match[1]] = value;
  }
  const known = new Set(['server', 'email', 'password', 'data-dir', 'notifier']);
  for (const key of Object.keys(flags))
    if (!known.has(key)) throw new Error(`unknown flag --${key}`);
  const parsed = OptionsSchema.safeParse({
    server: flags.server ?? env.POUNCE_SERVER_URL,
    email: flags.email ?? env.POUNCE_EMAIL,
    password: flags.password ?? env.POUNCE_PASSWORD,
    dataDir: flags['data-dir'] ?? env.POUNCE_CLIENT_DATA_DIR ?? join(tmpdir(), 'pounce-headless'),
    notifier: flags.notifier ?? 'node-notifier',
  });
  if (!parsed.success) throw new Error(describeIssues(fieldIssues(parsed.error)));
  // The app's rule (src/shared/server-address.ts): https:// anywhere; http:// only to this
  // computer or a private network, and only when the user says so.
  const verdict = serverAddressPolicy(parsed.data.server);
  if (!verdict.ok) throw new Error(`server: ${verdict.reason}`);
  if (verdict.insecure && !allowInsecureHttp) {
    throw new Error(
      `server: is http://, which sends the password unencrypted; add ${ALLOW_INSECURE_HTTP} ` +
        '(or POUNCE_ALLOW_INSECURE_HTTP=1) to sign in to this computer or a private network anyway',
    );
  }
  return { ...parsed.data, server: verdict.url };
}

function print(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ at: new Date().toISOString(), ...line })}\n`);
}

function eventLine(event: ClientEvent): Record<string, unknown> {
  const { type, ...rest } = event;
  return { event: type, ...rest };
}

const SILENT: Notifier = { show: () => Promise.resolve() };

async function main(): Promise<number> {
  let options: ReturnType<typeof parseArgs>;
  try {
    options = parseArgs(process.argv.slice(2), process.env);
  } catch (error) {
    print({
      event: 'usage.error',
      message: error instanceof Error ? error.message : String(error),
    });
    return 2;
  }
  let session;
  try {
    session = await signIn(options.server, options.email, options.password);
  } catch (error) {
    if (error instanceof SignInError) {
      print({ event: 'signin.failed', code: error.code, message: error.message });
      return 1;
    }
    throw error;
  }
  print({ event: 'signed.in', user: session.user, server: options.server });
  const core = await ClientCore.open({
    dataDir: options.dataDir,
    serverUrl: options.server,
    session,
    notifier: options.notifier === 'none' ? SILENT : new NodeNotifier(),
  });
  core.on((event) => print(eventLine(event)));
  print({ event: 'started', clientId: core.clientId, dataDir: options.dataDir });

  const input = createInterface({ input: process.stdin });
  input.on('line', (line) => {
    if (!line.trim()) return;
    let command: unknown;
    try {
      command = JSON.parse(line);
    } catch {
      print({ event: 'command.failed', message: 'not JSON' });
      return;
    }
    core.execute(command).then(
      (result) => print({ event: 'command.done', ...result }),
      (error: unknown) =>
        print({
          event: 'command.failed',
          message: error instanceof Error ? error.message : String(error),
          ...(error instanceof CommandError && { fields: error.fields }),
        }),
    );
  });

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  input.close();
  await core.close();
  print({ event: 'stopped.cleanly' });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    print({ event: 'crashed', message: error instanceof Error ? error.stack : String(error) });
    process.exit(1);
  },
);
