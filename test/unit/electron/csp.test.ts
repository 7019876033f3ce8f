import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HeadersReceivedResponse, OnHeadersReceivedListenerDetails } from 'electron';
import { describe, expect, it } from 'vitest';
import {
  CSP_PLACEHOLDER,
  contentSecurityPolicy,
  injectContentSecurityPolicy,
  installContentSecurityPolicy,
  serverConnectSources,
  withContentSecurityPolicy,
  type HeadersReceivedTarget,
} from '../../../src/main/shell/csp';

/** `"a b; c d"` -> `{ a: ['b'], c: ['d'] }` */
function directives(policy: string): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name !== undefined && name !== '') result[name] = sources;
  }
  return result;
}

describe('contentSecurityPolicy', () => {
  const build = directives(
    contentSecurityPolicy({
      serverUrl: 'https://pounce.example.com',
      dev: false,
      delivery: 'header',
    }),
  );

  it('allows only the app itself by default, with no inline script or style', () => {
    expect(build['default-src']).toEqual(["'self'"]);
    expect(build['script-src']).toEqual(["'self'"]);
    expect(build['style-src']).toEqual(["'self'"]);
  });

  it('lets the page reach itself and the configured server over https and wss only', () => {
    expect(build['connect-src']).toEqual([
      "'self'",
      'https://pounce.example.com',
      'wss://pounce.example.com',
    ]);
  });

  it('turns off plugins, <base>, forms, frames and being framed', () => {
    expect(build['object-src']).toEqual(["'none'"]);
    expect(build['base-uri']).toEqual(["'none'"]);
    expect(build['form-action']).toEqual(["'none'"]);
    expect(build['frame-src']).toEqual(["'none'"]);
    expect(build['frame-ancestors']).toEqual(["'none'"]);
  });

  it('never allows eval, and allows inline code only for the dev server', () => {
    const dev = contentSecurityPolicy({
      serverUrl: 'http://localhost:8787',
      dev: true,
      delivery: 'header',
    });
    expect(dev).not.toContain('unsafe-eval');
    expect(directives(dev)['script-src']).toEqual(["'self'", "'unsafe-inline'"]);
    expect(Object.values(build).flat()).not.toContain("'unsafe-inline'");
  });

  it('leaves frame-ancestors out of the meta tag, where Chromium ignores it', () => {
    const meta = directives(
      contentSecurityPolicy({ serverUrl: 'http://localhost:8787', dev: false, delivery: 'meta' }),
    );
    expect(meta['frame-ancestors']).toBeUndefined();
    expect(meta['default-src']).toEqual(["'self'"]);
  });
});

describe('serverConnectSources', () => {
  it('pairs the http origin with its websocket twin, keeping the port', () => {
    expect(serverConnectSources('http://localhost:8787/api/v1')).toEqual([
      'http://localhost:8787',
      'ws://localhost:8787',
    ]);
  });

  it.each(['localhost:8787', 'ftp://example.com', 'https://user:pw@example.com', 'javascript:x'])(
    'rejects %s',
    (url) => {
      expect(() => serverConnectSources(url)).toThrow(/Server URL/);
    },
  );
});

describe('withContentSecurityPolicy', () => {
  it('replaces any existing policy header whatever its case, and keeps the others', () => {
    const headers = withContentSecurityPolicy(
      { 'content-security-policy': ['default-src *'], 'Content-Type': ['text/html'] },
      "default-src 'self'",
    );
    expect(headers).toEqual({
      'Content-Type': ['text/html'],
      'Content-Security-Policy': ["default-src 'self'"],
    });
  });
});

describe('installContentSecurityPolicy', () => {
  function install() {
    let listener:
      | ((
          details: OnHeadersReceivedListenerDetails,
          callback: (response: HeadersReceivedResponse) => void,
        ) => void)
      | undefined;
    const target: HeadersReceivedTarget = {
      webRequest: {
        onHeadersReceived(l) {
          listener = l;
        },
      },
    };
    installContentSecurityPolicy(target, "default-src 'self'", (url) =>
      url.startsWith('http://localhost:5173/'),
    );
    return (url: string, resourceType: OnHeadersReceivedListenerDetails['resourceType']) => {
      if (listener === undefined) throw new Error('no listener installed');
      let response: HeadersReceivedResponse | undefined;
      const details: OnHeadersReceivedListenerDetails = {
        id: 1,
        url,
        method: 'GET',
        resourceType,
        referrer: '',
        timestamp: 0,
        statusLine: 'HTTP/1.1 200 OK',
        statusCode: 200,
        responseHeaders: { Server: ['vite'] },
      };
      listener(details, (r) => {
        response = r;
      });
      return response;
    };
  }

  it('adds the header to the app page', () => {
    expect(install()('http://localhost:5173/', 'mainFrame')).toEqual({
      responseHeaders: { Server: ['vite'], 'Content-Security-Policy': ["default-src 'self'"] },
    });
  });

  it('leaves other documents and sub-resources alone', () => {
    const respond = install();
    expect(respond('https://example.com/', 'mainFrame')).toEqual({});
    expect(respond('http://localhost:5173/src/main.tsx', 'script')).toEqual({});
  });
});

describe('the CSP meta tag in index.html', () => {
  const html = readFileSync(join(__dirname, '../../../src/renderer/index.html'), 'utf8');

  it('is in the page, above every script and stylesheet', () => {
    const meta = html.indexOf(`content="${CSP_PLACEHOLDER}"`);
    expect(meta).toBeGreaterThan(0);
    for (const tag of ['<script', '<link', '<style']) {
      const at = html.indexOf(tag);
      if (at !== -1) expect(meta).toBeLessThan(at);
    }
  });

  it('is filled with the policy at build time, escaped for the attribute', () => {
    const out = injectContentSecurityPolicy(html, `default-src 'self' "x" & $&`);
    expect(out).toContain(`content="default-src 'self' &quot;x&quot; &amp; $&amp;"`);
    expect(out).not.toContain(CSP_PLACEHOLDER);
  });

  it('makes the build fail when the placeholder is gone', () => {
    expect(() => injectContentSecurityPolicy('<html></html>', "default-src 'self'")).toThrow(
      CSP_PLACEHOLDER,
    );
  });
});
