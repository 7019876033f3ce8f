/**
 * Which sync-server a build of the app talks to.
 *
 * It is fixed at build time (`POUNCE_SERVER_URL=https://pounce.example.com npm run build`), like
 * the update feed in electron-builder.yml: a team builds and ships the app for its own server, and
 * the renderer's Content-Security-Policy, which lists the server, is written into index.html by
 * the same build. A runtime setting would need the page's policy to change with it.
 */
import { serverAddressPolicy } from '../../shared/server-address';
import { serverConnectSources } from './csp';

/** The sync-server's default listen address (sync-server/src/config/schema.ts: port 8787). */
export const DEFAULT_SERVER_URL = 'http://localhost:8787';

export const SERVER_URL_ENV = 'POUNCE_SERVER_URL';

/**
 * Reads POUNCE_SERVER_URL (or the default) and checks it, naming the variable in the error so a
 * bad value stops the build with a message that says what to fix.
 *
 *   const serverUrl = serverUrlFromEnv(process.env);
 */
export function serverUrlFromEnv(env: Readonly<Record<string, string | undefined>>): string {
  const raw = env[SERVER_URL_ENV];
  const url = raw === undefined || raw.trim() === '' ? DEFAULT_SERVER_URL : raw.trim();
  try {
    serverConnectSources(url);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${SERVER_URL_ENV}: ${reason}`, { cause: error });
  }
  // The sign-in's rule (src/shared/server-address.ts), at build time: a build for a server the
  // app could never sign in to is a mistake to stop here.
  const verdict = serverAddressPolicy(url);
  if (!verdict.ok) throw new Error(`${SERVER_URL_ENV}: the address ${verdict.reason}`);
  return url;
}

/** Replaced by the build (electron.vite.config.ts `define`) with the checked URL. */
declare const __POUNCE_SERVER_URL__: string;

/** The server URL this build was made for; only callable in bundled main-process code. */
export function builtInServerUrl(): string {
  return __POUNCE_SERVER_URL__;
}
