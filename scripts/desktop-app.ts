import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * The demo's desktop-app half: finds the Electron binary without triggering its download
 * (requiring the `electron` package would try to fetch it), builds the app, and starts it signed
 * in as a demo rep. Where Electron cannot run, it says why in one line and the demo goes on.
 */

export type ElectronBinary =
  { readonly ok: true; readonly path: string } | { readonly ok: false; readonly reason: string };

export function findElectronBinary(root: string, env = process.env): ElectronBinary {
  const dir = join(root, 'node_modules', 'electron');
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(dir)) return { ok: false, reason: 'the electron package is not installed' };
  if (!existsSync(pathFile)) {
    return {
      ok: false,
      reason:
        'the Electron binary was never downloaded (node_modules/electron has no path.txt; this machine cannot reach its download)',
    };
  }
  const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(binary))
    return { ok: false, reason: `the Electron binary is missing: ${binary}` };
  if (process.platform === 'linux' && !env['DISPLAY'] && !env['WAYLAND_DISPLAY']) {
    return { ok: false, reason: 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)' };
  }
  return { ok: true, path: binary };
}

export interface DesktopAppOptions {
  readonly root: string;
  readonly binary: string;
  readonly serverUrl: string;
  readonly email: string;
  readonly password: string;
  /** The app's own data folder (its local database, settings, window state). */
  readonly userDataDir: string;
  readonly onLine: (line: string) => void;
}

/** Builds the app (electron-vite) and starts it; the child ends when the demo ends. */
export function startDesktopApp(options: DesktopAppOptions): ChildProcess {
  const build = spawnSync(join(options.root, 'node_modules', '.bin', 'electron-vite'), ['build'], {
    cwd: options.root,
    encoding: 'utf8',
  });
  if (build.status !== 0) {
    throw new Error(`electron-vite build failed:\n${build.stdout}${build.stderr}`);
  }
  const child = spawn(options.binary, [options.root], {
    cwd: options.root,
    env: {
      ...process.env,
      // Honoured only by an unpackaged app (src/main/shell/dev-env.ts): sign in as this demo rep.
      POUNCE_DEMO_SIGN_IN: JSON.stringify({
        serverUrl: options.serverUrl,
        // The demo's server listens on this computer over http://: the demo says yes for the rep.
        allowInsecureHttp: true,
        email: options.email,
        password: options.password,
      }),
      POUNCE_USER_DATA_DIR: options.userDataDir,
      // better-sqlite3 in node_modules is built for Node's ABI (packaging rebuilds it for
      // Electron's), so in this unpackaged run the app-service host runs on this Node.
      POUNCE_HOST_NODE: process.execPath,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) if (line.trim() !== '') options.onLine(line);
    });
  }
  return child;
}
