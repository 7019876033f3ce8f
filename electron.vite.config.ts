/**
 * Builds the three parts of the desktop app into out/ (`npm run build`, or `npm run dev` with
 * hot reload):
 *
 * - main     src/main/shell/index.ts -> out/main/index.js    (the Electron main process: Node,
 *                                                           CommonJS)
 *            src/main/host/host.ts   -> out/main/app-host.js (the app-service host: a utility
 *                                                           process main forks; no electron)
 * - preload  src/preload/index.ts -> out/preload/index.js  (CommonJS: an ES-module preload would
 *                                                           need `sandbox: false`)
 * - renderer src/renderer/index.html -> out/renderer/      (React)
 *            src/renderer/board.html -> out/renderer/board.html (the wallboard: a plain web page
 *                                        the sync-server serves at /board; shares chunks with
 *                                        the app's board view, never loaded by the app)
 *
 * The output names are what package.json "main" and the shell's runtime paths (app-host.js next
 * to index.js) expect, so they stay as they were when the sources moved into shell/ and host/.
 *
 * Main and preload keep package.json dependencies external (electron-vite's default), so native
 * modules such as better-sqlite3 load from node_modules instead of being bundled. Only the host
 * loads better-sqlite3: main imports nothing of the client core at run time.
 *
 * POUNCE_SERVER_URL (default http://localhost:8787) is the sync-server this build talks to; it ends
 * up in main and in the page's Content-Security-Policy. See src/main/shell/server-url.ts.
 */
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import {
  contentSecurityPolicy,
  injectContentSecurityPolicy,
  wallboardContentSecurityPolicy,
} from './src/main/shell/csp';
import { serverUrlFromEnv } from './src/main/shell/server-url';

/**
 * Writes the policies from src/main/shell/csp.ts into each page's CSP meta tag: the app's into
 * index.html, the wallboard's (same origin, any host) into board.html.
 */
function contentSecurityPolicyMeta(options: { serverUrl: string; dev: boolean }): Plugin {
  const policy = contentSecurityPolicy({ ...options, delivery: 'meta' });
  const wallboard = wallboardContentSecurityPolicy({ dev: options.dev });
  return {
    name: 'pounce:content-security-policy',
    transformIndexHtml: {
      order: 'pre',
      handler: (html, context) =>
        injectContentSecurityPolicy(
          html,
          /(^|\/)board\.html$/.test(context.path) ? wallboard : policy,
        ),
    },
  };
}

export default defineConfig(({ command }) => {
  const serverUrl = serverUrlFromEnv(process.env);
  const dev = command === 'serve';
  return {
    main: {
      build: {
        lib: {
          entry: {
            index: resolve(__dirname, 'src/main/shell/index.ts'),
            'app-host': resolve(__dirname, 'src/main/host/host.ts'),
          },
        },
      },
      define: {
        __POUNCE_SERVER_URL__: JSON.stringify(serverUrl),
      },
    },
    preload: {
      build: {
        lib: { entry: resolve(__dirname, 'src/preload/index.ts') },
        // Stated rather than left to package.json's "type": a sandboxed preload must be CommonJS.
        rolldownOptions: { output: { format: 'cjs' } },
      },
    },
    renderer: {
      root: resolve(__dirname, 'src/renderer'),
      build: {
        rolldownOptions: {
          input: {
            index: resolve(__dirname, 'src/renderer/index.html'),
            board: resolve(__dirname, 'src/renderer/board.html'),
          },
          output: {
            // Code both pages use (React, the shared modules) goes in chunks of its own; named
            // for what they are rather than after their first module ("styles").
            chunkFileNames: (chunk) =>
              chunk.facadeModuleId === null ? 'assets/shared-[hash].js' : 'assets/[name]-[hash].js',
          },
        },
        // electron-vite leaves bundles unminified; the page parses ~4x less script minified.
        minify: 'oxc',
      },
      plugins: [react(), contentSecurityPolicyMeta({ serverUrl, dev })],
    },
  };
});
