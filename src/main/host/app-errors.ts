import type { z } from 'zod';
import type { AppError } from '../../shared/app-api';
import { fieldIssues } from '../../shared/validation';
import { CommandError, SignInError } from '../client/client-core';

/*
 * The one error shape every app request answers with (src/shared/app-api.ts `AppError`): what
 * the app service's handlers throw, turned into it.
 */

/** A failure the rep is meant to read, with its code. */
export class AppFailure extends Error {
  constructor(readonly error: AppError) {
    super(error.message);
  }
}

export function failure(error: AppError): { ok: false; error: AppError } {
  return { ok: false, error };
}

export function invalid(error: z.ZodError): AppError {
  const fields = fieldIssues(error);
  return {
    code: 'invalid_request',
    message: fields.map((f) => `${f.field} ${f.message}`).join('; ') || 'the request is not valid',
    fields,
  };
}

/** What a handler threw, as the page sees it; anything unexpected is logged and `internal`. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppFailure) return error.error;
  if (error instanceof SignInError) return { code: error.code, message: error.message };
  if (error instanceof CommandError) {
    return { code: 'invalid_request', message: error.message, fields: error.fields };
  }
  console.error('[app] request failed', error);
  return {
    code: 'internal',
    message: error instanceof Error ? error.message : 'something went wrong',
  };
}
