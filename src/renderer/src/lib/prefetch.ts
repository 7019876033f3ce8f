import type { AppResults, AppSession, AppSettings } from '../../../shared/app-api';
import { call, hasApp, onAppEvent } from './api';

/*
 * What the page asks the app before React has rendered anything: the session, the settings and
 * the first window of the queue go out together as soon as this module is evaluated (main.tsx
 * imports it before React), and the app answers them one after another. The inbox then mounts
 * with its rows instead of asking for them once it is on screen. After a sign-in, the first
 * window is asked for right behind `session.signIn` in the same way.
 *
 * React-free on purpose: evaluating React and the components takes tens of milliseconds that
 * the app can spend answering.
 */

/** Rows of the queue the page holds around what is on screen (hooks/use-queue.ts). */
export const QUEUE_WINDOW = 160;

export type QueueAnswer = AppResults['queue.get'];

/** A request made ahead of time; `result` is set once it settled. */
export interface Early<T> {
  readonly promise: Promise<T>;
  result: { readonly ok: true; readonly value: T } | { readonly ok: false } | null;
}

function early<T>(promise: Promise<T>): Early<T> {
  const e: Early<T> = { promise, result: null };
  promise.then(
    (value) => (e.result = { ok: true, value }),
    () => (e.result = { ok: false }),
  );
  return e;
}

/**
 * Events after which a queue answer may be out of date (those use-queue.ts refetches on). Not
 * `session.changed`: the answer is for whoever is signed in when the app gets to it, and a
 * sign-in's own event comes before the window asked for behind it.
 */
const QUEUE_EVENTS: ReadonlySet<string> = new Set([
  'queue.changed',
  'lead.assigned',
  'lead.revoked',
]);

export interface EarlyQueue extends Early<QueueAnswer> {
  /** The queue changed after the request was sent: use the answer, then ask again. */
  stale: boolean;
  /**
   * Stops watching for changes: call it once the taker listens to the app's events itself, so
   * that no change between the request and then goes unnoticed.
   */
  stop(): void;
}

let firstWindow: EarlyQueue | null = null;

/** Asks for the queue's first window now, for the inbox about to mount (see takeFirstWindow). */
export function prefetchFirstWindow(): void {
  dropFirstWindow();
  const request = early(call('queue.get', { offset: 0, limit: QUEUE_WINDOW }));
  // Nobody waits on it until the inbox mounts (it may fail: signed out).
  request.promise.catch(() => undefined);
  const queue: EarlyQueue = Object.assign(request, {
    stale: false,
    stop: onAppEvent((event) => {
      if (QUEUE_EVENTS.has(event.type)) queue.stale = true;
    }),
  });
  firstWindow = queue;
}

/** The first window asked for ahead, once (null if none, or already taken). */
export function takeFirstWindow(): EarlyQueue | null {
  const taken = firstWindow;
  firstWindow = null;
  return taken;
}

/**
 * Resolves when the first window asked for ahead has its answer, or after `maxMs`, or at once
 * when none is on its way: the inbox then mounts once, with its rows, instead of mounting empty
 * and laying out again a moment later (when the answer is slow, it mounts empty after all).
 */
export function firstWindowSettled(maxMs: number): Promise<void> {
  const queue = firstWindow;
  if (!queue || queue.result !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, maxMs);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    queue.promise.then(done, done);
  });
}

/** Forgets a first window asked for (a sign-in that failed). */
export function dropFirstWindow(): void {
  firstWindow?.stop();
  firstWindow = null;
}

/** The session and settings, asked for at boot; null outside the app. */
export const bootRequests: {
  readonly session: Early<AppSession | null>;
  readonly settings: Early<AppSettings>;
} | null = hasApp()
  ? {
      session: early(call('session.get', {})),
      settings: early(call('settings.get', {})),
    }
  : null;

if (bootRequests) {
  bootRequests.session.promise.catch(() => undefined);
  bootRequests.settings.promise.catch(() => undefined);
  // Signed out, this is refused (not_signed_in) and the inbox never takes it.
  prefetchFirstWindow();
}
