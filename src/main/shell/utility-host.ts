/**
 * Starts the app-service host (out/main/app-host.js) as an Electron utility process: a Node
 * process of its own, so SQLite and sync never run on the window's UI thread.
 *
 *   const host = new AppHostClient({ spawn: () => utilityHostChannel(join(__dirname, 'app-host.js')), ... });
 */
import { utilityProcess } from 'electron';
import type { HostChannel } from '../host/host-protocol';

export function utilityHostChannel(modulePath: string): HostChannel {
  // Messages posted before the process is up are queued by Electron, so init can go at once.
  const child = utilityProcess.fork(modulePath, [], {
    serviceName: 'Pounce app service',
    stdio: 'inherit',
  });
  return {
    postMessage: (message) => child.postMessage(message),
    onMessage: (listener) => {
      child.on('message', (raw: unknown) => listener(raw));
    },
    onExit: (listener) => {
      child.on('exit', (code) => listener(code));
    },
    kill: () => {
      child.kill();
    },
  };
}
