import { expect, test } from '@playwright/test';
import { MemorySecretStore } from '../../src/main/host/memory-secret-store';
import type { AppResult } from '../../src/shared/app-api';
import { startFaultProxy } from '../helpers/fault-proxy';
import { http } from '../helpers/http';
import { freePort } from '../helpers/ports';
import { createUser, hotLead, PASSWORD, postLead, startTestServer } from '../helpers/test-server';
import { startBridge } from './bridge/bridge-server';
import {
  fillServer,
  post,
  screenshot,
  serverEvents,
  serverLead,
  signIn,
  startWorld,
  stopWorld,
  type World,
} from './support';

/*
 * The rep's window in a real Chromium: the built renderer, the real client core and a real
 * sync-server; only Electron's IPC is replaced by the test bridge. Every step a rep takes is
 * checked where it matters: on the server, through its API.
 */

let world: World | undefined;
test.afterEach(async () => {
  await stopWorld(world);
  world = undefined;
});

test('sign-in says what went wrong, then remembers the rep across restarts', async ({ page }) => {
  world = await startWorld();
  const w = world;
  await page.goto(w.bridge.url);
  await expect(page.getByRole('form', { name: 'Sign in' })).toBeVisible();
  await screenshot(page, 'sign-in');

  const server = page.getByLabel('Server');
  const email = page.getByLabel('Email');
  const password = page.getByLabel('Password');
  const submit = page.getByRole('button', { name: 'Sign in' });
  const alert = page.getByRole('alert');

  // http:// only to a private address, and only with the rep's yes; the form says why.
  await server.fill('http://8.8.8.8:8787');
  await expect(page.getByText(/allowed only for this computer or a private network/)).toBeVisible();
  await expect(page.getByLabel('Sign in without encryption')).toHaveCount(0);
  await server.fill(w.server.url);
  await expect(page.getByText(/travel unencrypted/)).toBeVisible();
  await email.fill(w.rep.email);
  await password.fill('not-the-password');
  await submit.click();
  await expect(alert).toContainText('tick "Sign in without encryption"');
  await page.getByLabel('Sign in without encryption').check();
  await submit.click();
  await expect(alert).toHaveText('Wrong email or password.');
  await expect(password).toHaveAttribute('aria-invalid', 'true');

  await server.fill(`http://127.0.0.1:${await freePort()}`);
  await password.fill(PASSWORD);
  await submit.click();
  await expect(alert).toContainText('Cannot reach the server');

  // Something that answers HTTP but is not a Pounce server (here: the page's own server).
  await server.fill(w.bridge.url.replace(/\/$/, ''));
  await submit.click();
  await expect(alert).toContainText('This server cannot work with this app');

  await server.fill(w.server.url);
  await submit.click();
  await expect(page.getByTestId('connection')).toHaveText(/Online/);
  await expect(page.getByText('Your queue is empty.')).toBeVisible();

  // The app restarts (same data folder, same keychain): straight to the queue, no sign-in.
  const secrets = new MemorySecretStore();
  await w.bridge.close();
  const first = await startBridge({ secrets });
  await page.goto(first.url);
  await fillServer(page, w.server.url);
  await page.getByLabel('Email').fill(w.rep.email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('connection')).toHaveText(/Online/);
  await first.close();
  const again = await startBridge({ secrets, dataDir: first.dataDir });
  try {
    await page.goto(again.url);
    await expect(page.getByTestId('connection')).toHaveText(/Online/);
    await expect(page.getByRole('form', { name: 'Sign in' })).toHaveCount(0);
  } finally {
    await again.close();
  }
  world = { ...w, bridge: await startBridge() };
});

