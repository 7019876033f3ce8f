import { describe, expect, it } from 'vitest';
import { emailKey, phoneKey } from '../../src/shared/contact-identity';

describe('who a lead is, for repeat inquiries', () => {
  it('reads one address written several ways as one key', () => {
    for (const written of [
      'ann.lee@gmail.com',
      'Ann.Lee@Gmail.com',
      'annlee+webinar@gmail.com',
      ' a.n.n.l.e.e@googlemail.com ',
    ]) {
      expect(emailKey(written)).toBe('annlee@gmail.com');
    }
    // Dots matter elsewhere; sub-addresses do not.
    expect(emailKey('ann.lee@acme.io')).toBe('ann.lee@acme.io');
    expect(emailKey('ann.lee+q4@ACME.io')).toBe('ann.lee@acme.io');
    expect(emailKey('annlee@acme.io')).not.toBe(emailKey('ann.lee@acme.io'));
  });

  it('says "cannot tell" rather than guess', () => {
    for (const bad of [null, '', '@acme.io', 'ann@', 'no-at-sign']) {
      expect(emailKey(bad)).toBeNull();
    }
    expect(phoneKey('+14155550100')).toBe('+14155550100');
    expect(phoneKey('(415) 555-0100')).toBeNull();
    expect(phoneKey(null)).toBeNull();
  });
});
