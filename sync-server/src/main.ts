import { parseArgs } from 'node:util';
import { CreateUserSchema } from '../../src/shared/user';
import { describeIssues, fieldIssues } from '../../src/shared/validation';
import { ConfigError, loadConfig } from './config/load';
import { startServer } from './server';

/*
 * `npm run server [-- --config pounce.json]`: the sync-server as a process. Prints one JSON line
 * `{"event":"listening","url":...}` when ready (scripts and tests wait for it) and shuts down
 * cleanly on SIGTERM/SIGINT: in-flight requests finish, sockets close, the database closes.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { config: { type: 'string' } }, strict: true });
  const config = loadConfig({ file: values.config ?? process.env.POUNCE_CONFIG, env: process.env });

  const email = process.env.POUNCE_ADMIN_EMAIL;
  const password = process.env.POUNCE_ADMIN_PASSWORD;
  let bootstrapAdmin: { email: string; password: string } | undefined;
  if (email || password) {
    const check = CreateUserSchema.safeParse({
      email,
      password,
      name: 'Administrator',
      role: 'admin',
    });
    if (!check.success)
      throw new ConfigError(
        `POUNCE_ADMIN_EMAIL/POUNCE_ADMIN_PASSWORD: ${describeIssues(fieldIssues(check.error))}`,
      );
    bootstrapAdmin = { email: check.data.email, password: check.data.password };
  }

  const server = await startServer(config, {
    logger: { level: process.env.POUNCE_LOG_LEVEL ?? 'info' },
    ...(bootstrapAdmin && { bootstrapAdmin }),
  });
  console.log(
    JSON.stringify({
      event: 'listening',
      url: server.url,
      port: server.port,
      dataDir: config.server.dataDir,
    }),
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      console.error(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    server
      .close()
      .then(() => {
        console.log(JSON.stringify({ event: 'stopped', signal }));
        process.exit(0);
      })
      .catch((error: unknown) => {
        console.error('shutdown failed:', error);
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(`pounce: ${error.message}`);
  else console.error('pounce: failed to start:', error);
  process.exit(1);
});
