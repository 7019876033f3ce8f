import { type JSX, useCallback, useEffect, useState } from 'react';
import type { AppSession, AppSettings } from '../../shared/app-api';
import { Inbox } from './components/Inbox';
import { SignIn } from './components/SignIn';
import { call, errorText, hasApp, onAppEvent } from './lib/api';

/** Until the app answers: the same defaults the app uses (src/shared/app-api.ts). */
const DEFAULT_SETTINGS: AppSettings = {
  theme: 'system',
  doNotDisturb: false,
  sound: true,
  startAtLogin: false,
};

type Boot =
  | { readonly kind: 'loading' }
  | { readonly kind: 'signed-out' }
  | { readonly kind: 'signed-in'; readonly session: AppSession }
  | { readonly kind: 'broken'; readonly message: string };

/** The page: sign-in, or the inbox of whoever is signed in; the theme for both. */
export function App(): JSX.Element {
  const [boot, setBoot] = useState<Boot>({ kind: 'loading' });
  const [settings, setSettings] = useState<AppSettings>(DEFAULT_SETTINGS);

  useEffect(() => {
    if (!hasApp()) {
      setBoot({ kind: 'broken', message: 'This page must run inside the Pounce app.' });
      return;
    }
    call('session.get', {})
      .then((session) => setBoot(session ? { kind: 'signed-in', session } : { kind: 'signed-out' }))
      .catch((error: unknown) => setBoot({ kind: 'broken', message: errorText(error) }));
    call('settings.get', {})
      .then(setSettings)
      .catch(() => undefined);
    return onAppEvent((event) => {
      if (event.type === 'session.changed') {
        setBoot(
          event.session ? { kind: 'signed-in', session: event.session } : { kind: 'signed-out' },
        );
      } else if (event.type === 'settings.changed') {
        setSettings(event.settings);
      }
    });
  }, []);

  useEffect(() => {
    const root = document.documentElement;
    if (settings.theme === 'system') delete root.dataset['theme'];
    else root.dataset['theme'] = settings.theme;
  }, [settings.theme]);

  const changeSettings = useCallback((patch: Partial<AppSettings>) => {
    setSettings((s) => ({ ...s, ...patch }));
    call('settings.set', patch)
      .then(setSettings)
      .catch(() => undefined);
  }, []);

  const toggleTheme = useCallback(() => {
    const dark =
      settings.theme === 'dark' ||
      (settings.theme === 'system' && window.matchMedia('(prefers-color-scheme: dark)').matches);
    changeSettings({ theme: dark ? 'light' : 'dark' });
  }, [settings.theme, changeSettings]);

  const signOut = useCallback(() => {
    call('session.signOut', {})
      .then(() => setBoot({ kind: 'signed-out' }))
      .catch(() => undefined);
  }, []);

  switch (boot.kind) {
    case 'loading':
      return <div className="boot" aria-busy="true" />;
    case 'broken':
      return (
        <main className="signin">
          <p className="form-error" role="alert">
            {boot.message}
          </p>
        </main>
      );
    case 'signed-out':
      return <SignIn onSignedIn={(session) => setBoot({ kind: 'signed-in', session })} />;
    case 'signed-in':
      return (
        <Inbox
          key={boot.session.user.id}
          session={boot.session}
          settings={settings}
          version={window.pounce?.version ?? 'unknown'}
          onSettings={changeSettings}
          onToggleTheme={toggleTheme}
          onSignOut={signOut}
        />
      );
  }
}
