import {
  LoginResponseSchema,
  SYNC_PROTOCOL_HEADER,
  SYNC_PROTOCOL_VERSION,
} from '../../shared/sync-protocol';
import type { UserRole } from '../../shared/user';
import { requestJson, TransportError } from './transport';

/*
 * Signing in to the sync-server: the session a client core syncs as, and errors that say which
 * of the things a rep can fix went wrong.
 *
 *   const session = await signIn(serverUrl, email, password);
 */

export interface Session {
  readonly token: string;
  readonly user: {
    readonly id: string;
    readonly email: string;
    readonly name: string;
    /** From the login's answer; team leads and admins get the board (absent: not known). */
    readonly role?: UserRole;
  };
}

export class SignInError extends Error {
  constructor(
    readonly code: 'wrong_credentials' | 'unreachable' | 'incompatible' | 'refused',
    message: string,
  ) {
    super(message);
  }
}

/** Signs in; errors say which of the things a rep can fix went wrong. */
export async function signIn(serverUrl: string, email: string, password: string): Promise<Session> {
  try {
    const res = await requestJson(
      'POST',
      `${serverUrl.replace(/\/$/, '')}/api/v1/auth/login`,
      LoginResponseSchema,
      {
        token: '',
        body: { email, password },
        headers: { [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL_VERSION) },
      },
    );
    return { token: res.token, user: res.user };
  } catch (error) {
    if (!(error instanceof TransportError)) throw error;
    if (error.status === 401) throw new SignInError('wrong_credentials', 'wrong email or password');
    if (error.status === 0) {
      throw new SignInError(
        'unreachable',
        `cannot reach the server at ${serverUrl}: ${error.message}`,
      );
    }
    if (error.status === 426 || error.code === 'incompatible_protocol') {
      throw new SignInError(
        'incompatible',
        `the server at ${serverUrl} speaks another version of the sync protocol (this app speaks ${SYNC_PROTOCOL_VERSION}): update Pounce`,
      );
    }
    if (error.code === 'bad_response' || error.status === 404) {
      throw new SignInError(
        'incompatible',
        `${serverUrl} does not look like a Pounce server this app can talk to`,
      );
    }
    throw new SignInError('refused', error.message);
  }
}
