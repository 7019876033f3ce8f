import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { z } from 'zod';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** The benches only ever talk to a server on this machine. */
export function assertLoopback(url: string): void {
  const { hostname } = new URL(url);
  if (!LOOPBACK_HOSTS.has(hostname)) throw new Error(`refusing a non-loopback address: ${url}`);
}

class StaleSocketError extends Error {}

export interface HttpResult {
  readonly status: number;
  readonly text: string;
  /** performance.now() when the request was handed to the socket layer. */
  readonly sentAt: number;
  /** performance.now() when the last byte of the response body was read. */
  readonly doneAt: number;
}

export interface RequestOptions {
  readonly token?: string | undefined;
  readonly body?: unknown;
  readonly timeoutMs?: number;
}

/**
 * A small keep-alive JSON client on node:http (less overhead between the socket and the
 * timestamp than fetch, so the latencies measured are the server's, not the client's).
 */
export class Api {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  private readonly base: URL;

  constructor(baseUrl: string) {
    assertLoopback(baseUrl);
    this.base = new URL(baseUrl);
  }

  /** Requests sent again because a reused keep-alive socket was closed before they reached the server. */
  staleSocketRetries = 0;

  /**
   * One request. If a reused keep-alive socket turns out to be closed (ECONNRESET before any
   * response byte), the request is sent once more on a new socket, as Node's docs recommend;
   * `staleSocketRetries` counts these so a bench can report them.
   */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<HttpResult> {
    try {
      return await this.send(method, path, options);
    } catch (error) {
      if (!(error instanceof StaleSocketError)) throw error;
      this.staleSocketRetries += 1;
      return this.send(method, path, options);
    }
  }

  private send(method: string, path: string, options: RequestOptions): Promise<HttpResult> {
    const payload =
      options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
    const headers: http.OutgoingHttpHeaders = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = payload.length;
    }
    return new Promise<HttpResult>((resolve, reject) => {
      const sentAt = performance.now();
      const req = http.request(
        {
          host: this.base.hostname.replace(/^\[|\]$/g, ''),
          port: this.base.port,
          method,
          path,
          headers,
          agent: this.agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const doneAt = performance.now();
            resolve({
              status: res.statusCode ?? 0,
              text: Buffer.concat(chunks).toString('utf8'),
              sentAt,
              doneAt,
            });
          });
        },
      );
      req.setTimeout(options.timeoutMs ?? 30_000, () =>
        req.destroy(new Error(`${method} ${path} timed out`)),
      );
      req.on('error', (error: NodeJS.ErrnoException) => {
        reject(
          req.reusedSocket && error.code === 'ECONNRESET'
            ? new StaleSocketError(error.message)
            : error,
        );
      });
      req.end(payload);
    });
  }

  /** Sends a request, requires one of `expect` statuses and parses the body with `schema`. */
  async json<T>(
    schema: z.ZodType<T>,
    method: string,
    path: string,
    options: RequestOptions = {},
    expect = [200, 201],
  ): Promise<T> {
    const res = await this.request(method, path, options);
    if (!expect.includes(res.status)) {
      throw new Error(`${method} ${path}: HTTP ${res.status} ${res.text.slice(0, 500)}`);
    }
    return schema.parse(JSON.parse(res.text));
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Runs `fn` over `items` with at most `limit` in flight; rejects on the first failure. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
