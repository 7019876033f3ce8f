import type { FromHost } from './host-protocol';

/*
 * How the host talks to the process that started it. The app starts it with Electron's
 * `utilityProcess.fork` (messages arrive on `process.parentPort` as `event.data`); tests and
 * plain-Node tools start it with `child_process.fork` (`process.send` / `process.on('message')`).
 * The host code is the same either way; this picks the transport once, at start.
 *
 * No electron import: a utility process has no `require('electron')` main-process API anyway.
 */

export interface HostPort {
  readonly transport: 'utility-process' | 'child-process';
  send(message: FromHost): void;
  onMessage(listener: (raw: unknown) => void): void;
  /** The parent went away (child_process only; Electron ends utility processes with the app). */
  onDisconnect(listener: () => void): void;
}

interface ParentPortLike {
  on(event: 'message', listener: (event: { readonly data: unknown }) => void): unknown;
  postMessage(message: unknown): void;
}

function isParentPort(value: unknown): value is ParentPortLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    'postMessage' in value &&
    typeof value.postMessage === 'function' &&
    'on' in value &&
    typeof value.on === 'function'
  );
}

/** The port to the parent, or null when this process was not started by either kind of fork. */
export function parentHostPort(proc: NodeJS.Process = process): HostPort | null {
  // Electron sets parentPort only in utility processes; read through `unknown` so this file
  // does not depend on Electron's typings of `process`.
  const parentPort: unknown = (proc as { parentPort?: unknown }).parentPort;
  if (isParentPort(parentPort)) {
    return {
      transport: 'utility-process',
      send: (message) => parentPort.postMessage(message),
      onMessage: (listener) => {
        parentPort.on('message', (event) => listener(event.data));
      },
      onDisconnect: () => undefined,
    };
  }
  const send = proc.send?.bind(proc);
  if (send) {
    return {
      transport: 'child-process',
      send: (message) => {
        if (!proc.connected) return;
        send(message, undefined, undefined, (error: Error | null) => {
          if (error) console.error('[host] could not send to the parent', error.message);
        });
      },
      onMessage: (listener) => {
        proc.on('message', (raw: unknown) => listener(raw));
      },
      onDisconnect: (listener) => {
        proc.on('disconnect', listener);
      },
    };
  }
  return null;
}
