import type { z } from 'zod';

/** A call that got an answer other than the one expected; carries the server's error code. */
export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface CallOptions {
  readonly token?: string;
  readonly body?: unknown;
}

/**
 * A minimal client for the public HTTP API, as any integration would use it. Responses are
 * checked against a zod schema, so a changed API fails here with a clear message rather than
 * as an undefined deep inside the demo.
 *
 *   const api = new ApiClient(url);
 *   const { token } = await api.call('POST', '/api/v1/auth/login', LoginReply, { body: { email, password } });
 */
export class ApiClient {
  constructor(readonly baseUrl: string) {}

  /** Resolves with the parsed body of a 2xx answer; throws ApiCallError otherwise. */
  async call<S extends z.ZodType>(
    method: string,
    path: string,
    schema: S,
    options: CallOptions = {},
  ): Promise<z.output<S>> {
    const { status, body } = await this.raw(method, path, options);
    if (status < 200 || status >= 300) throw errorFrom(method, path, status, body);
    const parsed = schema.safeParse(body);
    if (!parsed.success)
      throw new ApiCallError(
        status,
        'unexpected_response',
        `${method} ${path}: unexpected response shape`,
      );
    return parsed.data;
  }

  /** Any answer, unparsed: for callers that branch on the status. */
  async raw(
    method: string,
    path: string,
    options: CallOptions = {},
  ): Promise<{ status: number; body: unknown }> {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
      signal: AbortSignal.timeout(15_000),
    });
    return { status: response.status, body: parseBody(await response.text()) };
  }
}

function parseBody(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return { raw: text };
  }
}

function errorFrom(method: string, path: string, status: number, body: unknown): ApiCallError {
  let code = 'http_error';
  let message = `HTTP ${status}`;
  if (
    typeof body === 'object' &&
    body !== null &&
    'error' in body &&
    typeof body.error === 'object' &&
    body.error !== null
  ) {
    const error = body.error;
    if ('code' in error && typeof error.code === 'string') code = error.code;
    if ('message' in error && typeof error.message === 'string') message = error.message;
  }
  return new ApiCallError(status, code, `${method} ${path} -> ${status} ${code}: ${message}`);
}
