import { afterEach, describe, expect, it } from 'vitest';
import { planImport, sendImport } from '../../sync-server/src/cli/csv-import';
import { parseCsv } from '../../sync-server/src/formats/csv';
import { http } from '../helpers/http';
import {
  createApiKey,
  hotLead,
  postLead,
  startTestServer,
  type TestServer,
} from '../helpers/test-server';

/*
 * The per-key intake limit (config `intake.rateLimit`): a sender past it gets 429 with
 * Retry-After and nothing is written; other keys, and the real key when strangers guess, are
 * not affected; the CSV importer waits as told.
 */

let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function countLeads(s: TestServer): Promise<number> {
  const res = await http<{ leads: unknown[] }>('GET', `${s.url}/api/v1/leads?limit=200`, {
    token: s.adminToken,
  });
  return res.body.leads.length;
}

describe('per-key intake rate limit', () => {
  it('past the limit a key gets 429 with Retry-After and nothing is written; other keys go on', async () => {
    server = await startTestServer({ intake: { rateLimit: { max: 3, windowSeconds: 3600 } } });
    const s = server;
    const key = await createApiKey(s, 'busy sender');
    const other = await createApiKey(s, 'quiet sender');

    // A made-up key spends its own allowance (and is limited too), never the real key's.
    const guesses = [];
    for (let i = 0; i < 5; i++)
      guesses.push((await postLead(s, 'pnc_k_made-up', hotLead())).status);
    expect(guesses).toEqual([401, 401, 401, 429, 429]);

    for (let i = 0; i < 3; i++) expect((await postLead(s, key, hotLead())).status).toBe(201);
    const before = await countLeads(s);
    const refused = await http<{ error: { code: string; message: string } }>(
      'POST',
      `${s.url}/api/v1/leads`,
      { token: key, body: hotLead() },
    );
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    expect(refused.body.error.message).toMatch(/more than 3 leads in 3600 s from this API key/);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(await countLeads(s)).toBe(before);

    expect((await postLead(s, other, hotLead())).status).toBe(201);
  });

  it('the CSV importer waits for Retry-After and imports every row', async () => {
    server = await startTestServer({ intake: { rateLimit: { max: 5, windowSeconds: 2 } } });
    const s = server;
    const key = await createApiKey(s, 'csv');
    const run = Date.now().toString(36);
    const rows = Array.from(
      { length: 12 },
      (_, i) => `Row ${i},row${i}.${run}@import-co.com,Import Co,VP Sales`,
    );
    const plan = planImport(parseCsv(['Name,Email,Company,Title', ...rows].join('\n')), {
      source: 'CSV',
      map: new Map(),
      unmapped: 'drop',
      signals: ['demo_request'],
    });
    const waits: number[] = [];
    const result = await sendImport(plan, {
      serverUrl: s.url,
      apiKey: key,
      concurrency: 4,
      sleep: (ms) => {
        waits.push(ms);
        // Really waited: the server's rate window is real time, and the retry must land after
        // it (what Retry-After promised) to be accepted.
        return new Promise((resolve) => setTimeout(resolve, ms));
      },
    });
    expect(result).toMatchObject({ created: 12, failed: 0, rejected: 0 });
    // Told to wait (12 rows, 5 per window): it waited at least what Retry-After said.
    expect(waits.length).toBeGreaterThan(0);
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(1000);
  });
});
