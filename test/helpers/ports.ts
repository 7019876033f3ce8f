import { createServer } from 'node:net';

/**
 * A loopback port nothing listens on right now: for a server to start on later (a fixed port
 * across restarts) or for a client to find closed.
 */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const address = probe.address();
  await new Promise((r) => probe.close(r));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}
