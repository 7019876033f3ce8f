/**
 * The window's one way into the app: `ipcMain.handle(APP_CALL_CHANNEL)`. Each call is checked
 * here, in main, before it goes anywhere: it must come from the app's own page (not a frame or a
 * page it navigated to), and its envelope and params must match src/shared/app-api.ts. Only then
 * is it forwarded to the app-service host. Events go the other way on APP_EVENT_CHANNEL, to the
 * app's page only.
 *
 *   const stop = installAppIpc({ ipcMain, isAppUrl, forward: (request) => host.call(request) });
 */
import type { z } from 'zod';
import {
  type AppError,
  type AppEvent,
  type AppMethod,
  AppRequestEnvelopeSchema,
  AppRequestSchemas,
  type AppResult,
} from '../../shared/app-api';
import { APP_CALL_CHANNEL, APP_EVENT_CHANNEL } from '../../shared/app-methods';
import { fieldIssues } from '../../shared/validation';

export interface AppRequest {
  readonly method: AppMethod;
  /** As the page sent them: checked here, and parsed again by AppService in the host. */
  readonly params: unknown;
}

/** The part of IpcMainInvokeEvent read here; Electron's own event satisfies it. */
export interface InvokeEventLike {
  readonly senderFrame: { readonly url: string; readonly parent: unknown } | null;
}

export interface IpcMainLike {
  handle(
    channel: string,
    listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>,
  ): void;
  removeHandler(channel: string): void;
}

export interface AppIpcOptions {
  readonly ipcMain: IpcMainLike;
  /** The app's own page (renderer-location.ts isAppUrl). */
  readonly isAppUrl: (url: string) => boolean;
  readonly forward: (request: AppRequest) => Promise<AppResult<AppMethod>>;
}

/** Registers the handler; returns the function that removes it. */
export function installAppIpc(options: AppIpcOptions): () => void {
  options.ipcMain.handle(APP_CALL_CHANNEL, async (event, ...args) => {
    if (!isFromAppPage(event, options.isAppUrl)) {
      console.warn('[ipc] refused a call from a frame that is not the app page');
      return refused('only the app page may call the app');
    }
    if (args.length !== 1) {
      return failure({
        code: 'invalid_request',
        message: 'a call is one { method, params } object',
      });
    }
    const checked = checkAppRequest(args[0]);
    if (!checked.ok) return checked;
    try {
      return await options.forward(checked.request);
    } catch (error) {
      // forward() answers with results; a throw is a bug and must not become an IPC rejection.
      console.error('[ipc] forwarding a call failed', error);
      return failure({ code: 'internal', message: 'the request failed' });
    }
  });
  return () => options.ipcMain.removeHandler(APP_CALL_CHANNEL);
}

/**
 * The same checks AppService makes, made in main so a bad request never reaches the host:
 * the envelope, the method's existence, and its params (errors name the field).
 */
export function checkAppRequest(
  envelope: unknown,
):
  | { readonly ok: true; readonly request: AppRequest }
  | { readonly ok: false; readonly error: AppError } {
  const outer = AppRequestEnvelopeSchema.safeParse(envelope);
  if (!outer.success) return failure(invalid(outer.error));
  const { method } = outer.data;
  if (!Object.hasOwn(AppRequestSchemas, method)) {
    return failure({ code: 'unknown_method', message: `there is no method "${method}"` });
  }
  const m = method as AppMethod;
  const params = outer.data.params ?? {};
  const parsed = AppRequestSchemas[m].safeParse(params);
  if (!parsed.success) return failure(invalid(parsed.error));
  return { ok: true, request: { method: m, params } };
}

/**
 * The top frame of the app's page. A subframe (the CSP forbids them, this is the second lock) or
 * a window that was navigated elsewhere gets nothing, even though the preload would run there.
 */
function isFromAppPage(event: InvokeEventLike, isAppUrl: (url: string) => boolean): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && isAppUrl(frame.url);
}

/** The part of a WebContents events are sent through; Electron's satisfies it. */
export interface EventTarget {
  isDestroyed(): boolean;
  getURL(): string;
  send(channel: string, ...args: unknown[]): void;
}

/**
 * Sends an app event to the window's page, if it is there and is the app's page: events carry
 * lead data, which no other page may see.
 */
export function sendAppEvent(
  contents: EventTarget | null,
  isAppUrl: (url: string) => boolean,
  event: AppEvent,
): boolean {
  if (contents === null || contents.isDestroyed() || !isAppUrl(contents.getURL())) return false;
  contents.send(APP_EVENT_CHANNEL, event);
  return true;
}

function failure(error: AppError): { readonly ok: false; readonly error: AppError } {
  return { ok: false, error };
}

function refused(message: string): { readonly ok: false; readonly error: AppError } {
  return failure({ code: 'refused', message });
}

function invalid(error: z.ZodError): AppError {
  const fields = fieldIssues(error);
  return {
    code: 'invalid_request',
    message: fields.map((f) => `${f.field} ${f.message}`).join('; ') || 'the request is not valid',
    fields,
  };
}
