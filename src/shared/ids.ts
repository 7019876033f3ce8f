import { v7 } from 'uuid';

/**
 * Time-ordered identifiers (UUID version 7, RFC 9562), from the maintained `uuid` package: 48
 * bits of the current Unix millisecond, a counter that keeps ids made in one millisecond (or
 * after the clock steps back) increasing, then random bits.
 *
 *   const id = uuidv7(); // '0192f4a1-7c3e-7a1b-9f2e-...'
 *
 * It takes no time argument on purpose: an id stamped with a chosen time (a callback 300 days
 * ahead, an SLA step's due time) would move the process-wide id clock forward, so every later id
 * would read that future time until a restart reset it. An id says only roughly when a row was
 * made and is never used to order rows by time: anything listed "by time" is ordered by its own
 * time column, with the id only breaking ties (docs/architecture.md).
 *
 * The package's browser build uses Web Crypto too, so src/shared stays importable by the
 * renderer.
 */
export function uuidv7(): string {
  return v7();
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}