test('a lead posted to the API is on screen at once, its timer running, a toast requested', async ({
  page,
}) => {
  world = await startWorld();
  const w = world;
  await signIn(page, w);

  const posted = Date.now();
  const lead = await post(w, { name: 'Ada Lovelace', company: 'Analytical Engines' });
  const row = page.locator(`[role="option"][data-lead-id="${lead.id}"]`);
  await expect(row).toBeVisible();
  const onScreenMs = Date.now() - posted;
  test.info().annotations.push({ type: 'post to on screen', description: `${onScreenMs} ms` });
  await expect(row).toContainText('Ada Lovelace');
  await expect(row).toContainText('Analytical Engines');
  await expect(row.locator('.sla')).toHaveText(/^SLA \d+:\d\d$/);
  await expect(row.locator('.callable')).toHaveText('callable');

  // The response timer counts up by itself (the ticker, not a re-render of the list).
  const wait = row.locator('.row__wait');
  const before = await wait.textContent();
  await expect(wait).not.toHaveText(before ?? '', { timeout: 3000 });

  // One toast for the lead, naming lead, company, tier and source.
  await expect
    .poll(() => w.bridge.notifier.shown.map((t) => `${t.title} | ${t.body}`))
    .toContainEqual(
      expect.stringMatching(/^Hot lead: Ada Lovelace \| Analytical Engines · .*web_form$/),
    );
  expect(w.bridge.notifier.shown.filter((t) => t.leadId === lead.id)).toHaveLength(1);
  await expect(page.getByTestId('counts')).toContainText('1 untouched');
  await expect(page).toHaveTitle('(1) Pounce');
});

