import type {
  AppApi,
  AppError,
  AppEvent,
  AppMethod,
  AppParams,
  AppResults,
} from '../../../shared/app-api';

/*
 * The page's only way to the app: `window.pounce.app` (the preload in Electron, the test bridge
 * in the browser tests). `call` turns the `{ok, value} | {ok, error}` answer into a value or an
 * AppCallError, so components can `await` and show `error.message`.
 *
 *   const queue = await call('queue.get', {});
 */

export class AppCallError extends Error {
  constructor(readonly error: AppError) {
    super(error.message);
  }
  get code(): AppError['code'] {
    return this.error.code;
  }
}

function api(): AppApi {
  const app = window.pounce?.app;
  if (!app) {
    throw new AppCallError({
      code: 'internal',
      message: 'this page runs outside the Pounce app (no window.pounce)',
    });
  }
  return app;
}

export function hasApp(): boolean {
  return window.pounce?.app !== undefined;
}

export async function call<M extends AppMethod>(
  method: M,
  params: AppParams<M>,
): Promise<AppResults[M]> {
  const result = await api().call(method, params);
  if (!result.ok) throw new AppCallError(result.error);
  return result.value;
}

export function onAppEvent(listener: (event: AppEvent) => void): () => void {
  return hasApp() ? api().onEvent(listener) : () => undefined;
}

/** A message for the rep from anything a call can throw. */
export function errorText(error: unknown): string {
  if (error instanceof AppCallError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
