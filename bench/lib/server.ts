import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { onCleanup, onExitKill } from './cleanup';
import { assertLoopback } from './http';

export const ROOT = resolve(__dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const MAIN = 'sync-server/src/main.ts';

export interface ServerOptions {
  readonly dataDir: string;
  /** Written to a JSON file and passed as POUNCE_CONFIG. */
  readonly config: Record<string, unknown>;
  readonly admin: { readonly email: string; readonly password: string };
  /** Run under `node --cpu-prof` (written to this folder when the server exits cleanly). */
  readonly cpuProfDir?: string | undefined;
  readonly startTimeoutMs?: number;
}

export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  readonly dataDir: string;
  /** CPU seconds (user + system) used so far by the server and its child processes (Linux). */
  cpuSeconds(): number | null;
  /** SIGTERM, wait for a clean shutdown (database closed), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** Last lines the server wrote to stderr, for error messages. */
  stderrTail(): string;
}

/**
 * Starts `sync-server/src/main.ts` as its own process (tsx from node_modules/.bin, never npx) in
 * its own process group, so that a SIGKILL to the group also ends tsx's node child. Resolves
 * once the server prints its `listening` line, on a loopback address only.
 */
export async function startServerProcess(options: ServerOptions): Promise<ServerProcess> {
  const configFile = join(options.dataDir, 'bench-config.json');
  writeFileSync(configFile, JSON.stringify(options.config, null, 2));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    POUNCE_PORT: '0',
    POUNCE_HOST: '127.0.0.1',
    POUNCE_DATA_DIR: options.dataDir,
    POUNCE_CONFIG: configFile,
    POUNCE_ADMIN_EMAIL: options.admin.email,
    POUNCE_ADMIN_PASSWORD: options.admin.password,
    POUNCE_LOG_LEVEL: 'warn',
  };
  const [command, args] = options.cpuProfDir
    ? [
        process.execPath,
        ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`, '--import', 'tsx', MAIN],
      ]
    : [TSX, [MAIN]];
  const child = spawn(command, args, {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const pid = child.pid;
  if (pid === undefined) {
    throw new Error(`could not start the server (${command})`);
  }

  let exitInfo: string | null = null;
  const exited = new Promise<void>((res) =>
    child.once('exit', (code, signal) => {
      exitInfo = signal ? `signal ${signal}` : `code ${code}`;
      res();
    }),
  );
  const killGroup = () => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const removeExitKill = onExitKill(killGroup);

  const stderr: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    stderr.push(line);
    if (stderr.length > 200) stderr.shift();
  });
  const stderrTail = () => stderr.slice(-40).join('\n');

  let stopping: Promise<void> | undefined;
  void exited.then(() => {
    if (!stopping)
      console.error(`bench: the server exited unexpectedly (${exitInfo}):\n${stderrTail()}`);
  });
  const stop = (graceMs = 20_000): Promise<void> => {
    stopping ??= (async () => {
      if (exitInfo === null) {
        // To tsx only: it relays the signal to its node child, which closes the database.
        child.kill('SIGTERM');
        const timer = setTimeout(killGroup, graceMs);
        await exited;
        clearTimeout(timer);
      }
      killGroup(); // anything left in the group
      removeExitKill();
    })();
    return stopping;
  };
  const removeCleanup = onCleanup(() => stop(5_000));

  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(
      () =>
        rej(
          new Error(
            `the server did not start within ${options.startTimeoutMs ?? 60_000} ms:\n${stderrTail()}`,
          ),
        ),
      options.startTimeoutMs ?? 60_000,
    );
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.includes('"event":"listening"')) return;
      clearTimeout(timer);
      try {
        const parsed: unknown = JSON.parse(line);
        const found =
          typeof parsed === 'object' && parsed !== null && 'url' in parsed ? parsed.url : undefined;
        if (typeof found !== 'string') throw new Error(`no url in ${line}`);
        assertLoopback(found);
        res(found);
      } catch (error) {
        rej(error instanceof Error ? error : new Error(String(error)));
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      rej(new Error(`the server exited (${exitInfo}) before listening:\n${stderrTail()}`));
    });
  }).catch(async (error: unknown) => {
    await stop(2_000);
    removeCleanup();
    throw error;
  });

  return {
    url,
    pid,
    dataDir: options.dataDir,
    cpuSeconds: () => groupCpuSeconds(pid),
    async stop(graceMs?: number) {
      await stop(graceMs);
      removeCleanup();
      if (exitInfo !== 'code 0') {
        throw new Error(`the server did not shut down cleanly (${exitInfo}):\n${stderrTail()}`);
      }
    },
    stderrTail,
  };
}

/** utime + stime of `pid` and its descendants, from /proc (null where /proc is missing). */
export function groupCpuSeconds(pid: number): number | null {
  const family = processFamily(pid);
  if (!family) return null;
  let ticks = 0;
  for (const s of family.values()) ticks += s.ticks;
  return ticks / CLOCK_TICKS_PER_SECOND;
}

/**
 * Resident memory of the server, MB: the largest process of `pid`'s family (tsx starts the
 * server in a node child; tsx's own process is not the server). Null where /proc is missing.
 */
export function serverRssMb(pid: number): number | null {
  const family = processFamily(pid);
  if (!family) return null;
  let largest = 0;
  for (const p of family.keys()) {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      if (match) largest = Math.max(largest, Number(match[1]) / 1024);
    } catch {
      // ended meanwhile
    }
  }
  return largest;
}

/** `pid` and its descendants with their CPU ticks, from /proc. */
function processFamily(pid: number): Map<number, { ppid: number; ticks: number }> | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const name of entries) {
    const parsed = readStat(Number(name));
    if (parsed) stats.set(Number(name), parsed);
  }
  if (!stats.has(pid)) return null;
  const family = new Map<number, { ppid: number; ticks: number }>();
  family.set(pid, stats.get(pid) ?? { ppid: 0, ticks: 0 });
  let grew = true;
  while (grew) {
    grew = false;
    for (const [p, s] of stats) {
      if (!family.has(p) && family.has(s.ppid)) {
        family.set(p, s);
        grew = true;
      }
    }
  }
  return family;
}

/** USER_HZ: 100 on every Linux architecture Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;

function readStat(pid: number): { ppid: number; ticks: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; fields after its closing parenthesis are fixed.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(rest[1]);
    const utime = Number(rest[11]);
    const stime = Number(rest[12]);
    if (!Number.isFinite(ppid) || !Number.isFinite(utime) || !Number.isFinite(stime)) return null;
    return { ppid, ticks: utime + stime };
  } catch {
    return null;
  }
}

/** CPU seconds the bench process itself has used. */
export function ownCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}