test('the keyboard flow: open, call, no answer, callback, note, next lead — all on the server', async ({
  page,
}) => {
  world = await startWorld();
  const w = world;
  await signIn(page, w);
  const grace = await post(w, {
    name: 'Grace Hopper',
    company: 'Navy Labs',
    phone: '+1 212 555 0147',
    message: 'We need a demo for 40 seats before Friday.',
  });
  const alan = await post(w, {
    name: 'Alan Turing',
    company: 'Bletchley Park',
    signals: [{ type: 'pricing_page' }],
  });
  const rows = page.locator('[role="option"]');
  await expect(rows).toHaveCount(2);
  const selected = page.locator('[role="option"][aria-selected="true"]');
  await expect(selected).toHaveCount(1);
  // The hot demo request outranks the pricing-page visit.
  await expect(selected).toHaveAttribute('data-lead-id', grace.id);

  const detail = page.locator('section.detail');
  await page.keyboard.press('Enter');
  await expect(detail).toHaveClass(/detail--opened/);
  await expect(detail).toContainText('We need a demo for 40 seats before Friday.');
  await expect.poll(async () => (await serverLead(w, grace.id)).seenAt).not.toBeNull();
  await screenshot(page, 'lead-detail');

  await page.keyboard.press('c');
  await expect.poll(() => w.bridge.opened).toEqual(['tel:+12125550147']);
  // A call is open: the rep stays on Grace until they say how it went.
  const onCall = page.getByTestId('open-call');
  await expect(onCall).toContainText('On a call with Grace Hopper');
  await page.keyboard.press('j');
  await expect(selected).toHaveAttribute('data-lead-id', grace.id);
  await expect(detail.locator('.detail__flash')).toContainText('Log how the call went first');

  await page.keyboard.press('1');
  // What the outcome scheduled, said at once: the ladder's second attempt in 10 minutes, or when
  // her calling hours (New York, 08:00-21:00) open if the real clock puts that outside them.
  await expect(detail.locator('.detail__flash')).toContainText(
    /Logged “No answer”: Next try \(2 of 6\) (in 10 min · .* their time\.|in .* their time, when their calling hours open\.)/,
  );
  await expect(onCall).toHaveCount(0);
  await expect
    .poll(async () => (await serverEvents(w, grace.id)).filter((e) => e.type === 'outcome'))
    .toEqual([
      expect.objectContaining({ data: expect.objectContaining({ disposition: 'no_answer' }) }),
    ]);
  expect(await serverLead(w, grace.id)).toMatchObject({
    attempts: 1,
    lastDisposition: 'no_answer',
  });

  await page.keyboard.press('b');
  const picker = page.getByRole('dialog', { name: /Callback for Grace Hopper/ });
  await expect(picker).toBeVisible();
  await screenshot(page, 'callback-picker');
  await page.keyboard.press('2'); // "In 3 hours"
  await expect(picker).toHaveCount(0);
  await expect(detail.locator('.detail__flash')).toContainText('Callback booked for');
  await expect.poll(async () => (await serverLead(w, grace.id)).callbackAt).not.toBeNull();
  const callbackAt = Date.parse((await serverLead(w, grace.id)).callbackAt ?? '');
  expect(callbackAt - Date.now()).toBeGreaterThan(2.5 * 3600_000);
  expect(callbackAt - Date.now()).toBeLessThan(3.5 * 3600_000);

  await page.keyboard.press('n');
  const note = page.getByRole('dialog', { name: 'Note on Grace Hopper' });
  await note
    .getByRole('textbox', { name: 'Note' })
    .fill('Wants pricing for 40 seats; call after 3 pm.');
  await page.keyboard.press('Control+Enter');
  await expect(note).toHaveCount(0);
  await expect
    .poll(async () => (await serverEvents(w, grace.id)).filter((e) => e.type === 'note'))
    .toEqual([
      expect.objectContaining({
        data: expect.objectContaining({ text: 'Wants pricing for 40 seats; call after 3 pm.' }),
      }),
    ]);

  // Grace now waits for her callback (Upcoming, below the new leads); the selection stayed with
  // her, and one key moves on to the next lead to work, Alan, now at the top.
  await page.keyboard.press('Escape');
  await expect(detail).not.toHaveClass(/detail--opened/);
  await expect(selected).toHaveAttribute('data-lead-id', grace.id);
  await expect(selected).toHaveAttribute('data-section', 'upcoming');
  await expect(rows.first()).toHaveAttribute('data-lead-id', alan.id);
  await page.keyboard.press('k');
  await expect(selected).toHaveAttribute('data-lead-id', alan.id);
  await expect(detail).toContainText('Alan Turing');
  await screenshot(page, 'queue');

  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toContainText('Schedule a callback');
  await expect(help).toContainText('Not sales-ready');
  await screenshot(page, 'shortcuts');
  await page.keyboard.press('Escape');
  await expect(help).toHaveCount(0);

  await page.keyboard.press('t');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await screenshot(page, 'queue-dark');
  expect(w.bridge.service.currentSettings().theme).toBe('dark');

  // Availability from the keyboard reaches the server's routing.
  await page.keyboard.press('a');
  await expect(page.getByTestId('receiving')).toHaveText(/Not receiving leads/);
  await expect
    .poll(async () => {
      const me = await fetch(`${w.server.url}/api/v1/me`, {
        headers: { authorization: `Bearer ${w.rep.token}` },
      });
      return ((await me.json()) as { user: { receivingLeads: boolean } }).user.receivingLeads;
    })
    .toBe(false);

  // Search finds a lead by company, and Enter brings it up.
  await page.keyboard.press('/');
  await page.keyboard.type('navy');
  const results = page.getByRole('listbox', { name: 'Search results' });
  await expect(results.getByRole('option')).toHaveCount(1);
  await page.keyboard.press('Enter');
  await expect(detail).toContainText('Grace Hopper');

  // "Not interested" closes Alan: he leaves the queue and the highlight moves to what is left.
  await page.keyboard.press('g');
  await expect(selected).toHaveAttribute('data-lead-id', alan.id);
  await page.keyboard.press('6');
  // The playbook asks why: one digit picks the reason (marketing gets it as feedback).
  const why = page.getByRole('dialog', { name: 'Not interested: why?' });
  await expect(why).toBeVisible();
  await screenshot(page, 'reason-picker');
  await page.keyboard.press('Enter'); // a reason is required: Enter alone logs nothing
  await expect(why).toBeVisible();
  await page.keyboard.press('3'); // "Chose a competitor"
  await expect(why).toHaveCount(0);
  await expect(rows).toHaveCount(1);
  await expect(selected).toHaveAttribute('data-lead-id', grace.id);
  await expect
    .poll(async () => {
      const lead = await serverLead(w, alan.id);
      return [lead.lastDisposition, lead.status, lead.closeReason];
    })
    .toEqual(['not_interested', 'closed', 'competitor']);
});

