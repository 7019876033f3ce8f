import { describe, expect, it } from 'vitest';
import { LiveClient } from '../helpers/live-client';
import { createTeam, createUser, startTestServer } from '../helpers/test-server';

describe('shutdown with apps connected', () => {
  it('closes live sockets with 1001 instead of waiting for the apps to hang up', async () => {
    const s = await startTestServer();
    const team = await createTeam(s, 'Shutdown');
    const rep = await createUser(s, { email: 'rep@shutdown.test', role: 'rep', teamId: team });
    const live = await LiveClient.connect(s.url, rep.token);
    // Before the fix this never resolved: the HTTP server waited for the socket to end.
    await s.stop();
    expect(await live.closed).toMatchObject({ code: 1001 });
  });
});
