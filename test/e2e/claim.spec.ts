import { expect, test } from '@playwright/test';
import { http } from '../helpers/http';
import { LiveClient } from '../helpers/live-client';
import { createUser, hotLead, postLead } from '../helpers/test-server';
import {
  callableZone,
  screenshot,
  serverLead,
  signIn,
  startWorld,
  stopWorld,
  type World,
} from './support';

/*
 * Claim mode in the browser: a team set to "first to claim" offers each new lead to every
 * eligible rep. The rep in the page claims one with Enter; a lead a teammate claims first leaves
 * the page and its toast is taken down. Claims go to the real server; the teammate is a real
 * client on the live channel.
 */

let world: World | undefined;
let otto: LiveClient | undefined;
test.afterEach(async () => {
  otto?.close();
  otto = undefined;
  await stopWorld(world);
  world = undefined;
});

test('first to claim: Enter claims an offer; one a teammate claims leaves the queue and its toast', async ({
  page,
}) => {
  world = await startWorld();
  const w = world;
  const teams = await http<{ teams: { id: string; name: string }[] }>(
    'GET',
    `${w.server.url}/api/v1/teams`,
    { token: w.server.adminToken },
  );
  const teamId = teams.body.teams.find((t) => t.name === 'E2E')?.id ?? '';
  const patched = await http('PATCH', `${w.server.url}/api/v1/teams/${teamId}`, {
    token: w.server.adminToken,
    body: { assignment: 'claim' },
  });
  expect(patched.status).toBe(200);
  const teammate = await createUser(w.server, {
    email: 'otto@e2e.test',
    name: 'Otto Other',
    role: 'rep',
    teamId,
  });
  otto = await LiveClient.connect(w.server.url, teammate.token);
  await signIn(page, w);

  // Offered to both: on top, marked, and toasted as a lead to claim.
  const ada = (
    await postLead(w.server, w.apiKey, hotLead({ name: 'Ada Offer', timezone: callableZone() }))
  ).body.lead;
  expect(ada.assignedTo).toBeNull();
  const adaRow = page.locator(`[role="option"][data-lead-id="${ada.id}"]`);
  await expect(adaRow).toHaveAttribute('data-section', 'offered');
  await expect(adaRow).toContainText('Offered to your team');
  await expect
    .poll(() => w.bridge.notifier.shown.map((t) => t.title))
    .toContain('Hot lead to claim: Ada Offer');
  const detail = page.locator('section.detail');
  await expect(detail.getByTestId('offer')).toContainText('the first to claim it gets it');
  await screenshot(page, 'offered');

  await page.keyboard.press('Enter');
  await expect(detail.locator('.detail__flash')).toContainText('Claimed: Ada Offer is yours.');
  await expect.poll(async () => (await serverLead(w, ada.id)).status).toBe('assigned');
  expect(
    (
      await http<{ lead: { assignedTo: string } }>(
        'GET',
        `${w.server.url}/api/v1/leads/${ada.id}`,
        { token: w.server.adminToken },
      )
    ).body.lead.assignedTo,
  ).toBe(w.rep.id);
  await expect(adaRow).toHaveAttribute('data-section', 'new');
  await expect(detail.getByTestId('offer')).toHaveCount(0);
  const late = await http<{ error: { code: string } }>(
    'POST',
    `${w.server.url}/api/v1/leads/${ada.id}/claim`,
    { token: teammate.token },
  );
  expect([late.status, late.body.error.code]).toEqual([409, 'already_claimed']);

  // Otto is quicker on the next one: it leaves Rita's queue, and its toast is taken down.
  const bob = (
    await postLead(w.server, w.apiKey, hotLead({ name: 'Bob Quick', timezone: callableZone() }))
  ).body.lead;
  const bobRow = page.locator(`[role="option"][data-lead-id="${bob.id}"]`);
  await expect(bobRow).toHaveAttribute('data-section', 'offered');
  const won = await http('POST', `${w.server.url}/api/v1/leads/${bob.id}/claim`, {
    token: teammate.token,
  });
  expect(won.status).toBe(200);
  await expect(bobRow).toHaveCount(0);
  await expect.poll(() => w.bridge.notifier.withdrawn).toContain(bob.id);
  await expect(page.locator('[role="option"]')).toHaveCount(1);
});
