import { runAdmin } from './run-admin';

/*
 * `npm run admin -- <command> [flags]`: the admin CLI as a process. All the work is in
 * run-admin.ts; this only sets the exit code. It does not call process.exit, so stdout is
 * flushed before the process ends, which it does on its own once the database is closed.
 */
void runAdmin(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
