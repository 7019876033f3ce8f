/*
 * The test bridge's page half: defines `window.pounce` exactly as the preload does (same
 * PounceApi, same method allow-list), but carries the envelopes over a WebSocket to the bridge
 * server instead of over Electron IPC. Loaded as a classic script before the app's module
 * script, so the app finds it at start like it finds the preload's.
 */
import type { AppEvent, AppMethod, AppParams, AppResult } from '../../../../src/shared/app-api';
import { APP_METHOD_NAMES } from '../../../../src/shared/app-methods';
import type { PounceApi } from '../../../../src/shared/preload-api';

type Answer = { readonly id: number; readonly result: unknown } | { readonly event: AppEvent };

const methods: ReadonlySet<string> = new Set(APP_METHOD_NAMES);
const waiting = new Map<number, (result: unknown) => void>();
const listeners = new Set<(event: AppEvent) => void>();
const outbox: string[] = [];
let nextId = 1;

const socket = new WebSocket(`ws://${location.host}/__pounce_bridge`);
socket.addEventListener('open', () => {
  for (const frame of outbox.splice(0)) socket.send(frame);
});
socket.addEventListener('message', (message: MessageEvent<string>) => {
  const answer = JSON.parse(message.data) as Answer;
  if ('event' in answer) {
    for (const listener of listeners) listener(answer.event);
    return;
  }
  const resolve = waiting.get(answer.id);
  waiting.delete(answer.id);
  resolve?.(answer.result);
});
socket.addEventListener('close', () => {
  for (const [id, resolve] of waiting) {
    waiting.delete(id);
    resolve({ ok: false, error: { code: 'internal', message: 'the test bridge closed' } });
  }
});

function call<M extends AppMethod>(method: M, params: AppParams<M>): Promise<AppResult<M>> {
  if (!methods.has(method)) {
    return Promise.resolve({
      ok: false,
      error: { code: 'unknown_method', message: `there is no method "${String(method)}"` },
    });
  }
  const id = nextId++;
  const frame = JSON.stringify({ id, envelope: { method, params } });
  return new Promise((resolve) => {
    waiting.set(id, resolve as (result: unknown) => void);
    if (socket.readyState === WebSocket.OPEN) socket.send(frame);
    else outbox.push(frame);
  });
}

const api: PounceApi = Object.freeze({
  version: 'e2e',
  platform: 'linux',
  app: Object.freeze({
    call,
    onEvent(listener: (event: AppEvent) => void): () => void {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  }),
});

Object.defineProperty(window, 'pounce', { value: api, writable: false, configurable: false });
