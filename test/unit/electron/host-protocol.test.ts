import { describe, expect, it } from 'vitest';
import {
  HOST_PROTOCOL_VERSION,
  parseFromHost,
  parseToHost,
} from '../../../src/main/host/host-protocol';
import { DEFAULT_APP_SETTINGS } from '../../../src/shared/app-api';

const session = {
  serverUrl: 'http://localhost:8787',
  token: 't'.repeat(43),
  user: { id: 'u1', email: 'ana@example.com', name: 'Ana' },
};

function problem(result: { ok: boolean; problem?: string }): string {
  if (result.ok) throw new Error('expected the message to be refused');
  return result.problem ?? '';
}

describe('messages to the host', () => {
  it('accepts each kind', () => {
    for (const message of [
      { kind: 'init', version: HOST_PROTOCOL_VERSION, dataDir: '/data' },
      {
        kind: 'init',
        version: HOST_PROTOCOL_VERSION,
        dataDir: '/data',
        autoSignIn: {
          serverUrl: 'http://localhost:8787',
          allowInsecureHttp: true,
          email: 'a@b.c',
          password: 'pw',
        },
      },
      { kind: 'request', id: 1, method: 'queue.get', params: {} },
      { kind: 'secret.reply', id: 2, outcome: { ok: true, session } },
      { kind: 'secret.reply', id: 2, outcome: { ok: true, session: null } },
      { kind: 'secret.reply', id: 2, outcome: { ok: false, message: 'locked' } },
      { kind: 'toast.reply', id: 3, outcome: { ok: true } },
      { kind: 'toast.reply', id: 3, outcome: { ok: false, message: 'no daemon' } },
      { kind: 'close' },
    ]) {
      expect(parseToHost(message).ok, JSON.stringify(message)).toBe(true);
    }
  });

  it('refuses what is not a message, naming the kind and the field', () => {
    expect(problem(parseToHost(null))).toMatch(/expected object/);
    expect(problem(parseToHost({ kind: 'shutdown' }))).toMatch(
      /^shutdown: kind: Invalid discriminator/,
    );
    expect(problem(parseToHost({ kind: 'request', id: 0, method: 'queue.get', params: {} }))).toBe(
      'request: id: Too small: expected number to be >0',
    );
    expect(problem(parseToHost({ kind: 'init', version: 99, dataDir: '/d' }))).toMatch(
      /^init: version: /,
    );
    expect(
      problem(
        parseToHost({
          kind: 'init',
          version: HOST_PROTOCOL_VERSION,
          dataDir: '/d',
          autoSignIn: { serverUrl: 'ftp://x', email: 'a@b.c', password: 'pw' },
        }),
      ),
    ).toMatch(/^init: autoSignIn\.serverUrl: /);
    expect(
      problem(
        parseToHost({
          kind: 'secret.reply',
          id: 1,
          outcome: { ok: true, session: { token: 'x' } },
        }),
      ),
    ).toMatch(/^secret\.reply: outcome\.session\./);
    expect(problem(parseToHost({ kind: 'close', now: true }))).toBe(
      'close: now: unknown field: now',
    );
  });

  it('does not echo a long or odd kind into the report', () => {
    expect(problem(parseToHost({ kind: '<script>'.repeat(20) }))).not.toContain('<script>');
  });
});

describe('messages from the host', () => {
  const ready = {
    kind: 'ready',
    version: HOST_PROTOCOL_VERSION,
    session: null,
    settings: DEFAULT_APP_SETTINGS,
  };

  it('accepts each kind', () => {
    for (const message of [
      ready,
      { ...ready, session: { serverUrl: 'http://x', user: session.user } },
      { kind: 'fatal', message: 'disk full' },
      { kind: 'response', id: 1, result: { ok: true, value: { items: [] } } },
      { kind: 'response', id: 1, result: { ok: true, value: null } },
      {
        kind: 'response',
        id: 1,
        result: {
          ok: false,
          error: {
            code: 'invalid_request',
            message: 'id bad',
            fields: [{ field: 'id', message: 'bad' }],
          },
        },
      },
      { kind: 'event', event: { type: 'queue.counts', counts: { total: 3, untouched: 1 } } },
      { kind: 'event', event: { type: 'settings.changed', settings: DEFAULT_APP_SETTINGS } },
      { kind: 'event', event: { type: 'session.changed', session: null } },
      { kind: 'event', event: { type: 'online' } },
      { kind: 'event', event: { type: 'offline', reason: 'x', retryInMs: 10 } },
      { kind: 'secret.load', id: 1 },
      { kind: 'secret.save', id: 1, session },
      { kind: 'secret.clear', id: 1 },
      { kind: 'toast', id: 1, toast: { title: 'Hot lead: Ana', body: 'Acme', leadId: 'l1' } },
      { kind: 'link.open', url: 'tel:+15555550100' },
      { kind: 'protocol.error', message: 'x' },
      { kind: 'closed' },
    ]) {
      expect(parseFromHost(message).ok, JSON.stringify(message)).toBe(true);
    }
  });

  it('checks field by field the events main itself reads', () => {
    expect(
      problem(
        parseFromHost({
          kind: 'event',
          event: { type: 'queue.counts', counts: { total: -1, untouched: 0 } },
        }),
      ),
    ).toMatch(/^event: /);
    expect(
      parseFromHost({
        kind: 'event',
        event: {
          type: 'settings.changed',
          settings: { ...DEFAULT_APP_SETTINGS, startAtLogin: 'yes' },
        },
      }).ok,
    ).toBe(false);
  });

  it('refuses an event type that does not exist', () => {
    expect(parseFromHost({ kind: 'event', event: { type: 'shell.exec', command: 'rm' } }).ok).toBe(
      false,
    );
  });

  it('refuses an error code outside the contract and a secret without a token', () => {
    expect(
      problem(
        parseFromHost({
          kind: 'response',
          id: 1,
          result: { ok: false, error: { code: 'teapot', message: 'x' } },
        }),
      ),
    ).toMatch(/^response: result\.error\.code: /);
    expect(
      problem(parseFromHost({ kind: 'secret.save', id: 1, session: { ...session, token: '' } })),
    ).toMatch(/^secret\.save: session\.token: /);
  });
});
