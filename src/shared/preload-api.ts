import type { AppApi } from './app-api';

/**
 * The one object the preload script exposes to the renderer as `window.pounce`.
 *
 * This file is the contract between three processes, so it imports nothing at run time: main
 * builds the launch argument, the sandboxed preload reads it back, and the renderer only imports
 * the type.
 *
 *   // renderer
 *   const version = window.pounce?.version; // undefined when the page runs in a plain browser
 *   const queue = await window.pounce.app.call('queue.get', {});
 */
export interface PounceApi {
  /** The app's version, as electron-builder and electron-updater see it (`app.getVersion()`). */
  readonly version: string;
  /** `process.platform` of the machine: 'darwin', 'win32', 'linux', ... */
  readonly platform: string;
  /** Everything else the page may ask of the app: src/shared/app-api.ts. */
  readonly app: AppApi;
}

/** Name the API is exposed under: `window.pounce`. */
export const PRELOAD_API_KEY = 'pounce';

/**
 * A sandboxed preload cannot call `app.getVersion()` and should not ask main over IPC for a
 * constant, so main passes the version to the renderer process as a command-line switch
 * (`webPreferences.additionalArguments`) and the preload reads it from `process.argv`.
 */
const APP_VERSION_SWITCH = '--pounce-app-version=';

/** Same characters as a semver string; anything else on the command line is not ours to show. */
const VERSION_PATTERN = /^[0-9A-Za-z.+-]{1,64}$/;

/** Main: `additionalArguments: appVersionArguments(app.getVersion())`. */
export function appVersionArguments(version: string): string[] {
  return VERSION_PATTERN.test(version) ? [`${APP_VERSION_SWITCH}${version}`] : [];
}

/** Preload: `appVersionFromArguments(process.argv)`; 'unknown' when the switch is missing or odd. */
export function appVersionFromArguments(argv: readonly string[]): string {
  for (const arg of argv) {
    if (!arg.startsWith(APP_VERSION_SWITCH)) continue;
    const version = arg.slice(APP_VERSION_SWITCH.length);
    if (VERSION_PATTERN.test(version)) return version;
  }
  return 'unknown';
}
