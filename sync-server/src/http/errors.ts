import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Duplex } from 'node:stream';
import type { ApiErrorBody, ErrorCode } from '../../../src/shared/api-error';
import { ApiError } from '../domain/api-error';

/**
 * Renders every failure as `{"error":{code,message,details}}`. Client mistakes keep their 4xx;
 * only a genuine server fault becomes a 500, and it is logged with the request id.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | ApiError | Error, request, reply) => {
    if (error instanceof ApiError) {
      if (error.code === 'rate_limited' && isRetry(error.details)) {
        void reply.header('Retry-After', String(error.details.retryAfterSeconds));
      }
      return reply.status(error.status).send(body(error.code, error.message, error.details));
    }
    const status =
      'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) {
      const code = 'code' in error ? String(error.code) : '';
      return reply
        .status(status)
        .send(body(codeFor(status, code), messageFor(code, error.message)));
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send(body('internal', 'internal server error'));
  });

  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send(body('not_found', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`)),
  );
}

export function body(code: ErrorCode, message: string, details?: unknown): ApiErrorBody {
  return details === undefined
    ? { error: { code, message } }
    : { error: { code, message, details } };
}

function codeFor(status: number, fastifyCode: string): ErrorCode {
  if (
    fastifyCode === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
    fastifyCode === 'FST_ERR_CTP_EMPTY_JSON_BODY'
  )
    return 'invalid_json';
  switch (status) {
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 405:
      return 'method_not_allowed';
    case 413:
      return 'payload_too_large';
    case 415:
      return 'unsupported_media_type';
    case 429:
      return 'rate_limited';
    default:
      return 'bad_request';
  }
}

function messageFor(fastifyCode: string, fallback: string): string {
  switch (fastifyCode) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'the body is not valid JSON';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'the body is empty; send a JSON object';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'the body is larger than 1 MiB';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'send JSON with Content-Type: application/json';
    default:
      return fallback;
  }
}

function isRetry(details: unknown): details is { retryAfterSeconds: number } {
  return typeof details === 'object' && details !== null && 'retryAfterSeconds' in details;
}

/**
 * Fastify's `frameworkErrors`: a request refused before routing (a URL that does not decode, a
 * bad constraint) answered in our shape instead of fastify's own.
 */
export function frameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  const status =
    typeof error.statusCode === 'number' && error.statusCode < 500 ? error.statusCode : 400;
  const message = error.code === 'FST_ERR_BAD_URL' ? 'the URL is not valid' : error.message;
  void reply.status(status).send(body(codeFor(status, error.code), message));
}

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser refuses before there is a request (a
 * bad request line or header, conflicting lengths, headers too large, a request too slow),
 * answered in our shape on the raw socket, which is then closed. Nothing of it reached a route.
 */
export function clientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason, code, message]: [number, string, ErrorCode, string] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Request Timeout', 'request_timeout', 'the request did not arrive in time']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [
            431,
            'Request Header Fields Too Large',
            'headers_too_large',
            'the request line or headers are too large',
          ]
        : [400, 'Bad Request', 'bad_request', 'the request is not valid HTTP/1.1'];
  const json = JSON.stringify(body(code, message));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Length: ${Buffer.byteLength(json)}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${json}`,
    );
  }
  socket.destroy();
}
