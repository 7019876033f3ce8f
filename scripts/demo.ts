import { resolve } from 'node:path';
import { ApiCallError, ApiClient } from '../sync-server/src/demo/api-client';
import {
  afterBox,
  assignedLine,
  intakeLine,
  noticeLine,
  serverLogLine,
  welcomeBox,
} from '../sync-server/src/demo/demo-output';
import { DEMO_ADMIN, DemoSetupError, seedDemo } from '../sync-server/src/demo/demo-seed';
import {
  ServerStartError,
  startServerProcess,
  type RunningServer,
} from '../sync-server/src/demo/server-process';
import { ApiKeyRejected, formatResult, runSimulator } from '../sync-server/src/demo/simulator';
import { connectStandIns, type StandIns } from '../sync-server/src/demo/stand-in-reps';
import { colourWanted, painter } from '../sync-server/src/demo/terminal';
import { findElectronBinary, startDesktopApp } from './desktop-app';

/*
 * `npm run demo`: the whole product loop on one machine. Starts the sync-server as its own
 * process, seeds a demo team through the HTTP API, starts the desktop app signed in as the first
 * demo rep (where Electron can run; otherwise one line says why), connects the other reps'
 * stand-ins on the live channel, and feeds leads in through the public intake API, printing both
 * ends: each lead as it is sent and each assignment as the rep receives it. Ctrl-C or SIGTERM
 * stops it all.
 */

const ROOT = resolve(__dirname, '..');
const RATE_PER_MINUTE = 6;

async function main(): Promise<number> {
  const paint = painter(colourWanted(process.stdout));
  const dataDir = process.env.POUNCE_DATA_DIR ?? 'data/demo';
  const port = process.env.POUNCE_PORT ?? '8787';

  // One controller for the whole run: signals, a dying server and errors all end it the same way.
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) {
      console.error(`${signal} again: exiting now`);
      process.exit(130);
    }
    console.log(`\n${signal === 'SIGINT' ? 'Ctrl-C' : signal}: stopping the demo...`);
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let server: RunningServer | undefined;
  let standIns: StandIns | undefined;
  let desktop: ReturnType<typeof startDesktopApp> | undefined;
  let exitCode = 0;
  try {
    console.log(
      paint('dim', `Starting the Pounce sync-server on port ${port} (data in ${dataDir})...`),
    );
    server = await startServerProcess({
      root: ROOT,
      env: {
        ...process.env,
        POUNCE_DATA_DIR: dataDir,
        POUNCE_PORT: port,
        POUNCE_ADMIN_EMAIL: DEMO_ADMIN.email,
        POUNCE_ADMIN_PASSWORD: DEMO_ADMIN.password,
        POUNCE_LOG_LEVEL: process.env.POUNCE_LOG_LEVEL ?? 'warn',
      },
      onLine: (line) => {
        const shown = serverLogLine(line, paint);
        if (shown) console.log(shown);
      },
    });
    const running = server;
    void running.exited.then(({ code, signal }) => {
      if (stop.signal.aborted) return;
      console.error(
        noticeLine(
          `the server stopped unexpectedly (${signal ?? `exit code ${String(code)}`}); stopping the demo`,
          paint,
        ),
      );
      exitCode = 1;
      stop.abort();
    });
    if (stop.signal.aborted) return exitCode;

    const seed = await seedDemo(new ApiClient(running.url), { dataDir: resolve(ROOT, dataDir) });
    if (stop.signal.aborted) return exitCode;
    console.log(`\n${welcomeBox(running.url, dataDir, seed, paint)}\n`);
    console.log(afterBox(running.url, seed, RATE_PER_MINUTE, paint));

    // The desktop app, signed in as the first rep; the others get terminal stand-ins.
    const [appRep, ...otherReps] = seed.reps;
    const electron = findElectronBinary(ROOT);
    if (appRep && electron.ok) {
      desktop = startDesktopApp({
        root: ROOT,
        binary: electron.path,
        serverUrl: running.url,
        email: appRep.email,
        password: appRep.password,
        userDataDir: resolve(ROOT, dataDir, 'desktop-app'),
        onLine: (line) => console.log(paint('dim', `[app] ${line}`)),
      });
      console.log(
        noticeLine(`desktop app started, signed in as ${appRep.name} (${appRep.email})`, paint),
      );
    } else {
      console.log(
        noticeLine(
          `desktop app not started: ${electron.ok ? 'no demo rep' : electron.reason}. The server and the simulator keep running.`,
          paint,
        ),
      );
    }
    const standInReps = desktop ? otherReps : seed.reps;

    standIns = await connectStandIns(running.url, standInReps, {
      onAssigned: (rep, lead, reason) => console.log(assignedLine(rep.name, lead, reason, paint)),
      onNotice: (rep, text) => console.log(noticeLine(`${rep.name}: ${text}`, paint)),
    });
    if (stop.signal.aborted) return exitCode;

    await runSimulator({
      server: running.url,
      apiKey: seed.apiKey.key,
      ratePerMinute: RATE_PER_MINUTE,
      seed: `demo-${Date.now()}`,
      signal: stop.signal,
      onResult: (result) => console.log(intakeLine(formatResult(result, paint), paint)),
    });
    return exitCode;
  } catch (error) {
    console.error(`\n${paint('red', 'The demo could not run:')} ${explain(error, port)}`);
    return 1;
  } finally {
    standIns?.close();
    desktop?.kill('SIGTERM');
    if (server) {
      const { code, signal } = await server.stop();
      console.log(paint('dim', `Server stopped (${signal ?? `exit code ${String(code)}`}). Bye.`));
    }
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** One clear sentence for the failures people actually meet; the raw output only otherwise. */
function explain(error: unknown, port: string): string {
  if (error instanceof ServerStartError) {
    if (error.portBusy) {
      return (
        `port ${port} is already in use (is another demo or server still running?).\n` +
        `Stop that program, or use another port:  POUNCE_PORT=8788 npm run demo`
      );
    }
    return `${error.message}. Its output:\n${error.output}`;
  }
  if (
    error instanceof DemoSetupError ||
    error instanceof ApiKeyRejected ||
    error instanceof ApiCallError
  )
    return error.message;
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
