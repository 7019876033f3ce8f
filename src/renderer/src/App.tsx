import { type JSX, lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import type { AppSession, AppSettings } from '../../shared/app-api';
import { Inbox } from './components/Inbox';
import { SignIn } from './components/SignIn';
import { call, errorText, onAppEvent } from './lib/api';
import { bootRequests, firstWindowSettled } from './lib/prefetch';

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

const sessionBoot = (session: AppSession | null): Boot =>
  session ? { kind: 'signed-in', session } : { kind: 'signed-out' };

/**
 * The team board: its own chunk, fetched only by team leads and admins (a rep's first paint
 * does not parse it, nor uPlot).
 */
const loadBoard = () => import('./board/BoardScreen');
const BoardScreen = lazy(loadBoard);

/** Team leads and admins have the board; a rep never sees it. */
function hasBoard(session: AppSession): boolean {
  return session.user.role === 'lead' || session.user.role === 'admin';
}

/** How long a signed-in page waits for the queue's first window before showing the inbox. */
const FIRST_WINDOW_WAIT_MS = 150;

/** The page: sign-in, or the inbox of whoever is signed in; the theme for both. */
export function App(): JSX.Element {
  // Asked for before React loaded (lib/prefetch.ts), and often answered by the first render.
  const [early] = useState(() => ({
    session: bootRequests?.session.result ?? null,
    settings: bootRequests?.settings.result ?? null,
  }));
  // Signed out is shown at once; signed in goes through showSession (it waits for the rows).
  const [boot, setBoot] = useState<Boot>(() =>
    early.session?.ok === true && early.session.value === null
      ? sessionBoot(null)
      : { kind: 'loading' },
  );
  const [settings, setSettings] = useState<AppSettings>(() =>
    early.settings?.ok === true ? early.settings.value : DEFAULT_SETTINGS,
  );

  // Who is signed in changes here; the inbox appears with its first rows (the window asked for
  // ahead, lib/prefetch.ts) unless they take longer than FIRST_WINDOW_WAIT_MS. `seq` keeps the
  // last change the one that counts, whichever wait ends first.
  const seq = useRef(0);
  const showSession = useCallback((session: AppSession | null) => {
    const mine = ++seq.current;
    if (!session) {
      setBoot(sessionBoot(null));
      return;
    }
    void firstWindowSettled(FIRST_WINDOW_WAIT_MS).then(() => {
      if (seq.current !== mine) return;
      // The same session again (its event, then the sign-in's answer): nothing to re-render.
      setBoot((cur) =>
        cur.kind === 'signed-in' &&
        cur.session.user.id === session.user.id &&
        cur.session.user.role === session.user.role &&
        cur.session.serverUrl === session.serverUrl
          ? cur
          : sessionBoot(session),
      );
    });
  }, []);

  useEffect(() => {
    if (!bootRequests) {
      setBoot({ kind: 'broken', message: 'This page must run inside the Pounce app.' });
      return;
    }
    // An event that came first (a sign-in, a sign-out) is newer than these answers.
    let sessionChanged = false;
    let settingsChanged = false;
    if (early.session?.ok === true) {
      if (early.session.value !== null) showSession(early.session.value);
    } else {
      bootRequests.session.promise
        .then((session) => {
          if (!sessionChanged) showSession(session);
        })
        .catch((error: unknown) => {
          if (!sessionChanged) setBoot({ kind: 'broken', message: errorText(error) });
        });
    }
    if (early.settings?.ok !== true) {
      bootRequests.settings.promise
        .then((value) => {
          if (!settingsChanged) setSettings(value);
        })
        .catch(() => undefined);
    }
    return onAppEvent((event) => {
      if (event.type === 'session.changed') {
        sessionChanged = true;
        showSession(event.session);
      } else if (event.type === 'settings.changed') {
        settingsChanged = true;
        setSettings(event.settings);
      }
    });
  }, [early, showSession]);

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

  const [view, setView] = useState<'inbox' | 'board'>('inbox');
  const showBoard = useCallback(() => setView('board'), []);
  const showInbox = useCallback(() => setView('inbox'), []);
  const boardAllowed = boot.kind === 'signed-in' && hasBoard(boot.session);
  // A team lead will likely open the board: its chunk is fetched once the inbox is idle.
  useEffect(() => {
    if (!boardAllowed) return;
    const timer = setTimeout(() => void loadBoard().catch(() => undefined), 2000);
    return () => clearTimeout(timer);
  }, [boardAllowed]);

  const signOut = useCallback(() => {
    call('session.signOut', {})
      .then(() => showSession(null))
      .catch(() => undefined);
  }, [showSession]);

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
      return <SignIn onSignedIn={showSession} />;
    case 'signed-in':
      if (view === 'board' && boardAllowed) {
        return (
          <Suspense fallback={<div className="boot" aria-busy="true" />}>
            <BoardScreen
              key={boot.session.user.id}
              onInbox={showInbox}
              onToggleTheme={toggleTheme}
            />
          </Suspense>
        );
      }
      return (
        <Inbox
          key={boot.session.user.id}
          session={boot.session}
          settings={settings}
          version={window.pounce?.version ?? 'unknown'}
          onSettings={changeSettings}
          onToggleTheme={toggleTheme}
          onSignOut={signOut}
          {...(boardAllowed && { onShowBoard: showBoard })}
        />
      );
  }
}
