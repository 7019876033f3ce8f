/**
 * The renderer's Content-Security-Policy, built in one place and delivered twice:
 *
 * - as a `<meta>` tag, written into index.html at build time by electron.vite.config.ts, because a
 *   page loaded from file:// has no response headers that Electron reliably lets us edit;
 * - as a response header for app pages (installContentSecurityPolicy), which also carries the
 *   directives a meta tag cannot (frame-ancestors).
 *
 * Both copies come from the same options, so neither can quietly be looser than the other.
 *
 *   const policy = contentSecurityPolicy({ serverUrl, dev: false, delivery: 'header' });
 */
import type { OnHeadersReceivedListenerDetails, HeadersReceivedResponse } from 'electron';

export interface CspOptions {
  /** The sync-server's base URL; the renderer may reach its origin over http(s) and ws(s). */
  readonly serverUrl: string;
  /**
   * Vite's dev server needs an inline script (React Fast Refresh's preamble) and injects CSS as
   * `<style>` tags, so dev pages allow inline scripts and styles. Never true in a build.
   */
  readonly dev: boolean;
  /** Chromium ignores frame-ancestors in a meta tag and logs a warning, so it is left out there. */
  readonly delivery: 'header' | 'meta';
}

/**
 * `http://host:8787/api` -> `['http://host:8787', 'ws://host:8787']`. Throws on anything but an
 * http(s) URL without credentials, because a typo here would silently cut the app off its server.
 */
export function serverConnectSources(serverUrl: string): readonly string[] {
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    throw new Error(`Server URL is not a valid URL: ${JSON.stringify(serverUrl)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`Server URL must start with http:// or https://, got ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new Error('Server URL must not contain credentials');
  }
  const socketScheme = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return [url.origin, `${socketScheme}//${url.host}`];
}

/** The policy as one header/attribute value: `default-src 'self'; script-src 'self'; ...`. */
export function contentSecurityPolicy(options: CspOptions): string {
  const inline = options.dev ? ["'unsafe-inline'"] : [];
  const directives: ReadonlyArray<readonly [string, readonly string[]]> = [
    ['default-src', ["'self'"]],
    ['script-src', ["'self'", ...inline]],
    ['style-src', ["'self'", ...inline]],
    // data: for small inline images (SVG icons, avatars) that bundlers inline; no remote images,
    // which would let lead data make the app call out to a tracker.
    ['img-src', ["'self'", 'data:']],
    ['font-src', ["'self'"]],
    ['connect-src', ["'self'", ...serverConnectSources(options.serverUrl)]],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
    ['frame-src', ["'none'"]],
    ...(options.delivery === 'header'
      ? ([['frame-ancestors', ["'none'"]]] as const)
      : ([] as const)),
  ];
  return directives.map(([name, sources]) => `${name} ${sources.join(' ')}`).join('; ');
}

/**
 * The wallboard's policy (src/renderer/board.html, served by the sync-server at /board): the
 * same as the app's, except that it talks to its own origin, over HTTP and its live WebSocket,
 * wherever that server is (`'self'` plus `ws:`/`wss:`: a browser only matches a WebSocket to
 * `'self'` from CSP level 3 on). Still no inline script.
 */
export function wallboardContentSecurityPolicy(options: { readonly dev: boolean }): string {
  const inline = options.dev ? ["'unsafe-inline'"] : [];
  const directives: ReadonlyArray<readonly [string, readonly string[]]> = [
    ['default-src', ["'self'"]],
    ['script-src', ["'self'", ...inline]],
    ['style-src', ["'self'", ...inline]],
    ['img-src', ["'self'", 'data:']],
    ['font-src', ["'self'"]],
    ['connect-src', ["'self'", 'ws:', 'wss:']],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
    ['frame-src', ["'none'"]],
  ];
  return directives.map(([name, sources]) => `${name} ${sources.join(' ')}`).join('; ');
}

/**
 * Returns `headers` with our policy as the only Content-Security-Policy. Header names are
 * case-insensitive, so an existing `content-security-policy` is replaced rather than joined.
 */
export function withContentSecurityPolicy(
  headers: Readonly<Record<string, string[]>> | undefined,
  policy: string,
): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') result[name] = values;
  }
  result['Content-Security-Policy'] = [policy];
  return result;
}

/** The part of Electron's `Session` this module uses; a fake in tests, `session.defaultSession` in the app. */
export interface HeadersReceivedTarget {
  readonly webRequest: {
    onHeadersReceived(
      listener: (
        details: OnHeadersReceivedListenerDetails,
        callback: (response: HeadersReceivedResponse) => void,
      ) => void,
    ): void;
  };
}

/**
 * Adds the policy header to documents that belong to the app (`isAppUrl`); every other response
 * passes through untouched. A session has one onHeadersReceived listener, so this owns it.
 */
export function installContentSecurityPolicy(
  target: HeadersReceivedTarget,
  policy: string,
  isAppUrl: (url: string) => boolean,
): void {
  target.webRequest.onHeadersReceived((details, callback) => {
    const isDocument = details.resourceType === 'mainFrame' || details.resourceType === 'subFrame';
    if (!isDocument || !isAppUrl(details.url)) {
      callback({});
      return;
    }
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders, policy) });
  });
}

/** The placeholder in src/renderer/index.html that the build replaces with the policy. */
export const CSP_PLACEHOLDER = '%POUNCE_CONTENT_SECURITY_POLICY%';

/**
 * Writes the policy into the page's meta tag. Throws when the placeholder is missing, so an edit
 * to index.html cannot ship a page without a policy.
 */
export function injectContentSecurityPolicy(html: string, policy: string): string {
  if (!html.includes(CSP_PLACEHOLDER)) {
    throw new Error(`index.html must contain the ${CSP_PLACEHOLDER} meta tag`);
  }
  const attribute = policy.replaceAll('&', '&amp;').replaceAll('"', '&quot;');
  // A function, not a string, so `$&`-style patterns in the replacement are never interpreted.
  return html.replaceAll(CSP_PLACEHOLDER, () => attribute);
}
