import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseBoardMessage } from '../../src/shared/board-protocol';
import type { LiveServerMessage } from '../../src/shared/live-protocol';
import { http } from '../helpers/http';
import { LiveClient } from '../helpers/live-client';
import {
  createApiKey,
  createTeam,
  createUser,
  hotLead,
  login,
  PASSWORD,
  postLead,
  startTestServer,
  type TestServer,
  type TestUser,
} from '../helpers/test-server';

/*
 * A change of role or team reaches the user's live sockets at once (docs/api.md, "Live
 * channel"): the server closes them with 4003 and the app reconnects, to the new scope. Through
 * the HTTP API it happens with the change; through the admin CLI (another process, same
 * database) at the socket's next heartbeat. An admin's socket is the witness that a board
 * message was sent.
 */

const ROOT = resolve(__dirname, '../..');
const TSX = resolve(ROOT, 'node_modules/.bin/tsx');
const RESCOPED = 4003;

let s: TestServer;
let teamA: string;
let teamB: string;
let apiKey: string;
let admin: LiveClient;
let dir: string;
const sockets: LiveClient[] = [];

beforeAll(async () => {
  s = await startTestServer({ live: { heartbeatSeconds: 0.1 }, routing: { requireOnline: false } });
  teamA = await createTeam(s, 'Alpha');
  teamB = await createTeam(s, 'Bravo');
  await createUser(s, { email: 'rep@rescope.test', role: 'rep', teamId: teamA });
  apiKey = await createApiKey(s);
  admin = await connect(s.adminToken);
  dir = mkdtempSync(join(tmpdir(), 'pounce-rescope-'));
});
afterEach(() => {
  for (const socket of sockets.splice(1)) socket.close();
});
afterAll(async () => {
  admin.close();
  await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function connect(token: string): Promise<LiveClient> {
  const client = await LiveClient.connect(s.url, token);
  sockets.push(client);
  return client;
}

function boardFor(teamId: string) {
  return (m: LiveServerMessage) => parseBoardMessage(m)?.teamId === teamId;
}

/** Waits (2 s at most) for the socket to be closed; null when it stays open. */
function closedSoon(client: LiveClient): Promise<{ code: number } | null> {
  return Promise.race([
    client.closed,
    new Promise<null>((done) => setTimeout(() => done(null), 2000)),
  ]);
}

/** The next board message for `teamId` that arrives after the first `mark` messages. */
function boardAfter(client: LiveClient, teamId: string, mark: number) {
  return client.next((m) => client.messages.indexOf(m) >= mark && boardFor(teamId)(m));
}

/**
 * Posts a lead to team A (the oldest team: the default) and waits until the admin's socket has its board message: by then any
 * socket that may watch team A's board has it too.
 */
async function leadLandsOnBoardA(): Promise<void> {
  const mark = admin.messages.length;
  expect((await postLead(s, apiKey, hotLead())).status).toBe(201);
  await s.handle.board.settled();
  await boardAfter(admin, teamA, mark);
}

function patchUser(id: string, body: Record<string, unknown>) {
  return http('PATCH', `${s.url}/api/v1/users/${id}`, { token: s.adminToken, body });
}

/** The real admin CLI against the running server's database. */
function cli(...args: string[]): Promise<{ code: number | null; stderr: string }> {
  const configFile = join(dir, 'pounce.json');
  writeFileSync(configFile, JSON.stringify({ auth: { scrypt: { N: 1024 } } }));
  return new Promise((done) => {
    const child = spawn(TSX, ['sync-server/src/cli/admin.ts', ...args, '--config', configFile], {
      cwd: ROOT,
      env: { ...process.env, POUNCE_DATA_DIR: s.dataDir, POUNCE_CONFIG: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
    child.once('exit', (code) => done({ code, stderr }));
  });
}

describe('a change of role or team re-scopes live sockets', () => {
  it('a team lead demoted to rep through the API stops getting the board at once; promoted back, gets it on reconnect', async () => {
    const lead: TestUser = await createUser(s, {
      email: 'lead1@rescope.test',
      role: 'lead',
      teamId: teamA,
    });
    const socket = await connect(lead.token);
    await socket.next(boardFor(teamA));

    expect((await patchUser(lead.id, { role: 'rep' })).status).toBe(200);
    expect((await closedSoon(socket))?.code).toBe(RESCOPED);
    const seen = socket.messages.length;
    await leadLandsOnBoardA();
    expect(socket.messages.slice(seen).filter(boardFor(teamA))).toEqual([]);

    // The app reconnects with the same session: a rep now, and no board.
    const asRep = await connect(lead.token);
    expect(asRep.messages[0]).toMatchObject({ type: 'hello', user: { role: 'rep' } });
    await leadLandsOnBoardA();
    expect(asRep.messages.filter(boardFor(teamA))).toEqual([]);

    // Promoted back: closed again, and the reconnect brings the team's board.
    expect((await patchUser(lead.id, { role: 'lead' })).status).toBe(200);
    expect((await closedSoon(asRep))?.code).toBe(RESCOPED);
    const again = await connect(lead.token);
    await again.next(boardFor(teamA));
    const mark = again.messages.length;
    await leadLandsOnBoardA();
    await boardAfter(again, teamA, mark);
  });

  it('a team lead moved to another team gets that team’s board, no longer the old one', async () => {
    const lead = await createUser(s, { email: 'lead2@rescope.test', role: 'lead', teamId: teamA });
    const socket = await connect(lead.token);
    await socket.next(boardFor(teamA));

    expect((await patchUser(lead.id, { teamId: teamB })).status).toBe(200);
    expect((await closedSoon(socket))?.code).toBe(RESCOPED);
    const moved = await connect(lead.token);
    await moved.next(boardFor(teamB));
    await leadLandsOnBoardA();
    expect(moved.messages.filter(boardFor(teamA))).toEqual([]);
  });

  it('other changes (weight, receiving leads) leave the sockets open', async () => {
    const lead = await createUser(s, { email: 'lead3@rescope.test', role: 'lead', teamId: teamA });
    const socket = await connect(lead.token);
    await socket.next(boardFor(teamA));
    expect((await patchUser(lead.id, { weight: 3, receivingLeads: false })).status).toBe(200);
    const mark = socket.messages.length;
    await leadLandsOnBoardA();
    await boardAfter(socket, teamA, mark);
    expect(socket.socket.readyState).toBe(socket.socket.OPEN);
  });

  it('a demotion made with the admin CLI (another process) closes the sockets at the next heartbeat', async () => {
    const lead = await createUser(s, { email: 'lead4@rescope.test', role: 'lead', teamId: teamA });
    const socket = await connect(lead.token);
    await socket.next(boardFor(teamA));

    const run = await cli('users', 'update', '--email', lead.email, '--role', 'rep');
    expect(run.stderr.replace(/^admin: note: .*\n/m, '')).toBe('');
    expect(run.code).toBe(0);
    expect((await closedSoon(socket))?.code).toBe(RESCOPED);

    const asRep = await connect(await login(s.url, lead.email, PASSWORD));
    expect(asRep.messages[0]).toMatchObject({ type: 'hello', user: { role: 'rep' } });
    await leadLandsOnBoardA();
    expect(asRep.messages.filter(boardFor(teamA))).toEqual([]);
  });
});
