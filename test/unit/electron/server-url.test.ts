import { describe, expect, it } from 'vitest';
import { DEFAULT_SERVER_URL, serverUrlFromEnv } from '../../../src/main/shell/server-url';

describe('serverUrlFromEnv', () => {
  it('defaults to the local sync-server', () => {
    expect(serverUrlFromEnv({})).toBe(DEFAULT_SERVER_URL);
    expect(serverUrlFromEnv({ POUNCE_SERVER_URL: '  ' })).toBe(DEFAULT_SERVER_URL);
  });

  it('takes POUNCE_SERVER_URL', () => {
    expect(serverUrlFromEnv({ POUNCE_SERVER_URL: 'https://pounce.example.com' })).toBe(
      'https://pounce.example.com',
    );
  });

  it('names the variable when the value is wrong', () => {
    expect(() => serverUrlFromEnv({ POUNCE_SERVER_URL: 'pounce.example.com' })).toThrow(
      /^POUNCE_SERVER_URL: /,
    );
    expect(() => serverUrlFromEnv({ POUNCE_SERVER_URL: 'ftp://pounce.example.com' })).toThrow(
      /^POUNCE_SERVER_URL: .*http/,
    );
  });
});

describe('serverUrlFromEnv and http://', () => {
  it('builds for http:// only on this computer or a private network', () => {
    expect(serverUrlFromEnv({ POUNCE_SERVER_URL: 'http://192.168.1.20:8787' })).toBe(
      'http://192.168.1.20:8787',
    );
    expect(() => serverUrlFromEnv({ POUNCE_SERVER_URL: 'http://pounce.example.com' })).toThrow(
      /^POUNCE_SERVER_URL: the address http:\/\/ is allowed only for this computer or a private network/,
    );
  });
});
