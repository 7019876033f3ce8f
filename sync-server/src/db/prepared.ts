import {
  type PreparedQuery as GenericPreparedQuery,
  preparedQueries,
} from '../../../src/shared/db/prepared-query';
import type { Database } from './schema';

/** Prepared queries over the server's schema: see src/shared/db/prepared-query.ts. */
export const prepareQuery = preparedQueries<Database>();
export type PreparedQuery<P, R> = GenericPreparedQuery<Database, P, R>;
