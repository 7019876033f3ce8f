import WebSocket from 'ws';
import type { z } from 'zod';

/*
 * HTTP and the live socket, for the sync engine. Errors are sorted into what the engine does
 * about them: retry later (network, timeouts, 5xx, 429), or stop and tell the rep.
 */

export class TransportError extends Error {
  constructor(
    message: string,
    /** 0 for a network error or timeout. */
    readonly status: number,
    readonly code: string | null,
    readonly details: unknown,
  ) {
    super(message);
  }

  /** Worth trying again later: the network, the server restarting, overload. */
  get retryable(): boolean {
    return this.status === 0 || this.status >= 500 || this.status === 408 || this.status === 429;
  }
}

export interface HttpOptions {
  readonly token: string;
  readonly timeoutMs?: number;
  readonly headers?: Record<string, string>;
}

/** A JSON request whose 2xx body must match `schema` (a server we cannot read is an error). */
export async function requestJson<S extends z.ZodType>(
  method: 'GET' | 'POST',
  url: string,
  schema: S,
  options: HttpOptions & { body?: unknown },
): Promise<z.output<S>> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        ...(options.token && { authorization: `Bearer ${options.token}` }),
        ...(options.body !== undefined && { 'content-type': 'application/json' }),
        ...options.headers,
      },
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
  } catch (error) {
    throw new TransportError(`network: ${describe(error)}`, 0, null, null);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw new TransportError(`network: ${describe(error)}`, 0, null, null);
  }
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    const err = errorBody(json);
    throw new TransportError(
      err?.message ?? `HTTP ${response.status}`,
      response.status,
      err?.code ?? null,
      err?.details ?? null,
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new TransportError(
      `the server sent a response this app cannot read`,
      200,
      'bad_response',
      parsed.error.issues,
    );
  }
  return parsed.data;
}

function errorBody(json: unknown): { code: string; message: string; details: unknown } | null {
  if (typeof json !== 'object' || json === null || !('error' in json)) return null;
  const e = json.error;
  if (typeof e !== 'object' || e === null) return null;
  const code = 'code' in e && typeof e.code === 'string' ? e.code : 'unknown';
  const message = 'message' in e && typeof e.message === 'string' ? e.message : code;
  return { code, message, details: 'details' in e ? e.details : null };
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

/** Opens the live socket with the token in the Authorization header. */
export function openLiveSocket(serverUrl: string, token: string): WebSocket {
  const url = `${serverUrl.replace(/^http/, 'ws').replace(/\/$/, '')}/api/v1/live`;
  return new WebSocket(url, {
    headers: { authorization: `Bearer ${token}` },
    handshakeTimeout: 10_000,
    maxPayload: 4 * 1024 * 1024,
  });
}
