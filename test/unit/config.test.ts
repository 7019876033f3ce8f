import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../sync-server/src/config/load';

function file(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'pounce-config-')), 'pounce.json');
  writeFileSync(path, content);
  return path;
}

describe('config', () => {
  it('ships working defaults', () => {
    const config = loadConfig({});
    expect(config.server.port).toBe(8787);
    expect(config.scoring.salesReadyThreshold).toBeGreaterThan(0);
    expect(config.routing.requireOnline).toBe(true);
  });

  it('takes the port and data folder from the environment over the file', () => {
    const config = loadConfig({
      file: file('{"server":{"port":9000}}'),
      env: { POUNCE_PORT: '9100', POUNCE_DATA_DIR: '/tmp/x' },
    });
    expect(config.server.port).toBe(9100);
    expect(config.server.dataDir).toBe('/tmp/x');
  });

  it('takes the sources sealing key file from the environment (a mounted secret)', () => {
    const config = loadConfig({
      file: file(
        '{"sources":{"keyFile":"/etc/pounce/in-file.key","publicUrl":"https://l.example"}}',
      ),
      env: { POUNCE_SOURCES_KEY_FILE: '/run/secrets/pounce-sources.key' },
    });
    expect(config.sources.keyFile).toBe('/run/secrets/pounce-sources.key');
    expect(config.sources.publicUrl).toBe('https://l.example');
    expect(loadConfig({ env: {} }).sources.keyFile).toBeNull();
  });

  it('takes the sync history window from the file or the environment, 30 days by default', () => {
    expect(loadConfig({ env: {} }).sync.historyDays).toBe(30);
    const fromFile = file('{"sync":{"historyDays":90}}');
    expect(loadConfig({ file: fromFile, env: {} }).sync.historyDays).toBe(90);
    const env = { POUNCE_SYNC_HISTORY_DAYS: '7' };
    expect(loadConfig({ file: fromFile, env }).sync.historyDays).toBe(7);
    expect(() => loadConfig({ env: { POUNCE_SYNC_HISTORY_DAYS: 'a month' } })).toThrow(
      'sync.historyDays',
    );
    expect(() => loadConfig({ env: { POUNCE_SYNC_HISTORY_DAYS: '0' } })).toThrow(
      'sync.historyDays',
    );
  });

  it.each([
    ['{"scoring":{"signalz":{}}}', 'scoring.signalz: unknown field'],
    ['{"scoring":{"tiers":{"hot":"high"}}}', 'scoring.tiers.hot'],
    [
      '{"scoring":{"titles":[{"pattern":"(","label":"x","points":1}]}}',
      'scoring.titles.0.pattern: is not a valid regular expression',
    ],
    [
      '{"routing":{"rules":[{"name":"x","match":{},"team":"A"}]}}',
      'routing.rules.0.match: needs at least one criterion',
    ],
    ['{"intake":{"defaultCountry":"XX"}}', 'intake.defaultCountry'],
    ['{"auth":{"scrypt":{"N":1000}}}', 'auth.scrypt.N'],
    ['{"server":', 'is not valid JSON'],
  ])('rejects %s naming the key', (content, expected) => {
    expect(() => loadConfig({ file: file(content) })).toThrow(ConfigError);
    expect(() => loadConfig({ file: file(content) })).toThrow(expected);
  });

  it('rejects a non-numeric POUNCE_PORT', () => {
    expect(() => loadConfig({ env: { POUNCE_PORT: 'eighty' } })).toThrow('server.port');
  });

  it('hashes passwords with scrypt N=2^17, r=8, p=1 by default', () => {
    expect(loadConfig({}).auth.scrypt).toEqual({ N: 2 ** 17, r: 8, p: 1 });
  });

  it('trusts X-Forwarded-For only when told: off by default; true or a list of proxies from the file or POUNCE_TRUST_PROXY', () => {
    expect(loadConfig({}).server.trustProxy).toBe(false);
    expect(loadConfig({ file: file('{"server":{"trustProxy":true}}') }).server.trustProxy).toBe(
      true,
    );
    expect(loadConfig({ env: { POUNCE_TRUST_PROXY: 'true' } }).server.trustProxy).toBe(true);
    expect(
      loadConfig({
        file: file('{"server":{"trustProxy":true}}'),
        env: { POUNCE_TRUST_PROXY: 'false' },
      }).server.trustProxy,
    ).toBe(false);
    expect(
      loadConfig({ env: { POUNCE_TRUST_PROXY: '10.0.0.0/8, loopback,fd00::1' } }).server.trustProxy,
    ).toEqual(['10.0.0.0/8', 'loopback', 'fd00::1']);
    for (const bad of ['yes', '10.0.0.0/33', '300.1.1.1', 'proxy.example.com']) {
      expect(() => loadConfig({ env: { POUNCE_TRUST_PROXY: bad } })).toThrow('server.trustProxy');
    }
  });
});
