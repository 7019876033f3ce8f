import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { LiveServerMessage } from '../../src/shared/live-protocol';
import { dbSnapshot } from '../helpers/db-snapshot';
import { http } from '../helpers/http';
import { LiveClient } from '../helpers/live-client';
import { serverScope } from '../helpers/server-fixture';
import { type TestServer } from '../helpers/test-server';

/*
 * The hostile-input table for the live channel (issue 12, "Also"): upgrades that must be refused
 * before a socket exists, and frames a connected client may send. A bad frame is answered with
 * an error message and the socket stays usable; only what the WebSocket protocol itself forbids
 * (a text frame that is not UTF-8, a frame over the size limit) closes it, with the RFC 6455
 * code. Every row also checks that the database is untouched and the server still answers.
 */

let s: TestServer;
let repToken: string;
let apiKey: string;
let live: LiveClient;

const scope = serverScope('all');
beforeAll(async () => {
  const t = await scope.start({ teams: ['Hostile live'], users: { rep: { role: 'rep' } } });
  ({ s, apiKey } = t);
  repToken = t.users.rep.token;
  live = await LiveClient.connect(s.url, repToken);
});
afterAll(() => {
  // The socket of the last row: a row that closes it connects a new one.
  live.close();
});

interface Upgrade {
  readonly path?: string;
  readonly headers?: Record<string, string>;
}
/** [what, upgrade request ({rep}, {key} are secrets), status] */
const UPGRADES: readonly [string, Upgrade, number][] = [
  ['no credentials', {}, 401],
  ['a wrong token', { headers: { authorization: 'Bearer pnc_s_guess' } }, 401],
  ['an intake API key', { headers: { authorization: 'Bearer {key}' } }, 401],
  [
    'Basic scheme',
    { headers: { authorization: 'Basic cmVwQGhsLnRlc3Q6cmVwLXBhc3N3b3JkLTE=' } },
    401,
  ],
  ['a token with a space inside', { headers: { authorization: 'Bearer pnc_s_a b' } }, 401],
  ['a 12 KB token', { headers: { authorization: `Bearer pnc_s_${'x'.repeat(12_000)}` } }, 401],
  ['the token in the query string', { path: '/api/v1/live?token={rep}' }, 401],
  [
    'an empty token subprotocol',
    { headers: { 'sec-websocket-protocol': 'pounce.v1, pounce.token.' } },
    401,
  ],
  [
    'a wrong token subprotocol',
    { headers: { 'sec-websocket-protocol': 'pounce.v1, pounce.token.pnc_s_guess' } },
    401,
  ],
  [
    'an API key as the token subprotocol',
    { headers: { 'sec-websocket-protocol': 'pounce.v1, pounce.token.{key}' } },
    401,
  ],
  ['a trailing slash', { path: '/api/v1/live/', headers: { authorization: 'Bearer {rep}' } }, 404],
  ['another path', { path: '/api/v1/livex', headers: { authorization: 'Bearer {rep}' } }, 404],
  [
    'the path in capitals',
    { path: '/API/V1/LIVE', headers: { authorization: 'Bearer {rep}' } },
    404,
  ],
  ['an encoded path', { path: '/api/v1/%6Cive', headers: { authorization: 'Bearer {rep}' } }, 404],
];

type Frame = string | { readonly binary: Buffer } | { readonly badUtf8: Buffer };
type Answer =
  | { readonly error: 'invalid_json' | 'bad_request' | 'validation_failed' }
  | { readonly pong: string }
  | { readonly close: number };
/** [what, frame sent, what the server answers] */
const FRAMES: readonly [string, Frame, Answer][] = [
  ['not JSON', 'hello', { error: 'invalid_json' }],
  ['an empty frame', '', { error: 'invalid_json' }],
  ['truncated JSON', '{"type":"ping"', { error: 'invalid_json' }],
  ['a binary frame', { binary: Buffer.from('{"type":"ping","id":"b"}') }, { error: 'bad_request' }],
  ['JSON null', 'null', { error: 'validation_failed' }],
  ['a JSON array', '[{"type":"ping","id":"a"}]', { error: 'validation_failed' }],
  ['a JSON number', '42', { error: 'validation_failed' }],
  ['a JSON string', '"ping"', { error: 'validation_failed' }],
  ['an empty object', '{}', { error: 'validation_failed' }],
  ['a ping without an id', '{"type":"ping"}', { error: 'validation_failed' }],
  ['a ping whose id is a number', '{"type":"ping","id":7}', { error: 'validation_failed' }],
  ['a ping whose id is 1e309', '{"type":"ping","id":1e309}', { error: 'validation_failed' }],
  [
    'a ping whose id has 65 characters',
    JSON.stringify({ type: 'ping', id: 'x'.repeat(65) }),
    { error: 'validation_failed' },
  ],
  [
    'a ping with an extra key',
    '{"type":"ping","id":"a","teamId":"x"}',
    { error: 'validation_failed' },
  ],
  [
    'a ping with __proto__',
    '{"type":"ping","id":"a","__proto__":{"admin":true}}',
    { error: 'validation_failed' },
  ],
  [
    'constructor.prototype',
    '{"type":"ping","id":"a","constructor":{"prototype":{"x":1}}}',
    { error: 'validation_failed' },
  ],
  ['type PING in capitals', '{"type":"PING","id":"a"}', { error: 'validation_failed' }],
  ['type as an array', '{"type":["ping"],"id":"a"}', { error: 'validation_failed' }],
  [
    'a subscription to another team',
    '{"type":"subscribe","teamId":"x"}',
    { error: 'validation_failed' },
  ],
  [
    'a server message sent back',
    '{"type":"lead.assigned","lead":{"id":"x"},"reason":"x"}',
    { error: 'validation_failed' },
  ],
  [
    'JSON nested 5,000 deep',
    `${'['.repeat(5000)}${']'.repeat(5000)}`,
    { error: 'validation_failed' },
  ],
  ['a ping whose id is a NUL', '{"type":"ping","id":"\\u0000"}', { pong: '\u0000' }],
  ['a ping whose id is an RTL override', '{"type":"ping","id":"\\u202e1"}', { pong: '\u202e1' }],
  ['a ping whose id is a lone surrogate', '{"type":"ping","id":"\\ud800"}', { pong: '\ud800' }],
  [
    'a text frame that is not UTF-8',
    { badUtf8: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) },
    { close: 1007 },
  ],
  [
    'an overlong UTF-8 "/" (C0 AF)',
    { badUtf8: Buffer.from([0x22, 0xc0, 0xaf, 0x22]) },
    { close: 1007 },
  ],
  [
    'a UTF-8 encoded surrogate (ED A0 80)',
    { badUtf8: Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]) },
    { close: 1007 },
  ],
  [
    'a frame over 16 KiB',
    JSON.stringify({ type: 'ping', id: 'x'.repeat(17 * 1024) }),
    { close: 1009 },
  ],
];

