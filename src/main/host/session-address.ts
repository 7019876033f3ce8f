import { serverAddressPolicy } from '../../shared/server-address';
import { CommandError } from '../client/client-core';
import { type SecretStore, type StoredSession, StoredSessionSchema } from './host-protocol';

/*
 * Where the host lets a session go: the server address rule (src/shared/server-address.ts)
 * applied where the password leaves (a sign-in) and where a kept token would be sent again (a
 * session reopened at start).
 */

/**
 * The server address a sign-in may use (src/shared/server-address.ts), as parsed. The request
 * schema has checked it already; the host checks again here, where the password leaves, so the
 * rule does not rest on one schema staying as it is.
 */
export function allowedServerUrl(serverUrl: string, allowInsecureHttp: boolean): string {
  const verdict = serverAddressPolicy(serverUrl);
  if (!verdict.ok) {
    throw new CommandError(`serverUrl ${verdict.reason}`, [
      { field: 'serverUrl', message: verdict.reason },
    ]);
  }
  if (verdict.insecure && !allowInsecureHttp) {
    const message = 'must be true to sign in over http:// (unencrypted)';
    throw new CommandError(`allowInsecureHttp ${message}`, [
      { field: 'allowInsecureHttp', message },
    ]);
  }
  return verdict.url;
}

/**
 * The kept session, if it may be reopened: well formed, and to an address a sign-in would be
 * allowed to use. One kept by an older app that signed in over http:// to anywhere is cleared:
 * its token is not sent again in the clear; the rep signs in again (over https://).
 */
export async function reopenableSession(secrets: SecretStore): Promise<StoredSession | null> {
  const kept = await secrets.load().catch(() => null);
  const parsed = StoredSessionSchema.safeParse(kept);
  if (!parsed.success) return null;
  const address = serverAddressPolicy(parsed.data.serverUrl);
  if (address.ok) return parsed.data;
  console.warn(`[app] the kept session's server address ${address.reason}: signed out`);
  await secrets.clear().catch(() => undefined);
  return null;
}