test('asked again: the inquiry joins the lead, the rep is alerted, the queue and timeline say so', async ({
  page,
}) => {
  world = await startWorld();
  const w = world;
  await signIn(page, w);
  const email = `rita.${Date.now()}@repeat-co.com`;
  const rita = await post(w, { name: 'Rita Repeat', company: 'Repeat Co', email });
  const row = page.locator(`[role="option"][data-lead-id="${rita.id}"]`);
  await expect(row).toBeVisible();
  await page.keyboard.press('Enter');
  await page.keyboard.press('c');
  await page.keyboard.press('2'); // left a voicemail
  await expect(page.locator('section.detail .detail__flash')).toContainText(
    'Logged “Left voicemail”: Next try (2 of 6)',
  );
  await expect.poll(async () => (await serverLead(w, rita.id)).attempts).toBe(1);

  // She fills in another form: no new lead, her lead is due again and the rep is told.
  const again = await postLead(
    w.server,
    w.apiKey,
    hotLead({ name: 'Rita Repeat', email, message: 'Still keen: can you call today?' }),
  );
  expect(again.status).toBe(200);
  expect(again.body.lead.id).toBe(rita.id);
  await expect
    .poll(() => w.bridge.notifier.shown.map((t) => `${t.title} | ${t.body}`))
    .toContainEqual(expect.stringMatching(/^A lead asked again \| Rita Repeat asked again/));
  await expect(page.locator('[role="option"]')).toHaveCount(1);
  await expect(row).toContainText('asked again');
  const timeline = page.getByRole('list', { name: 'Timeline' });
  await expect(timeline).toContainText('Asked again (inquiry 2)');
  await expect(timeline).toContainText('Still keen: can you call today?');
  await expect(timeline).toContainText(/next try 2 of 6/);
  await screenshot(page, 'asked-again');
});

test('offline: the rep keeps logging with the server down; everything syncs once when it returns', async ({
  page,
}) => {
  world = await startWorld();
  const w = world;
  await signIn(page, w);
  const lead = await post(w, { name: 'Katherine Johnson', company: 'Langley' });
  const row = page.locator(`[role="option"][data-lead-id="${lead.id}"]`);
  await expect(row).toBeVisible();
  await row.click();

  const port = Number(new URL(w.server.url).port);
  await w.server.stop({ keepData: true });
  await expect(page.getByTestId('connection')).toHaveText(/Offline/);

  await page.keyboard.press('2'); // left voicemail
  await expect(page.locator('section.detail .detail__flash')).toContainText('Left voicemail');
  await page.keyboard.press('n');
  await page.getByRole('textbox', { name: 'Note' }).fill('Left a voicemail, will try again.');
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('pending')).toHaveText(/^\d+ changes waiting to sync$/);
  // What the rep logged shows at once, marked as not synced yet.
  await expect(page.locator('.timeline__entry--pending')).toHaveCount(2);
  await expect(row).toContainText('1 call');
  await screenshot(page, 'offline');

  const restarted = await startTestServer({ server: { port } }, { dataDir: w.server.dataDir });
  world = { ...w, server: restarted };
  await expect(page.getByTestId('connection')).toHaveText(/Online/, { timeout: 20_000 });
  await expect(page.getByTestId('pending')).toHaveText('All changes synced', { timeout: 20_000 });
  await expect(page.locator('.timeline__entry--pending')).toHaveCount(0);

  const events = await serverEvents(world, lead.id);
  expect(events.filter((e) => e.type === 'outcome')).toEqual([
    expect.objectContaining({ data: expect.objectContaining({ disposition: 'voicemail' }) }),
  ]);
  expect(events.filter((e) => e.type === 'note')).toHaveLength(1);
  expect(await serverLead(world, lead.id)).toMatchObject({
    attempts: 1,
    lastDisposition: 'voicemail',
  });
});

