import { type ChildProcess, fork } from 'node:child_process';
import type { HostChannel } from '../host/host-protocol';

/**
 * Starts the app-service host with `child_process.fork` instead of Electron's utilityProcess:
 * the same host, the same messages, in plain Node. Tests use it to run the real host in a real
 * separate process (and kill it):
 *
 *   const host = forkHostChannel('src/main/host/host.ts', { execArgv: ['--import', 'tsx'] });
 *   new AppHostClient({ spawn: () => host, ... });
 *
 * `serialization: 'advanced'` is the structured clone a utility process's postMessage uses, so
 * what crosses here is what crosses in the app.
 */
export interface ForkHostOptions {
  /** The Node binary; default this process's (`process.execPath`). */
  readonly execPath?: string;
  readonly execArgv?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

export interface ForkedHost extends HostChannel {
  readonly process: ChildProcess;
}

export function forkHostChannel(modulePath: string, options: ForkHostOptions = {}): ForkedHost {
  const child = fork(modulePath, [], {
    execArgv: [...(options.execArgv ?? [])],
    ...(options.execPath && { execPath: options.execPath }),
    ...(options.env && { env: options.env }),
    ...(options.cwd && { cwd: options.cwd }),
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // Without a listener, a failed send would be thrown as an 'error' event.
  child.on('error', (error) => console.error('[fork-host] the host process failed', error.message));
  return {
    process: child,
    postMessage(message) {
      if (child.connected) child.send(message);
    },
    onMessage(listener) {
      child.on('message', (raw: unknown) => listener(raw));
    },
    onExit(listener) {
      child.on('exit', (code) => listener(code));
    },
    kill() {
      child.kill();
    },
  };
}
