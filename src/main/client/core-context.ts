import type { Kysely } from 'kysely';
import type { ClientEvent } from '../../shared/client-api';
import type { LocalDatabase } from './schema';

/** What the client core's parts (calls, claims, commands) share: its database, clock and events. */
export interface CoreContext {
  readonly db: Kysely<LocalDatabase>;
  readonly clock: () => number;
  readonly emit: (event: ClientEvent) => void;
}
