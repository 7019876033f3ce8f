import type { z } from 'zod';
import { fieldIssues } from '../../../src/shared/validation';
import { ApiError } from '../domain/api-error';

/** Parses `value` with `schema` or throws a 422 listing every failing field. */
export function parseOr422<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what = 'body',
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success)
    throw ApiError.validation(fieldIssues(result.error), `the ${what} is not valid`);
  return result.data;
}
