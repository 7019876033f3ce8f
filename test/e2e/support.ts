import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { http } from '../helpers/http';
import {
  createApiKey,
  createTeam,
  createUser,
  hotLead,
  PASSWORD,
  postLead,
  startTestServer,
  type TestServer,
  type TestUser,
} from '../helpers/test-server';
import { type Bridge, startBridge } from './bridge/bridge-server';

/*
 * What every browser test starts from: a real sync-server with a team and a rep, and the app
 * (a real AppService behind the test bridge) serving the built renderer.
 */

export interface World {
  readonly server: TestServer;
  readonly rep: TestUser;
  readonly apiKey: string;
  readonly bridge: Bridge;
}

export async function startWorld(overrides: Record<string, unknown> = {}): Promise<World> {
  const server = await startTestServer(overrides);
  const team = await createTeam(server, 'E2E');
  const rep = await createUser(server, {
    email: 'rita@e2e.test',
    name: 'Rita Rep',
    role: 'rep',
    teamId: team,
    capacity: 10_000,
  });
  const apiKey = await createApiKey(server);
  const bridge = await startBridge();
  return { server, rep, apiKey, bridge };
}

export async function stopWorld(world: World | undefined): Promise<void> {
  if (!world) return;
  await world.bridge.close();
  await world.server.stop();
}

/**
 * Types the server address into the sign-in form; for an http:// address (the test servers are
 * on 127.0.0.1) it also gives the yes the app asks for before signing in unencrypted.
 */
export async function fillServer(page: Page, serverUrl: string): Promise<void> {
  await page.getByLabel('Server').fill(serverUrl);
  if (serverUrl.startsWith('http://')) {
    await page.getByLabel('Sign in without encryption').check();
  }
}

/** Signs in through the sign-in screen and waits until the app is online. */
export async function signIn(page: Page, world: World): Promise<void> {
  await page.goto(world.bridge.url);
  await fillServer(page, world.server.url);
  await page.getByLabel('Email').fill(world.rep.email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('connection')).toHaveText(/Online/);
}

/**
 * A zone where it is now mid-day, so the lead is callable now whenever the test runs (a lead
 * outside its calling hours sorts into "later" and reads differently).
 */
export function callableZone(now = Date.now()): string {
  const zones = [
    'Europe/London',
    'Europe/Berlin',
    'Asia/Dubai',
    'Asia/Kolkata',
    'Asia/Singapore',
    'Asia/Tokyo',
    'Australia/Sydney',
    'Pacific/Auckland',
    'Pacific/Honolulu',
    'America/Los_Angeles',
    'America/Chicago',
    'America/New_York',
    'America/Sao_Paulo',
  ];
  for (const zone of zones) {
    const hour = Number(
      new Intl.DateTimeFormat('en-GB', {
        timeZone: zone,
        hour: '2-digit',
        hourCycle: 'h23',
      }).format(now),
    );
    if (hour >= 10 && hour < 18) return zone;
  }
  return 'UTC';
}

export async function post(world: World, extra: Record<string, unknown>) {
  const res = await postLead(
    world.server,
    world.apiKey,
    hotLead({ timezone: callableZone(), ...extra }),
  );
  expect(res.status).toBe(201);
  return res.body.lead;
}

export interface ServerEvent {
  readonly type: string;
  readonly data: Record<string, unknown>;
}

/** The lead's events as the server has them (checked through its API, as an admin). */
export async function serverEvents(world: World, leadId: string): Promise<ServerEvent[]> {
  const res = await http<{ events: ServerEvent[] }>(
    'GET',
    `${world.server.url}/api/v1/leads/${leadId}/events`,
    { token: world.server.adminToken },
  );
  expect(res.status).toBe(200);
  return res.body.events;
}

export async function serverLead(world: World, leadId: string) {
  const res = await http<{
    lead: {
      attempts: number;
      lastDisposition: string | null;
      callbackAt: string | null;
      seenAt: string | null;
      status: string;
      closeReason?: string | null;
      nextAttemptAt?: string | null;
    };
  }>('GET', `${world.server.url}/api/v1/leads/${leadId}`, { token: world.server.adminToken });
  expect(res.status).toBe(200);
  return res.body.lead;
}

const SCREENSHOT_DIRS = [
  join(__dirname, '../../test-results/screenshots'),
  // `POUNCE_UPDATE_SCREENSHOTS=1 npm run test:e2e` refreshes the README's pictures.
  ...(process.env['POUNCE_UPDATE_SCREENSHOTS'] ? [join(__dirname, '../../docs/screenshots')] : []),
];

export async function screenshot(page: Page, name: string): Promise<void> {
  for (const dir of SCREENSHOT_DIRS) {
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, `${name}.png`) });
  }
}
