import { describe, expect, it } from 'vitest';
import { isUuid, uuidv7 } from '../../src/shared/ids';

/** The Unix milliseconds a UUID v7 carries in its first 48 bits. */
const idMs = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

describe('uuidv7', () => {
  it('is a valid version 7 UUID carrying the current millisecond', () => {
    const before = Date.now();
    const id = uuidv7();
    const after = Date.now();
    expect(isUuid(id)).toBe(true);
    expect(id[14]).toBe('7');
    expect(idMs(id)).toBeGreaterThanOrEqual(before);
    expect(idMs(id)).toBeLessThanOrEqual(after);
  });

  it('increases strictly, also within one millisecond', () => {
    const ids = Array.from({ length: 5000 }, () => uuidv7());
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
