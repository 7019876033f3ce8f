/**
 * Entry of the app-service host process (built to out/main/app-host.js by electron.vite.config.ts).
 *
 * The app starts it with `utilityProcess.fork`; tests start the source with
 * `child_process.fork('src/main/host/host.ts', { execArgv: ['--import', 'tsx'] })`. Plain Node:
 * never import electron here (see docs/architecture.md, src/main/host).
 */
import { parentHostPort } from './host-port';
import { runHost } from './host-runtime';

const port = parentHostPort();
if (port === null) {
  console.error(
    '[host] this is the Pounce app-service process: start it from the app (utilityProcess.fork) or with child_process.fork, not directly',
  );
  process.exit(2);
} else {
  runHost(port, { exit: (code) => process.exit(code) });
}
