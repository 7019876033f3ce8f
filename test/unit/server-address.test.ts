import { describe, expect, it } from 'vitest';
import { AppRequestSchemas } from '../../src/shared/app-api';
import { isPrivateHost, serverAddressPolicy } from '../../src/shared/server-address';

/*
 * Which addresses the app signs in to (issue 12, item 13): https:// anywhere, http:// only to
 * this computer or a private network, never credentials. Hostile spellings are read as the URL
 * parser (and so the HTTP client) reads them.
 */

const allowedHttp = (raw: string) => {
  const verdict = serverAddressPolicy(raw);
  return verdict.ok && verdict.insecure;
};
const refused = (raw: string) => !serverAddressPolicy(raw).ok;

describe('serverAddressPolicy', () => {
  it('takes https:// anywhere, as parsed and without a trailing slash', () => {
    expect(serverAddressPolicy('https://pounce.example.com/')).toEqual({
      ok: true,
      url: 'https://pounce.example.com',
      insecure: false,
    });
    expect(serverAddressPolicy('  HTTPS://Pounce.Example.com:8443/sync//  ')).toEqual({
      ok: true,
      url: 'https://pounce.example.com:8443/sync',
      insecure: false,
    });
    expect(serverAddressPolicy('https://8.8.8.8').ok).toBe(true);
  });

  it('takes http:// to loopback and private addresses, flagged insecure', () => {
    for (const raw of [
      'http://127.0.0.1:8787',
      'http://127.255.0.9',
      'http://localhost:8787',
      'http://LOCALHOST',
      'http://[::1]:8787',
      'http://10.1.2.3',
      'http://172.16.0.1',
      'http://172.31.255.255',
      'http://192.168.1.20:8787/',
      'http://[fd12:3456::1]',
      'http://[fc00::1]',
      'http://[::ffff:192.168.0.1]',
    ]) {
      expect(allowedHttp(raw), raw).toBe(true);
    }
    expect(serverAddressPolicy('http://192.168.1.20:8787/')).toMatchObject({
      url: 'http://192.168.1.20:8787',
    });
  });

  it('reads other spellings of an address as the connection would', () => {
    // 0x7f.1, 127.1, 0177.0.0.1 and 2130706433 are all 127.0.0.1 to the URL parser.
    for (const raw of ['http://0x7f.1', 'http://127.1', 'http://0177.0.0.1', 'http://2130706433']) {
      expect(serverAddressPolicy(raw), raw).toEqual({
        ok: true,
        url: 'http://127.0.0.1',
        insecure: true,
      });
    }
    // ...and 0x8.8.8.8 is 8.8.8.8.
    expect(refused('http://0x8.8.8.8')).toBe(true);
  });

  it('refuses http:// to public hosts and to names, whatever they look like', () => {
    for (const raw of [
      'http://8.8.8.8',
      'HTTP://8.8.8.8',
      'Http://pounce.example.com',
      'http://10.0.0.1.evil.com',
      'http://127.0.0.1.nip.io',
      'http://192.168.1.1.xip.io',
      'http://localhost.evil.com',
      'http://sub.localhost',
      'http://localhost.',
      'http://[::ffff:8.8.8.8]',
      'http://[::ffff:808:808]',
      'http://[2001:4860:4860::8888]',
      'http://[::]',
      'http://0.0.0.0',
      'http://169.254.169.254',
      'http://[fe80::1]',
      'http://100.64.0.1',
      'http://172.15.255.255',
      'http://172.32.0.1',
      'http://192.169.0.1',
      'http://11.0.0.1',
      'http://[fec0::1]',
    ]) {
      expect(refused(raw), raw).toBe(true);
    }
  });

  it('refuses credentials, and the tricks that hide a host behind them', () => {
    for (const raw of [
      'http://user:pw@127.0.0.1',
      'https://user:pw@pounce.example.com',
      'https://token@pounce.example.com',
      // The host is evil.com; 127.0.0.1 is the user name.
      'http://127.0.0.1@evil.com',
      'http://127.0.0.1:8787@evil.com',
      'http://evil.com@127.0.0.1',
    ]) {
      expect(refused(raw), raw).toBe(true);
    }
    expect(serverAddressPolicy('http://127.0.0.1@evil.com')).toMatchObject({
      reason: 'must not contain a user name or password',
    });
  });

  it('refuses what is not a server address', () => {
    for (const raw of [
      '',
      'pounce.example.com',
      'file:///etc/passwd',
      'ftp://10.0.0.1',
      'ws://127.0.0.1:8787',
      'javascript:alert(1)',
      'http://',
      'http://[::1',
      'http://10.0.0.1/?next=https://evil.com',
      'http://10.0.0.1#@evil.com',
    ]) {
      expect(refused(raw), raw).toBe(true);
    }
  });

  it('isPrivateHost reads hostnames as URL gives them', () => {
    expect(isPrivateHost('[0:0:0:0:0:0:0:1]')).toBe(true);
    expect(isPrivateHost('[::1:0]')).toBe(false);
    expect(isPrivateHost('[1:2:3:4:5:6:7:8:9]')).toBe(false);
    expect(isPrivateHost('256.0.0.1')).toBe(false);
    expect(isPrivateHost('10.00.0.1')).toBe(false);
  });
});

describe('session.signIn parameters', () => {
  const schema = AppRequestSchemas['session.signIn'];
  const base = { email: 'a@b.c', password: 'pw' };
  const fields = (params: Record<string, unknown>) => {
    const parsed = schema.safeParse({ ...base, ...params });
    return parsed.success ? [] : parsed.error.issues.map((i) => i.path.join('.'));
  };

  it('needs allowInsecureHttp: true for http://, and refuses public http:// even with it', () => {
    expect(fields({ serverUrl: 'https://pounce.example.com' })).toEqual([]);
    expect(fields({ serverUrl: 'http://127.0.0.1:8787' })).toEqual(['allowInsecureHttp']);
    expect(fields({ serverUrl: 'http://127.0.0.1:8787', allowInsecureHttp: false })).toEqual([
      'allowInsecureHttp',
    ]);
    expect(fields({ serverUrl: 'http://127.0.0.1:8787', allowInsecureHttp: true })).toEqual([]);
    expect(fields({ serverUrl: 'http://8.8.8.8', allowInsecureHttp: true })).toEqual(['serverUrl']);
    expect(fields({ serverUrl: 'http://127.0.0.1', allowInsecureHttp: 'yes' })).toEqual([
      'allowInsecureHttp',
    ]);
  });
});
