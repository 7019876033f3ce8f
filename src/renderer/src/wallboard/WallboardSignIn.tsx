import { type JSX, useState } from 'react';
import { ApiFailure, logIn, type WallboardSession } from './wallboard-api';

/** The TV's sign-in: a team lead's (or admin's) email and password; a rep is refused. */
export function WallboardSignIn(props: {
  readonly notice: string | null;
  readonly onSignedIn: (session: WallboardSession) => void;
}): JSX.Element {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = (): void => {
    setBusy(true);
    setError(null);
    logIn(email.trim(), password)
      .then(props.onSignedIn)
      .catch((e: unknown) => {
        setError(
          e instanceof ApiFailure
            ? e.status === 0
              ? 'Cannot reach the server. Check the connection.'
              : e.message
            : String(e),
        );
        setPassword('');
        setBusy(false);
      });
  };

  return (
    <main className="signin wall-signin">
      <form
        className="signin__card"
        aria-label="Sign in"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <h1 className="signin__brand">Pounce</h1>
        <p className="signin__lead">Team board. Sign in with a team lead’s account.</p>
        {props.notice !== null && <p className="signin__hint">{props.notice}</p>}
        <label>
          Email
          <input
            name="email"
            type="email"
            value={email}
            required
            autoFocus
            autoComplete="username"
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
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error !== null && (
          <p className="form-error" role="alert" data-testid="wall-error">
            {error}
          </p>
        )}
        <button className="primary signin__submit" type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="signin__hint">This tab stays signed in until it is closed.</p>
      </form>
    </main>
  );
}
