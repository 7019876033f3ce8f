import { describe, expect, it } from 'vitest';
import {
  decoyHash,
  hashParams,
  hashPassword,
  needsRehash,
  verifyPassword,
} from '../../sync-server/src/auth/password';

const FAST = { N: 1024, r: 8, p: 1 };

describe('password hashing', () => {
  it('stores the parameters with each hash and verifies with them', async () => {
    const stored = await hashPassword('correct horse', FAST);
    expect(stored).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(hashParams(stored)).toEqual(FAST);
    expect(await verifyPassword('correct horse', stored)).toBe(true);
    expect(await verifyPassword('wrong horse', stored)).toBe(false);
    expect(await verifyPassword('correct horse', 'bcrypt$whatever')).toBe(false);
  });

  it('asks for a rehash when any stored parameter is below the current ones', async () => {
    const stored = await hashPassword('pw-1234567890', FAST);
    expect(needsRehash(stored, FAST)).toBe(false);
    expect(needsRehash(stored, { ...FAST, N: 2048 })).toBe(true);
    expect(needsRehash(stored, { ...FAST, r: 9 })).toBe(true);
    expect(needsRehash(stored, { ...FAST, p: 2 })).toBe(true);
    expect(needsRehash(stored, { ...FAST, N: 512 })).toBe(false);
    expect(needsRehash('not-a-hash', FAST)).toBe(true);
  });

  it('makes the decoy for unknown emails with the parameters asked for, per parameter set', async () => {
    expect(hashParams(await decoyHash(FAST))).toEqual(FAST);
    expect(hashParams(await decoyHash({ ...FAST, N: 2048 }))).toEqual({ ...FAST, N: 2048 });
    expect(await decoyHash(FAST)).toBe(await decoyHash(FAST));
  });
});
