import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
// `node --import tsx`, not the tsx CLI: the CLI runs the server in a child process, so a signal
// sent to it would hit the wrapper (and SIGKILL would orphan the real server).
const NODE_ARGS = ['--import', 'tsx', 'sync-server/src/main.ts'];

export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  readonly output: string[];
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
}

/**
 * The sync-server as its own OS process (`sync-server/src/main.ts`), for tests that kill it or
 * check how it starts and stops. Resolves once it prints its `listening` line.
 */
export async function spawnServer(
  env: Record<string, string>,
  args: string[] = [],
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...NODE_ARGS, ...args], {
    cwd: ROOT,
    env: { ...process.env, POUNCE_PORT: '0', POUNCE_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | string>((res) =>
    child.once('exit', (code, signal) => res(code ?? signal ?? -1)),
  );
  createInterface({ input: child.stderr }).on('line', (line) => output.push(line));
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(
      () => rej(new Error(`server did not start:\n${output.join('\n')}`)),
      30_000,
    );
    createInterface({ input: child.stdout }).on('line', (line) => {
      output.push(line);
      if (line.includes('"event":"listening"')) {
        clearTimeout(timer);
        res((JSON.parse(line) as { url: string }).url);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      rej(new Error(`server exited (${code}) before listening:\n${output.join('\n')}`));
    });
  });
  return { url, child, output, exited };
}

/** Runs the server expecting it to refuse to start; resolves with its exit code and output. */
export function runServerExpectingFailure(env: Record<string, string>, args: string[] = []) {
  return new Promise<{ code: number | null; output: string }>((res) => {
    const child = spawn(process.execPath, [...NODE_ARGS, ...args], {
      cwd: ROOT,
      env: { ...process.env, POUNCE_PORT: '0', POUNCE_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += String(d)));
    child.stderr.on('data', (d: Buffer) => (output += String(d)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      res({ code, output });
    });
  });
}