test('do-not-disturb silences toasts; a change the server refuses is shown for review', async ({
  page,
}) => {
  world = await startWorld();
  const w = world;
  // The rep's app reaches the server through a proxy the test can cut, like a flaky Wi-Fi.
  const proxy = await startFaultProxy({
    target: { host: '127.0.0.1', port: Number(new URL(w.server.url).port) },
  });
  try {
    await page.goto(w.bridge.url);
    await fillServer(page, proxy.url);
    await page.getByLabel('Email').fill(w.rep.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByTestId('connection')).toHaveText(/Online/);

    // Settings from the keyboard: do not disturb on.
    await page.keyboard.press(',');
    const settings = page.getByRole('dialog', { name: 'Settings' });
    await settings.getByLabel('Do not disturb').check();
    await screenshot(page, 'settings');
    await page.keyboard.press('Escape');
    await expect(page.locator('.statusbar__dnd')).toHaveText('Do not disturb');

    const lead = await post(w, { name: 'Dorothy Vaughan', company: 'West Computing' });
    const row = page.locator(`[role="option"][data-lead-id="${lead.id}"]`);
    await expect(row).toBeVisible();
    expect(w.bridge.notifier.shown).toEqual([]);

    // Offline, the rep books a callback; meanwhile the team lead gives the lead to someone else.
    await row.click();
    await proxy.setMode({ kind: 'reset' });
    await expect(page.getByTestId('connection')).toHaveText(/Offline/);
    const team = (await serverLeadTeam(w, lead.id)) ?? '';
    const other = await createUser(w.server, {
      email: 'otto@e2e.test',
      name: 'Otto Other',
      role: 'rep',
      teamId: team,
    });
    const moved = await http('POST', `${w.server.url}/api/v1/leads/${lead.id}/reassign`, {
      token: w.server.adminToken,
      body: { toUserId: other.id, note: 'covering while Rita is out' },
    });
    expect(moved.status).toBe(200);
    await page.keyboard.press('b');
    await page.keyboard.press('1');
    await expect(page.getByTestId('pending')).toHaveText('1 change waiting to sync');

    await proxy.setMode({ kind: 'pass' });
    await expect(page.getByTestId('connection')).toHaveText(/Online/, { timeout: 20_000 });
    await expect(row).toHaveCount(0); // the lead left this rep's queue
    const review = page.getByRole('button', { name: /1 rejected: review/ });
    await expect(review).toBeVisible();
    await page.keyboard.press('r');
    const panel = page.getByRole('dialog', { name: 'Changes the server did not accept' });
    await expect(panel).toContainText('Callback');
    await expect(panel).toContainText(
      'Dorothy Vaughan is no longer yours (reassigned to Otto Other',
    );
    await screenshot(page, 'rejected');
    await panel.getByRole('button', { name: 'Dismiss' }).click();
    await expect(panel).toContainText('Nothing to review');
    await page.keyboard.press('Escape');
    await expect(review).toHaveCount(0);
    // The server never took the callback.
    expect(await serverLead(w, lead.id)).toMatchObject({ callbackAt: null });
  } finally {
    await proxy.close();
  }
});

async function serverLeadTeam(w: World, leadId: string): Promise<string | null> {
  const res = await http<{ lead: { teamId: string | null } }>(
    'GET',
    `${w.server.url}/api/v1/leads/${leadId}`,
    { token: w.server.adminToken },
  );
  return res.body.lead.teamId;
}

