/**
 * The preload script: runs sandboxed, before the page, in its own JavaScript world. It hands the
 * page one frozen object (`window.pounce`, src/shared/preload-api.ts): two facts and the app API,
 * which is exactly two functions on two fixed channels. The page never gets ipcRenderer, a
 * channel name of its choosing, or an IpcRendererEvent (whose `sender` is ipcRenderer).
 *
 * Sandboxed preloads are CommonJS (electron.vite.config.ts) and bundle what they import, so this
 * imports only zod-free shared modules: the method list, not the schemas. Main validates every
 * call against the schemas anyway (src/main/shell/ipc.ts); the list here only turns a typo into
 * an `unknown_method` answer without a round trip.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { AppApi, AppEvent, AppMethod, AppParams, AppResult } from '../shared/app-api';
import { APP_CALL_CHANNEL, APP_EVENT_CHANNEL, APP_METHOD_NAMES } from '../shared/app-methods';
import { PRELOAD_API_KEY, appVersionFromArguments, type PounceApi } from '../shared/preload-api';

const METHODS: ReadonlySet<string> = new Set(APP_METHOD_NAMES);

function fail<M extends AppMethod>(
  code: 'unknown_method' | 'internal',
  message: string,
): AppResult<M> {
  return { ok: false, error: { code, message } };
}

const app: AppApi = Object.freeze({
  call<M extends AppMethod>(method: M, params: AppParams<M>): Promise<AppResult<M>> {
    if (typeof method !== 'string' || !METHODS.has(method)) {
      return Promise.resolve(fail<M>('unknown_method', `there is no method "${String(method)}"`));
    }
    // Main answers every call with a result; a rejection means IPC itself broke (the window is
    // closing), which the page should see as a failed result, not an exception.
    return (
      ipcRenderer.invoke(APP_CALL_CHANNEL, { method, params }) as Promise<AppResult<M>>
    ).catch(() => fail<M>('internal', 'the app did not answer'));
  },
  onEvent(listener: (event: AppEvent) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('onEvent needs a function');
    const forward = (_event: IpcRendererEvent, payload: unknown): void => {
      // Main sends only AppEvents on this channel (src/main/shell/ipc.ts sendAppEvent).
      listener(payload as AppEvent);
    };
    ipcRenderer.on(APP_EVENT_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(APP_EVENT_CHANNEL, forward);
    };
  },
});

const api = Object.freeze({
  version: appVersionFromArguments(process.argv),
  platform: process.platform,
  app,
} satisfies PounceApi);

contextBridge.exposeInMainWorld(PRELOAD_API_KEY, api);
