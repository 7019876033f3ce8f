import { describe, expect, it } from 'vitest';
import { isUuid, uuidv7 } from '../../src/shared/ids';

describe('uuidv7', () => {
  it('is a valid version 7 UUID carrying its millisecond', () => {
    const id = uuidv7(Date.parse('2026-01-01T00:00:00Z'));
    expect(isUuid(id)).toBe(true);
    expect(id[14]).toBe('7');
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(
      Date.parse('2026-01-01T00:00:00Z'),
    );
  });

  it('increases strictly, also within one millisecond and when the clock steps back', () => {
    const ids = [
      ...Array.from({ length: 5000 }, () => uuidv7(1_800_000_000_000)),
      uuidv7(1_799_999_999_000),
      uuidv7(1_800_000_000_001),
    ];
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
