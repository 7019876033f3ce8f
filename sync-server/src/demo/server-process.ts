import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface ServerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface RunningServer {
  readonly url: string;
  readonly pid: number;
  /** Settles when the process has exited, for whatever reason. */
  readonly exited: Promise<ServerExit>;
  /** SIGTERM, then waits for the server's clean shutdown; SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<ServerExit>;
}

export interface ServerProcessOptions {
  /** The repository root (holds node_modules and sync-server). */
  readonly root: string;
  readonly env: NodeJS.ProcessEnv;
  /** Every output line except the `listening` one (the server's structured log). */
  readonly onLine: (line: string, stream: 'stdout' | 'stderr') => void;
  readonly startTimeoutMs?: number;
}

/** The server did not come up; `output` holds what it printed. */
export class ServerStartError extends Error {
  constructor(
    message: string,
    readonly output: string,
    readonly portBusy: boolean,
  ) {
    super(message);
  }
}

/**
 * Starts `sync-server/src/main.ts` as a child process and resolves once it prints its
 * `{"event":"listening"}` line.
 *
 * Runs tsx's CLI through this Node (not `node_modules/.bin/tsx`, a shell script elsewhere
 * than Unix). The child gets its own process group so a Ctrl-C in the terminal reaches only
 * us: we then stop the server with one SIGTERM, instead of it seeing SIGINT and SIGTERM both and
 * taking the second as "exit without waiting".
 *
 *   const server = await startServerProcess({ root, env, onLine: console.log });
 *   await server.stop();
 */
export function startServerProcess(options: ServerProcessOptions): Promise<RunningServer> {
  const child = spawn(
    process.execPath,
    [join(options.root, 'node_modules/tsx/dist/cli.mjs'), 'sync-server/src/main.ts'],
    {
      cwd: options.root,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  const pid = child.pid ?? -1;
  const exited = new Promise<ServerExit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  // If we die without stopping it (an uncaught error), do not leave the server running.
  const killOnExit = () =>
    child.exitCode === null && child.signalCode === null && child.kill('SIGTERM');
  process.on('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));

  // Until the server listens its output is held back: on failure it belongs in the error
  // (which the caller may replace with a clearer sentence), on success it is passed on.
  let ready = false;
  const early: { line: string; stream: 'stdout' | 'stderr' }[] = [];
  const heldOutput = () => early.map((held) => held.line).join('\n');
  const onLine = (line: string, stream: 'stdout' | 'stderr') => {
    if (ready) options.onLine(line, stream);
    else early.push({ line, stream });
  };

  return new Promise<RunningServer>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new ServerStartError('the server did not start within the time limit', heldOutput(), false),
      );
    }, options.startTimeoutMs ?? 60_000);

    createInterface({ input: child.stderr }).on('line', (line) => onLine(line, 'stderr'));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const url = listeningUrl(line);
      if (!url || ready) return onLine(line, 'stdout');
      ready = true;
      clearTimeout(timer);
      for (const held of early.splice(0)) options.onLine(held.line, held.stream);
      resolve({ url, pid, exited, stop: (graceMs) => stop(graceMs ?? 15_000) });
    });
    void exited.then(({ code, signal }) => {
      if (ready) return;
      clearTimeout(timer);
      const output = heldOutput();
      const how = signal ?? `code ${String(code)}`;
      reject(
        new ServerStartError(
          `the server exited (${how}) before listening`,
          output,
          /EADDRINUSE/.test(output),
        ),
      );
    });
  });

  async function stop(graceMs: number): Promise<ServerExit> {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => killGroup('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    }
    return exited;
  }

  function killGroup(signal: NodeJS.Signals): void {
    try {
      // Negative pid: the whole group, so tsx's own child goes too.
      process.kill(-pid, signal);
    } catch {
      // Already gone.
    }
  }
}

function listeningUrl(line: string): string | null {
  if (!line.includes('"listening"')) return null;
  try {
    const event: unknown = JSON.parse(line);
    if (
      typeof event === 'object' &&
      event !== null &&
      'event' in event &&
      event.event === 'listening' &&
      'url' in event
    ) {
      return typeof event.url === 'string' ? event.url : null;
    }
  } catch {
    // Not the line we wait for.
  }
  return null;
}