test('a long queue: the page holds a window of it; End and Home bring the far rows in', async ({
  page,
}) => {
  world = await startWorld();
  const w = world;
  await signIn(page, w);
  const total = 400;
  const names: string[] = [];
  for (let i = 0; i < total; i += 8) {
    const batch = Array.from({ length: Math.min(8, total - i) }, (_, k) => `Long Queue ${i + k}`);
    names.push(...batch);
    await Promise.all(
      batch.map((name) => post(w, { name, signals: [{ type: 'whitepaper_download' }] })),
    );
  }
  await expect(page.getByTestId('counts')).toContainText(`${total} in queue`, { timeout: 30_000 });
  // Virtualised: a screen of rows in the DOM, not 400.
  expect(await page.locator('[role="option"]').count()).toBeLessThan(60);

  const selected = page.locator('[role="option"][aria-selected="true"]');
  await page.keyboard.press('End');
  await expect(selected).toHaveCount(1);
  const lastId = await selected.getAttribute('data-lead-id');
  const queue = (await w.bridge.service.handle({
    method: 'queue.get',
    params: {},
  })) as AppResult<'queue.get'>;
  if (!queue.ok) throw new Error(queue.error.message);
  const order = queue.value.items.map((i) => i.lead.id);
  expect(lastId).toBe(order[total - 1]);
  await expect(page.locator('section.detail')).toContainText('Long Queue');

  await page.keyboard.press('k');
  await expect(selected).toHaveAttribute('data-lead-id', order[total - 2] ?? '');
  await page.keyboard.press('Home');
  await expect(selected).toHaveAttribute('data-lead-id', order[0] ?? '');
});

test('signing out and in again: the rep finds their queue at once; another rep on this machine sees only theirs', async ({
  page,
}) => {
  world = await startWorld();
  const w = world;
  await signIn(page, w);
  const ada = await post(w, { name: 'Ada Returning' });
  const bob = await post(w, { name: 'Bob Returning' });
  const rows = page.locator('[role="option"]');
  await expect(rows).toHaveCount(2);
  const signOut = async () => {
    await page.keyboard.press(',');
    await page
      .getByRole('dialog', { name: 'Settings' })
      .getByRole('button', { name: 'Sign out' })
      .click();
    await expect(page.getByRole('form', { name: 'Sign in' })).toBeVisible();
  };
  const signInAs = async (email: string) => {
    // The address is remembered; the yes to http:// is asked each time.
    await page.getByLabel('Sign in without encryption').check();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByTestId('connection')).toHaveText(/Online/);
  };

  // Another rep of another team signs in on the same machine: none of Rita's leads.
  const team = await http<{ team: { id: string } }>('POST', `${w.server.url}/api/v1/teams`, {
    token: w.server.adminToken,
    body: { name: 'Elsewhere' },
  });
  const otto = await createUser(w.server, {
    email: 'otto@e2e.test',
    name: 'Otto Other',
    role: 'rep',
    teamId: team.body.team.id,
  });
  await signOut();
  await signInAs(otto.email);
  await expect(page.getByText('Your queue is empty.')).toBeVisible();
  await expect(page.getByTestId('counts')).toContainText('0 in queue');

  // Rita again: her queue, in the app's order, with the first row selected.
  await signOut();
  await signInAs(w.rep.email);
  await expect(rows).toHaveCount(2);
  await expect(page.getByTestId('counts')).toContainText('2 in queue');
  const queue = (await w.bridge.service.handle({
    method: 'queue.get',
    params: {},
  })) as AppResult<'queue.get'>;
  if (!queue.ok) throw new Error(queue.error.message);
  const order = queue.value.items.map((i) => i.lead.id);
  expect([...order].sort()).toEqual([ada.id, bob.id].sort());
  await expect(rows.nth(0)).toHaveAttribute('data-lead-id', order[0] ?? '');
  await expect(rows.nth(1)).toHaveAttribute('data-lead-id', order[1] ?? '');
  await expect(page.locator('[role="option"][aria-selected="true"]')).toHaveAttribute(
    'data-lead-id',
    order[0] ?? '',
  );
  const firstName = queue.value.items[0]?.lead.name ?? '';
  await expect(page.locator('section.detail')).toContainText(firstName);
});
