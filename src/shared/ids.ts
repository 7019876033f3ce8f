/**
 * Time-ordered identifiers (UUID version 7, RFC 9562): 48 bits of Unix milliseconds, a counter,
 * then random bits. Sorting ids as strings sorts them by creation order (within this process),
 * which keeps B-tree inserts appending and lets an id double as a stable pagination cursor.
 *
 *   const id = uuidv7(); // '0192f4a1-7c3e-7a1b-9f2e-...'
 *
 * Uses the global Web Crypto `getRandomValues`, present in Node 20, Chromium and Electron, so this
 * module has no imports and no side effects.
 */
export function uuidv7(now: number = Date.now()): string {
  const bytes = randomBytes16();
  // RFC 9562 method 1: within one millisecond, a 12-bit counter in rand_a keeps ids increasing,
  // so events written in the same millisecond keep their order. The counter starts at a random
  // value below 2048 and, if it overflows, borrows the next millisecond.
  let ms = Math.max(0, Math.floor(now));
  if (ms <= lastMs) {
    ms = lastMs;
    counter += 1;
    if (counter > 0xfff) {
      ms += 1;
      counter = 0;
    }
  } else {
    counter = ((bytes[6] ?? 0) << 4) & 0x7ff;
  }
  lastMs = ms;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = 0x70 | (counter >> 8); // version 7 + counter high bits
  bytes[7] = counter & 0xff;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // RFC 4122 variant
  let hex = '';
  for (const b of bytes) hex += HEX[b];
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

let lastMs = -1;
let counter = 0;

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

// One getRandomValues call per 256 ids instead of one per id: the call itself, not the bytes,
// is what costs (it showed in the intake profile, several ids are made per lead).
const POOL_SIZE = 16 * 256;
let pool = new Uint8Array(0);
let poolOffset = 0;

function randomBytes16(): Uint8Array {
  if (poolOffset + 16 > pool.length) {
    pool = new Uint8Array(POOL_SIZE);
    crypto.getRandomValues(pool);
    poolOffset = 0;
  }
  // A copy: the caller overwrites bytes, and the pool must never hand out the same bytes twice.
  const bytes = pool.slice(poolOffset, poolOffset + 16);
  poolOffset += 16;
  return bytes;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}
