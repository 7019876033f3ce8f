import type { JSX } from 'react';

/**
 * Placeholder page for the first issue: proves the build, the preload bridge and the security
 * policy end to end. The lead inbox replaces it in a later issue.
 */
export function App(): JSX.Element {
  // Undefined when the page runs in a plain browser (renderer tests, `vite` on its own).
  const api = window.pounce;
  return (
    <main className="placeholder">
      <h1 className="placeholder__title">Pounce</h1>
      <p className="placeholder__lead">
        The desktop lead inbox arrives in a later issue. This window is the hardened shell it will
        live in.
      </p>
      {api !== undefined && (
        <p className="placeholder__meta">
          Version {api.version} · {platformName(api.platform)}
        </p>
      )}
    </main>
  );
}

function platformName(platform: string): string {
  switch (platform) {
    case 'darwin':
      return 'macOS';
    case 'win32':
      return 'Windows';
    case 'linux':
      return 'Linux';
    default:
      return platform;
  }
}
