import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseBoardMessage } from '../../src/shared/board-protocol';
import { DEFAULT_BOARD_DIR } from '../../sync-server/src/http/routes/wallboard-routes';
import { http } from '../helpers/http';
import { LiveClient } from '../helpers/live-client';
import {
  createTeam,
  createUser,
  PASSWORD,
  startTestServer,
  type TestServer,
} from '../helpers/test-server';

/*
 * The wallboard page served by the sync-server at /board from a folder of built files: the
 * page and its assets with a strict policy and no framing; nothing else, whatever the path says
 * (dot segments, encoded slashes and backslashes, NUL, symlinks out); a clear 404 when the page
 * was never built. Signing in tells the page the role, and a rep's socket gets no board.
 */

const ROOT = resolve(__dirname, '../..');
const PAGE =
  '<!doctype html><title>Board</title><script type="module" src="./assets/board-abc123.js"></script>';
const SCRIPT = 'console.log("board");';
const SECRET = 'top secret: not for the wallboard';

let dir: string;
let built: string;
let server: TestServer | undefined;
const closers: (() => void)[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pounce-wallboard-'));
  built = join(dir, 'renderer');
  mkdirSync(join(built, 'assets', 'fonts'), { recursive: true });
  writeFileSync(join(built, 'board.html'), PAGE);
  writeFileSync(join(built, 'index.html'), '<!doctype html><title>The rep app</title>');
  writeFileSync(join(built, 'assets', 'board-abc123.js'), SCRIPT);
  writeFileSync(join(built, 'assets', 'board-abc123.css'), 'body{margin:0}');
  writeFileSync(join(built, 'assets', 'fonts', 'inter.woff2'), 'wOF2');
  writeFileSync(join(built, 'assets', '.env'), SECRET);
  writeFileSync(join(dir, 'secret.txt'), SECRET);
  // A link inside assets/ that points outside it.
  symlinkSync(join(dir, 'secret.txt'), join(built, 'assets', 'escape.js'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

afterEach(async () => {
  for (const close of closers.splice(0)) close();
  await server?.stop();
  server = undefined;
});

/** A request with the path exactly as given (fetch would resolve dot segments first). */
function raw(
  url: string,
  path: string,
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}> {
  const { hostname, port } = new URL(url);
  return new Promise((done, fail) => {
    const req = request({ host: hostname, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.once('error', fail);
    req.end();
  });
}

function expectSecured(headers: Record<string, string | string[] | undefined>): void {
  const csp = String(headers['content-security-policy']);
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe-inline');
  expect(csp).toContain("connect-src 'self' ws: wss:");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['x-content-type-options']).toBe('nosniff');
}

describe('the wallboard page', () => {
  it('serves the page and its assets from the built folder, with a strict policy', async () => {
    server = await startTestServer({ board: { staticDir: built } });
    const s = server;

    const bare = await raw(s.url, '/board');
    expect(bare.status).toBe(308);
    expect(bare.headers.location).toBe('/board/');
    expect((await raw(s.url, '/board?team=abc')).headers.location).toBe('/board/?team=abc');

    const page = await raw(s.url, '/board/');
    expect(page.status).toBe(200);
    expect(page.body).toBe(PAGE);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-cache');
    expectSecured(page.headers);

    const script = await raw(s.url, '/board/assets/board-abc123.js');
    expect(script.status).toBe(200);
    expect(script.body).toBe(SCRIPT);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['cache-control']).toContain('immutable');
    expectSecured(script.headers);
    expect((await raw(s.url, '/board/assets/board-abc123.css')).headers['content-type']).toBe(
      'text/css; charset=utf-8',
    );
    expect((await raw(s.url, '/board/assets/fonts/inter.woff2')).status).toBe(200);
  });

  it('serves nothing outside assets/: dot segments, encoded separators, NUL, symlinks', async () => {
    server = await startTestServer({ board: { staticDir: built } });
    const s = server;
    const attempts = [
      '/board/assets/../board.html',
      '/board/assets/../../secret.txt',
      '/board/assets/..%2fboard.html',
      '/board/assets/..%2f..%2fsecret.txt',
      '/board/assets/..%2F..%2Fsecret.txt',
      '/board/assets/%2e%2e/%2e%2e/secret.txt',
      '/board/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/board/assets/..%5c..%5csecret.txt',
      '/board/assets/..\\..\\secret.txt',
      '/board/assets/%252e%252e%252fsecret.txt',
      '/board/assets/board-abc123.js%00.png',
      '/board/assets/%c0%ae%c0%ae/secret.txt',
      '/board/assets/%',
      '/board/assets/.env',
      '/board/assets/escape.js',
      '/board/assets/',
      '/board/assets/fonts',
      '/board/assets//secret.txt',
      '/board/index.html',
      '/board/board.html',
      '/board/%2e%2e/secret.txt',
      '/board/..%2f..%2fsecret.txt',
    ];
    for (const path of attempts) {
      const res = await raw(s.url, path);
      expect([400, 404], path).toContain(res.status);
      expect(res.body, path).not.toContain(SECRET);
      expect(res.body, path).not.toContain('The rep app');
      if (res.status === 404) expectSecured(res.headers);
    }
  });

  it('answers 404 with a clear message when the page was never built', async () => {
    const empty = mkdtempSync(join(dir, 'empty-'));
    server = await startTestServer({ board: { staticDir: empty } });
    const res = await http<{ error: { code: string; message: string } }>(
      'GET',
      `${server.url}/board/`,
    );
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    expect(res.body.error.message).toMatch(/wallboard is not built.*npm run build/);
    // The folder is for the log, not for visitors.
    expect(res.body.error.message).not.toContain(empty);
    expect(DEFAULT_BOARD_DIR).toBe(join(ROOT, 'out', 'renderer'));
  });

  it('signing in tells the page the role; a rep gets no board on the live socket', async () => {
    server = await startTestServer({ board: { staticDir: built } });
    const s = server;
    const teamId = await createTeam(s, 'Floor');
    const rep = await createUser(s, { email: 'rep@floor.test', role: 'rep', teamId });
    const teamLead = await createUser(s, { email: 'lead@floor.test', role: 'lead', teamId });
    for (const [email, role] of [
      ['rep@floor.test', 'rep'],
      ['lead@floor.test', 'lead'],
    ] as const) {
      const login = await http<{ user: { role: string } }>('POST', `${s.url}/api/v1/auth/login`, {
        body: { email, password: PASSWORD },
      });
      expect(login.status).toBe(200);
      expect(login.body.user.role).toBe(role);
    }
    const live = await LiveClient.connect(s.url, rep.token, 'protocol');
    closers.push(() => live.close());
    // The team lead, on the same server, does get the board: the rep's silence is a refusal.
    const lead = await LiveClient.connect(s.url, teamLead.token, 'protocol');
    closers.push(() => lead.close());
    await lead.next((m) => parseBoardMessage(m) !== null);
    await s.handle.board.settled();
    await live.roundTrip();
    expect(live.messages.filter((m) => parseBoardMessage(m) !== null)).toEqual([]);
    // And the board's reads refuse the rep.
    const charts = await http('GET', `${s.url}/api/v1/teams/${teamId}/board/charts`, {
      token: rep.token,
    });
    expect(charts.status).toBe(403);
  });
});
