/*
 * Everything a bench starts (server processes, sockets, temp folders) registers how to undo it
 * here, so a failure, Ctrl-C, SIGTERM or the watchdog never leaves a process or a folder behind.
 *
 *   const remove = onCleanup(() => server.stop());   // async, runs on failure and at the end
 *   onExitKill(() => process.kill(-pid, 'SIGKILL'));  // sync, runs even on process.exit()
 */

type Cleanup = () => Promise<void> | void;

const cleanups: Cleanup[] = [];
const exitKills = new Set<() => void>();
let guardsInstalled = false;

/** Registers an async cleanup; returns a function that unregisters it (after a normal close). */
export function onCleanup(fn: Cleanup): () => void {
  cleanups.push(fn);
  return () => {
    const i = cleanups.indexOf(fn);
    if (i >= 0) cleanups.splice(i, 1);
  };
}

/** Registers a synchronous last resort that also runs inside `process.on('exit')`. */
export function onExitKill(fn: () => void): () => void {
  exitKills.add(fn);
  return () => exitKills.delete(fn);
}

/** Runs the registered cleanups, newest first; never throws. */
export async function runCleanups(): Promise<void> {
  while (cleanups.length > 0) {
    const fn = cleanups.pop();
    try {
      await fn?.();
    } catch (error) {
      console.error('bench: cleanup failed:', error);
    }
  }
}

function killNow(): void {
  for (const kill of exitKills) {
    try {
      kill();
    } catch {
      // the process is gone already
    }
  }
  exitKills.clear();
}

/**
 * Signals, uncaught errors and a watchdog: each ends the run with a non-zero code after cleaning
 * up (bounded to `graceMs`, then hard kills).
 */
export function installGuards(timeoutMs: number, graceMs = 20_000): void {
  if (guardsInstalled) return;
  guardsInstalled = true;
  let ending = false;
  const end = (code: number, why: string) => {
    if (ending) {
      killNow();
      process.exit(code);
    }
    ending = true;
    console.error(`bench: ${why}; cleaning up`);
    const hard = setTimeout(() => {
      killNow();
      process.exit(code);
    }, graceMs);
    hard.unref();
    void runCleanups().finally(() => {
      killNow();
      process.exit(code);
    });
  };
  process.on('exit', killNow);
  process.on('SIGINT', () => end(130, 'interrupted (SIGINT)'));
  process.on('SIGTERM', () => end(143, 'terminated (SIGTERM)'));
  process.on('uncaughtException', (error) => {
    console.error('bench: uncaught exception:', error);
    end(1, 'uncaught exception');
  });
  process.on('unhandledRejection', (error) => {
    console.error('bench: unhandled rejection:', error);
    end(1, 'unhandled rejection');
  });
  const watchdog = setTimeout(
    () => end(1, `watchdog: the run took longer than ${Math.round(timeoutMs / 1000)} s`),
    timeoutMs,
  );
  watchdog.unref();
}
