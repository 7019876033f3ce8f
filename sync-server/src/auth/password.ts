import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashing with scrypt, a memory-hard KDF built into Node (no native add-on to build).
 * Stored as `scrypt$N$r$p$salt$hash` (base64url): each hash carries its own parameters, so old
 * hashes still verify after the parameters are raised, and a sign-in rehashes them
 * (`needsRehash`). Defaults are OWASP's scrypt floor, N=2^17, r=8, p=1 (128 MiB per hash);
 * tests lower N through config to stay fast.
 *
 *   const stored = await hashPassword('correct horse', config.auth.scrypt);
 *   await verifyPassword('correct horse', stored); // true
 */
export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  // scrypt needs 128 * N * r bytes; Node's default ceiling (32 MiB) is below N=2^17.
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function hashPassword(
  password: string,
  params: ScryptParams = DEFAULT_SCRYPT,
): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return [
    'scrypt',
    params.N,
    params.r,
    params.p,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$');
}

interface ParsedHash {
  readonly params: ScryptParams;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

function parseHash(stored: string): ParsedHash | null {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return null;
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  if (![params.N, params.r, params.p].every((v) => Number.isInteger(v) && v > 0)) return null;
  return { params, salt: Buffer.from(salt, 'base64url'), hash: Buffer.from(hash, 'base64url') };
}

/** The parameters a stored hash was made with, or null when it is not one of ours. */
export function hashParams(stored: string): ScryptParams | null {
  return parseHash(stored)?.params ?? null;
}

/**
 * True when a stored hash is weaker than `current` in any parameter: the next successful
 * sign-in (the one moment the plain password is at hand) stores a new hash.
 */
export function needsRehash(stored: string, current: ScryptParams): boolean {
  const params = hashParams(stored);
  return params === null || params.N < current.N || params.r < current.r || params.p < current.p;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const actual = await derive(password, parsed.salt, parsed.params);
  return actual.length === parsed.hash.length && timingSafeEqual(actual, parsed.hash);
}

/**
 * A hash of a random password, verified against when the email is unknown so that a login
 * for a missing account costs the same time as one for a real account. One per parameter set:
 * a decoy made with other parameters would cost another time and tell unknown emails apart.
 */
const decoys = new Map<string, Promise<string>>();
export function decoyHash(params: ScryptParams): Promise<string> {
  const key = `${params.N}:${params.r}:${params.p}`;
  let decoy = decoys.get(key);
  if (!decoy) {
    decoy = hashPassword(randomBytes(16).toString('hex'), params);
    decoys.set(key, decoy);
  }
  return decoy;
}