function secrets(text: string): string {
  return text.replace('{rep}', repToken).replace('{key}', apiKey);
}

/** Sends an upgrade and reports how it was refused (status and JSON body), or 101. */
function upgrade(req: Upgrade): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers ?? {})) headers[k] = secrets(v);
  const url = `${s.url.replace(/^http/, 'ws')}${secrets(req.path ?? '/api/v1/live')}`;
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown });
        socket.terminate();
      });
    });
    socket.once('open', () => {
      socket.close();
      resolve({ status: 101, body: null });
    });
    socket.once('error', reject);
  });
}

/** The text of a frame as ws hands it over (a Buffer, an ArrayBuffer, or fragments). */
function frameText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data).toString('utf8');
}

/** The next message on the socket, or how it closed. */
function nextAnswer(socket: WebSocket): Promise<LiveServerMessage | { closed: number }> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      socket.off('close', onClose);
      resolve(JSON.parse(frameText(data)) as LiveServerMessage);
    };
    const onClose = (code: number) => {
      socket.off('message', onMessage);
      resolve({ closed: code });
    };
    socket.once('message', onMessage);
    socket.once('close', onClose);
  });
}

describe('hostile live-channel upgrades', () => {
  it.each(UPGRADES)('%s', async (_what, req, status) => {
    const before = dbSnapshot(s.dataDir);
    const res = await upgrade(req);
    expect(res.status).toBe(status);
    const body = res.body as { error?: { code?: unknown; message?: unknown } };
    expect(typeof body.error?.code).toBe('string');
    expect(typeof body.error?.message).toBe('string');
    expect(dbSnapshot(s.dataDir)).toEqual(before);
    expect((await http('GET', `${s.url}/healthz`)).status).toBe(200);
  });
});

describe('hostile live-channel frames', () => {
  it(`has a table of at least 40 cases (${UPGRADES.length + FRAMES.length})`, () => {
    expect(UPGRADES.length + FRAMES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(FRAMES)('%s', async (_what, frame, want) => {
    const before = dbSnapshot(s.dataDir);
    const socket = live.socket;
    const answer = nextAnswer(socket);
    if (typeof frame === 'string') socket.send(frame);
    else if ('binary' in frame) socket.send(frame.binary, { binary: true });
    else socket.send(frame.badUtf8, { binary: false });
    const got = await answer;
    if ('close' in want) {
      expect(got).toEqual({ closed: want.close });
      live = await LiveClient.connect(s.url, repToken);
    } else if ('pong' in want) {
      expect(got).toEqual({ type: 'pong', id: want.pong });
    } else {
      expect(got).toMatchObject({ type: 'error', error: { code: want.error } });
      expect(got).toHaveProperty('error.message');
    }
    // The socket (or its replacement) still answers, and so does the server.
    const pong = nextAnswer(live.socket);
    live.socket.send('{"type":"ping","id":"after"}');
    expect(await pong).toEqual({ type: 'pong', id: 'after' });
    expect(dbSnapshot(s.dataDir)).toEqual(before);
    expect((await http('GET', `${s.url}/healthz`)).status).toBe(200);
  });

  it('answers a burst of 1,000 bad frames one by one, and the socket still works', async () => {
    const socket = live.socket;
    let errors = 0;
    const done = new Promise<void>((resolve) => {
      const onMessage = (data: WebSocket.RawData) => {
        const message = JSON.parse(frameText(data)) as LiveServerMessage;
        if (message.type === 'error') errors += 1;
        if (message.type === 'pong') {
          socket.off('message', onMessage);
          resolve();
        }
      };
      socket.on('message', onMessage);
    });
    for (let i = 0; i < 1000; i++) socket.send('{bad');
    socket.send('{"type":"ping","id":"end"}');
    await done;
    expect(errors).toBe(1000);
  });
});
