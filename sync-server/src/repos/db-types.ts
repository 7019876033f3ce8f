import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';

/** What repository functions take: the database or a transaction (a Transaction is a Kysely). */
export type Db = Kysely<Database>;
