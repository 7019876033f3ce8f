import { afterEach, describe, expect, it } from 'vitest';
import { http } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/test-server';

/*
 * Failed deliveries are recorded for the admin, but a flood of forged requests must not grow the
 * database without bound: past `sources.maxFailedRecordsPerHour` per source a failure is
 * answered the same (401) and not written; the next hour records again. Accepted deliveries are
 * never capped.
 */

const T0 = Date.parse('2026-12-01T12:00:00.000Z');
let now = T0;
let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
  now = T0;
});

describe('failed deliveries: recorded up to an hourly cap', () => {
  it('records three per hour, answers every one 401, and records again an hour later', async () => {
    server = await startTestServer(
      { sources: { maxFailedRecordsPerHour: 3 } },
      { clock: () => now },
    );
    const s = server;
    const created = await http<{ source: { id: string; webhookPath: string }; secret: string }>(
      'POST',
      `${s.url}/api/v1/sources`,
      { token: s.adminToken, body: { kind: 'webhook', name: 'Flooded' } },
    );
    expect(created.status).toBe(201);
    const { source, secret } = created.body;
    const forged = () =>
      http<{ error: { code: string; details: { delivery: { id: string | null } } } }>(
        'POST',
        `${s.url}${source.webhookPath}`,
        { body: { name: 'Forged' }, headers: { authorization: 'Bearer pnc_w_forged' } },
      );
    const ids: (string | null)[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await forged();
      expect(res.status).toBe(401);
      ids.push(res.body.error.details.delivery.id);
      now += 60_000;
    }
    expect(ids.filter((id) => id !== null)).toHaveLength(3);
    expect(ids.slice(3)).toEqual([null, null]);
    const listed = async () =>
      (
        await http<{ deliveries: { status: string }[] }>(
          'GET',
          `${s.url}/api/v1/sources/${source.id}/deliveries?status=failed`,
          { token: s.adminToken },
        )
      ).body.deliveries.length;
    expect(await listed()).toBe(3);

    // A real delivery still goes through and is recorded.
    const real = await http<{ delivery: { id: string; status: string } }>(
      'POST',
      `${s.url}${source.webhookPath}`,
      {
        body: { name: 'Real Rita', email: 'rita@real.example' },
        headers: { authorization: `Bearer ${secret}` },
      },
    );
    expect(real.status).toBe(201);
    expect(real.body.delivery.status).toBe('accepted');

    now = T0 + 61 * 60_000; // the first failures are over an hour old
    expect((await forged()).body.error.details.delivery.id).not.toBeNull();
    expect(await listed()).toBe(4);
  });
});
