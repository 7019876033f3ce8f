import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { eventually } from './eventually';

/**
 * A private desktop notification stack for tests: Xvfb (a display), a D-Bus session bus, dunst
 * (the notification daemon that owns org.freedesktop.Notifications) and dbus-monitor watching
 * `Notify` calls. Processes given `env` send real notifications; the test reads what reached the
 * bus. Needs the Debian packages xvfb, dbus-x11 (or dbus-daemon), dunst and libnotify-bin.
 */
export interface BusNotification {
  readonly appName: string;
  readonly summary: string;
  readonly body: string;
}

export interface NotificationBus {
  /** Environment for a process that should notify on this bus. */
  readonly env: { readonly DISPLAY: string; readonly DBUS_SESSION_BUS_ADDRESS: string };
  readonly notifications: readonly BusNotification[];
  /** The first notification (seen or future) that matches. */
  next(match: (n: BusNotification) => boolean, timeoutMs?: number): Promise<BusNotification>;
  close(): Promise<void>;
}

const TOOLS = ['/usr/bin/Xvfb', '/usr/bin/dbus-daemon', '/usr/bin/dunst', '/usr/bin/dbus-monitor'];

/** Why the stack cannot start here, or null when it can. */
export function notificationBusUnavailable(): string | null {
  const missing = TOOLS.filter((t) => !existsSync(t));
  return missing.length === 0 ? null : `missing ${missing.join(', ')}`;
}

export async function startNotificationBus(): Promise<NotificationBus> {
  const children: ChildProcess[] = [];
  const stop = async () => {
    for (const child of children.reverse()) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
    }
  };
  try {
    // -displayfd: Xvfb picks a free display and writes its number to that fd.
    const xvfb = spawn(
      'Xvfb',
      ['-displayfd', '3', '-nolisten', 'tcp', '-screen', '0', '640x480x24'],
      {
        stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
      },
    );
    children.push(xvfb);
    const displayPipe = xvfb.stdio[3];
    if (!(displayPipe instanceof Readable)) throw new Error('Xvfb gave no display pipe');
    const display = `:${(await firstLine(displayPipe, 'Xvfb')).trim()}`;

    const dbus = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    children.push(dbus);
    if (!dbus.stdout) throw new Error('dbus-daemon gave no stdout');
    const address = (await firstLine(dbus.stdout, 'dbus-daemon')).trim();
    const env = { DISPLAY: display, DBUS_SESSION_BUS_ADDRESS: address };

    const monitor = spawn(
      'dbus-monitor',
      [
        '--address',
        address,
        "type='method_call',interface='org.freedesktop.Notifications',member='Notify'",
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    children.push(monitor);
    const notifications: BusNotification[] = [];
    let waiters: {
      match: (n: BusNotification) => boolean;
      resolve: (n: BusNotification) => void;
    }[] = [];
    let block: string[] | null = null;
    const flush = () => {
      if (!block) return;
      const strings = [...block.join('\n').matchAll(/string "((?:[^"\\]|\\.)*)"/gs)].map(
        (m) => m[1] ?? '',
      );
      block = null;
      // Notify(app_name, replaces_id, app_icon, summary, body, actions, hints, timeout)
      const n = { appName: strings[0] ?? '', summary: strings[2] ?? '', body: strings[3] ?? '' };
      notifications.push(n);
      waiters = waiters.filter((w) => {
        if (!w.match(n)) return true;
        w.resolve(n);
        return false;
      });
    };
    if (!monitor.stdout) throw new Error('dbus-monitor gave no stdout');
    createInterface({ input: monitor.stdout }).on('line', (line) => {
      if (/^(method call|signal|method return|error)/.test(line)) {
        flush();
        if (line.startsWith('method call') && line.includes('member=Notify')) block = [];
      } else if (block) {
        block.push(line);
        // The last argument (expire_timeout) ends the call's arguments.
        if (/^\s*int32 /.test(line)) flush();
      }
    });

    const dunst = spawn('dunst', [], { env: { ...process.env, ...env }, stdio: 'ignore' });
    children.push(dunst);
    await waitForName(address, 'org.freedesktop.Notifications');

    return {
      env,
      notifications,
      next(match, timeoutMs = 5000) {
        const seen = notifications.find(match);
        if (seen) return Promise.resolve(seen);
        return new Promise((resolve, reject) => {
          const timer = setTimeout(() => {
            waiters = waiters.filter((w) => w.resolve !== done);
            reject(new Error(`no matching Notify call within ${timeoutMs} ms`));
          }, timeoutMs);
          const done = (n: BusNotification) => {
            clearTimeout(timer);
            resolve(n);
          };
          waiters.push({ match, resolve: done });
        });
      },
      close: stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function firstLine(stream: NodeJS.ReadableStream, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start`)), 10_000);
    createInterface({ input: stream }).once('line', (line) => {
      clearTimeout(timer);
      resolve(line);
    });
  });
}

/** Polls the bus until a daemon owns `name` (dunst takes a moment to register). */
async function waitForName(address: string, name: string): Promise<void> {
  await eventually(
    () =>
      new Promise<boolean>((resolve) => {
        const child = spawn(
          'dbus-send',
          [
            `--bus=${address}`,
            '--print-reply',
            '--dest=org.freedesktop.DBus',
            '/org/freedesktop/DBus',
            'org.freedesktop.DBus.NameHasOwner',
            `string:${name}`,
          ],
          { stdio: ['ignore', 'pipe', 'ignore'] },
        );
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.once('exit', () => resolve(out.includes('boolean true')));
      }),
    { interval: 50, what: `${name} to appear on the bus` },
  );
}
