import { type JSX, useState } from 'react';
import type { AppSession } from '../../../shared/app-api';
import { INSECURE_HTTP_WHY, serverAddressPolicy } from '../../../shared/server-address';
import { AppCallError, call, errorText } from '../lib/api';
import { dropFirstWindow, prefetchFirstWindow } from '../lib/prefetch';

const REMEMBER_KEY = 'pounce.signIn';

interface Remembered {
  readonly serverUrl: string;
  readonly email: string;
}

function remembered(): Remembered {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(REMEMBER_KEY) ?? 'null');
    if (typeof raw === 'object' && raw !== null) {
      const r = raw as Record<string, unknown>;
      return {
        serverUrl: typeof r['serverUrl'] === 'string' ? r['serverUrl'] : '',
        email: typeof r['email'] === 'string' ? r['email'] : '',
      };
    }
  } catch {
    // A damaged entry is just forgotten.
  }
  return { serverUrl: 'http://localhost:8787', email: '' };
}

/** What went wrong, in words a rep can act on. */
type Field = 'serverUrl' | 'email' | 'password' | 'allowInsecureHttp';

function signInError(error: unknown): {
  field: Field | null;
  text: string;
} {
  if (error instanceof AppCallError) {
    const code = error.code;
    if (code === 'wrong_credentials')
      return { field: 'password', text: 'Wrong email or password.' };
    if (code === 'unreachable') {
      return {
        field: 'serverUrl',
        text: 'Cannot reach the server. Check the address and your connection.',
      };
    }
    if (code === 'incompatible') {
      return {
        field: 'serverUrl',
        text: `This server cannot work with this app: ${error.message}.`,
      };
    }
    if (code === 'invalid_request') {
      const field = error.error.fields?.[0]?.field;
      if (field === 'allowInsecureHttp') {
        return {
          field,
          text: 'To use an http:// address, tick "Sign in without encryption" (or use https://).',
        };
      }
      const known =
        field === 'serverUrl' || field === 'email' || field === 'password' ? field : null;
      return { field: known, text: error.message };
    }
    return { field: null, text: error.message };
  }
  return { field: null, text: errorText(error) };
}

export function SignIn({ onSignedIn }: { onSignedIn: (session: AppSession) => void }): JSX.Element {
  const initial = remembered();
  const [serverUrl, setServerUrl] = useState(initial.serverUrl);
  const [email, setEmail] = useState(initial.email);
  const [password, setPassword] = useState('');
  // Asked each time: never remembered, so an http:// sign-in is always a decision.
  const [allowHttp, setAllowHttp] = useState(false);
  const address = serverAddressPolicy(serverUrl);
  const overHttp = /^\s*http:/i.test(serverUrl);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReturnType<typeof signInError> | null>(null);

  const submit = (): void => {
    setBusy(true);
    setError(null);
    const signingIn = call('session.signIn', {
      serverUrl,
      email,
      password,
      ...(address.ok && address.insecure && { allowInsecureHttp: allowHttp }),
    });
    // Asked right behind the sign-in (the app answers in order): the inbox mounts with its rows.
    prefetchFirstWindow();
    signingIn
      .then((session) => {
        localStorage.setItem(REMEMBER_KEY, JSON.stringify({ serverUrl: session.serverUrl, email }));
        onSignedIn(session);
      })
      .catch((e: unknown) => {
        dropFirstWindow();
        setError(signInError(e));
        setBusy(false);
      });
  };

  const invalid = (field: Field) => error?.field === field;
  return (
    <main className="signin">
      <form
        className="signin__card"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
        aria-label="Sign in"
      >
        <h1 className="signin__brand">Pounce</h1>
        <p className="signin__lead">Sign in to your team's Pounce server.</p>
        <label>
          Server
          <input
            name="serverUrl"
            type="url"
            value={serverUrl}
            required
            autoComplete="url"
            aria-invalid={invalid('serverUrl')}
            onChange={(e) => setServerUrl(e.target.value)}
          />
        </label>
        {overHttp && (
          <div className="signin__insecure">
            <p className="signin__why">
              {address.ok ? INSECURE_HTTP_WHY : `The address ${address.reason}.`}
            </p>
            {address.ok && (
              <label className="signin__check">
                <input
                  name="allowInsecureHttp"
                  type="checkbox"
                  checked={allowHttp}
                  aria-invalid={invalid('allowInsecureHttp')}
                  onChange={(e) => setAllowHttp(e.target.checked)}
                />
                Sign in without encryption
              </label>
            )}
          </div>
        )}
        <label>
          Email
          <input
            name="email"
            type="email"
            value={email}
            required
            autoComplete="username"
            autoFocus={initial.email === ''}
            aria-invalid={invalid('email')}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            value={password}
            required
            autoComplete="current-password"
            autoFocus={initial.email !== ''}
            aria-invalid={invalid('password')}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error.text}
          </p>
        )}
        <button className="primary signin__submit" type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="signin__hint">You stay signed in on this computer until you sign out.</p>
      </form>
    </main>
  );
}
