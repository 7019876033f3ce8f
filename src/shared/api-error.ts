/**
 * The one error shape on the wire, for every HTTP endpoint and WebSocket error message:
 *
 *   {"error":{"code":"validation_failed","message":"...","details":{"fields":[...]}}}
 */
export const ERROR_CODES = [
  'bad_request',
  'invalid_json',
  'validation_failed',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'method_not_allowed',
  /** The request did not arrive in time (HTTP 408): headers or body trickled, or nothing sent. */
  'request_timeout',
  /** The request line or headers are larger than the server reads (HTTP 431). */
  'headers_too_large',
  'unavailable',
  'internal',
  /** The client speaks another sync protocol version (HTTP 426): the app must be updated. */
  'incompatible_protocol',
  /** A sync push skipped mutation ids (HTTP 409); details.expectedMutationId says where. */
  'mutation_gap',
  /** Claim mode (HTTP 409): another rep claimed the lead first. */
  'already_claimed',
  /** Claim mode (HTTP 409): the offer ended (timed out, withdrawn) or no longer fits the rep. */
  'offer_expired',
  /** Claim mode (HTTP 409): the rep already holds as many untouched leads as their capacity. */
  'at_capacity',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldIssue {
  /** Dotted path of the failing field, e.g. `signals.0.type`; `""` for the body itself. */
  readonly field: string;
  readonly message: string;
}

export interface ApiErrorBody {
  readonly error: {
    readonly code: ErrorCode;
    readonly message: string;
    readonly details?: unknown;
  };
}
