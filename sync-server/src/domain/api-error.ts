import type { ErrorCode, FieldIssue } from '../../../src/shared/api-error';

/**
 * An error meant for the caller: HTTP status, stable code, message, optional details. Services
 * throw these; the HTTP layer renders them as `{"error":{code,message,details}}` and the CLI
 * prints the message. Anything else that escapes is a bug and becomes a logged 500.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  static validation(fields: readonly FieldIssue[], message = 'the request is not valid'): ApiError {
    return new ApiError(422, 'validation_failed', message, { fields });
  }
  static notFound(what: string): ApiError {
    return new ApiError(404, 'not_found', `${what} not found`);
  }
  static unauthorized(message = 'missing or invalid credentials'): ApiError {
    return new ApiError(401, 'unauthorized', message);
  }
  static forbidden(message = 'not allowed for your role'): ApiError {
    return new ApiError(403, 'forbidden', message);
  }
  static conflict(message: string): ApiError {
    return new ApiError(409, 'conflict', message);
  }
}
