import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { eventually } from '../../helpers/eventually';
import { openExternalSafely, safeExternalUrl } from '../../../src/shared/external-links';

beforeEach(() => {
  // Refusals and failures are logged; keep the test output for real problems.
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('openExternalSafely refuses', () => {
  const hostile: ReadonlyArray<readonly [string, unknown]> = [
    ['javascript:', 'javascript:alert(document.cookie)'],
    ['javascript: in upper case', 'JaVaScRiPt:alert(1)'],
    ['javascript: behind a leading space', ' javascript:alert(1)'],
    ['javascript: split by a newline', 'java\nscript:alert(1)'],
    ['javascript: split by a tab', 'java\tscript:alert(1)'],
    ['vbscript:', 'vbscript:msgbox("hi")'],
    ['file:', 'file:///etc/passwd'],
    ['file: UNC path', 'file://attacker.example/share/payload.exe'],
    ['cleartext http:', 'http://example.com/'],
    ['data: HTML', 'data:text/html,<script>alert(1)</script>'],
    ['blob:', 'blob:https://example.com/0b5e3a4c-0000-4000-8000-000000000000'],
    ['smb: (leaks Windows credentials)', 'smb://attacker.example/share'],
    ['a custom protocol handler', 'ms-msdt:/id PCWDiagnostic'],
    ['about:', 'about:blank'],
    ['https with user and password', 'https://user:pass@host.example/'],
    ['https with a user name (phishing form)', 'https://bank.example@evil.example/'],
    ['https with an embedded newline', 'https://example.com/\nfoo'],
    ['https with a carriage return', 'https://example.com/\r'],
    ['https with a NUL byte', 'https://example.com/\u0000'],
    ['https with a bidi override', 'https://example.com/\u202egpj.exe'],
    ['https with trailing space', 'https://example.com/ '],
    ['a scheme-relative URL', '//example.com/'],
    ['a relative path', '/leads/1'],
    ['plain text', 'not a url'],
    ['https without a host', 'https://'],
    ['the empty string', ''],
    ['an over-long URL', `https://example.com/${'a'.repeat(3000)}`],
    ['tel: with letters (command-line injection)', 'tel:--help'],
    ['tel: with a script', 'tel:javascript:alert(1)'],
    ['tel: with a query', 'tel:+15555550100?x=1'],
    ['tel: with spaces', 'tel:+1 555 555 0100'],
    ['empty tel:', 'tel:'],
    ['callto: with extra slashes', 'callto:////+15555550100'],
    ['empty mailto:', 'mailto:'],
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['an object with toString', { toString: () => 'https://example.com/' }],
    ['a URL object', new URL('https://example.com/')],
  ];

  it.each(hostile)('%s', (_name, url) => {
    const open = vi.fn();
    expect(openExternalSafely(url, open)).toBe(false);
    expect(open).not.toHaveBeenCalled();
    expect(safeExternalUrl(url)).toBeNull();
  });
});

describe('openExternalSafely opens', () => {
  const allowed: ReadonlyArray<readonly [string, string, string]> = [
    [
      'https',
      'https://example.com/pricing?ref=pounce#plans',
      'https://example.com/pricing?ref=pounce#plans',
    ],
    ['https, normalised', 'HTTPS://Example.COM', 'https://example.com/'],
    [
      'https with a port',
      'https://crm.example.com:8443/lead/7',
      'https://crm.example.com:8443/lead/7',
    ],
    [
      'an international domain, as punycode',
      'https://bücher.example/',
      'https://xn--bcher-kva.example/',
    ],
    ['mailto', 'mailto:ada@example.com', 'mailto:ada@example.com'],
    [
      'mailto with a subject',
      'mailto:ada@example.com?subject=Hello%20Ada',
      'mailto:ada@example.com?subject=Hello%20Ada',
    ],
    ['tel in E.164', 'tel:+15555550100', 'tel:+15555550100'],
    ['tel with separators', 'tel:+1-555-555-0100', 'tel:+1-555-555-0100'],
    ['tel with an extension', 'tel:+15555550100;ext=204', 'tel:+15555550100;ext=204'],
    ['callto', 'callto:+15555550100', 'callto:+15555550100'],
    ['callto with slashes', 'callto://+15555550100', 'callto://+15555550100'],
  ];

  it.each(allowed)('%s', (_name, url, expected) => {
    const open = vi.fn();
    expect(openExternalSafely(url, open)).toBe(true);
    expect(open).toHaveBeenCalledTimes(1);
    expect(open).toHaveBeenCalledWith(expected);
  });
});

describe('openExternalSafely when the operating system fails', () => {
  it('does not throw when open throws', () => {
    const open = vi.fn(() => {
      throw new Error('no handler');
    });
    expect(openExternalSafely('tel:+15555550100', open)).toBe(true);
    expect(console.error).toHaveBeenCalled();
  });

  it('catches a rejected promise from open', async () => {
    const open = vi.fn(() => Promise.reject(new Error('no handler for tel:')));
    expect(openExternalSafely('tel:+15555550100', open)).toBe(true);
    await eventually(() => {
      expect(console.error).toHaveBeenCalled();
    });
  });
});
