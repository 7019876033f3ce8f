/**
 * Where the window's page comes from, and which URLs count as "the app" (for navigation and for
 * the Content-Security-Policy header).
 *
 *   const location = rendererLocation({
 *     isPackaged: app.isPackaged,
 *     devServerUrl: process.env.ELECTRON_RENDERER_URL,
 *     indexHtmlPath: join(__dirname, '../renderer/index.html'),
 *   });
 *   isAppUrl(location, 'https://evil.example/'); // false
 */
import { pathToFileURL } from 'node:url';

export type RendererLocation =
  /** `electron-vite dev`: the Vite dev server, with hot reload. */
  | { readonly kind: 'dev-server'; readonly url: string }
  /** A build: out/renderer/index.html inside the app. */
  | { readonly kind: 'file'; readonly path: string; readonly url: string };

export interface RendererLocationOptions {
  readonly isPackaged: boolean;
  /** ELECTRON_RENDERER_URL, set by `electron-vite dev`. */
  readonly devServerUrl: string | undefined;
  readonly indexHtmlPath: string;
}

/**
 * A packaged app never takes its page from the environment: otherwise anyone who can set
 * ELECTRON_RENDERER_URL could load a remote page into a window that has the preload API.
 */
export function rendererLocation(options: RendererLocationOptions): RendererLocation {
  if (!options.isPackaged && options.devServerUrl !== undefined && options.devServerUrl !== '') {
    const url = parseUrl(options.devServerUrl);
    if (url !== null && (url.protocol === 'http:' || url.protocol === 'https:')) {
      return { kind: 'dev-server', url: url.href };
    }
    console.warn('[renderer-location] ignoring ELECTRON_RENDERER_URL: not an http(s) URL');
  }
  return {
    kind: 'file',
    path: options.indexHtmlPath,
    url: pathToFileURL(options.indexHtmlPath).href,
  };
}

/**
 * True for the app's own pages: the dev server's origin, or in a build exactly the index.html
 * file (any query or #route). A file:// origin is opaque ("null"), so a same-origin test would
 * either match nothing or, compared as strings, every file on the disk.
 */
export function isAppUrl(location: RendererLocation, candidate: string): boolean {
  const url = parseUrl(candidate);
  const app = parseUrl(location.url);
  if (url === null || app === null) return false;
  switch (location.kind) {
    case 'dev-server':
      return url.origin === app.origin;
    case 'file':
      return url.protocol === 'file:' && url.host === app.host && url.pathname === app.pathname;
    default: {
      const unreachable: never = location;
      return unreachable;
    }
  }
}

function parseUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}
