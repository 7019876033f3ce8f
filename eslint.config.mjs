// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * One no-restricted-imports rule per zone. Each zone below covers its own files (a later block
 * that matches a file replaces the rule, it does not add to it), so each lists every "never" of
 * its folder. The app never imports server code.
 */
function restrict(...rules) {
  const patterns = [
    { group: ['**/sync-server/**'], message: 'The app must not import server code.' },
    ...rules,
  ];
  return { 'no-restricted-imports': ['error', { patterns }] };
}

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'net', 'http'];

/** Only the Electron shell (src/main/shell) and the preload may import Electron. */
const noElectron = (where) => ({
  group: ['electron', 'electron/**'],
  message: `${where} runs without Electron: only src/main/shell and src/preload import it.`,
});

/** src/main is Node code: no UI (the page is src/renderer, reached only over IPC). */
const noUi = {
  group: ['react', 'react/**', 'react-dom', 'react-dom/**', '**/renderer/**'],
  message: 'src/main imports no UI code: the page is reached over IPC (src/shared/app-api.ts).',
};

const noShell = (where) => ({
  group: ['**/shell/**'],
  message: `${where} must not import the Electron shell (src/main/shell).`,
});

/**
 * The sync-server's zones: it shares only src/shared with the app; `db/` and `repos/` import no
 * folder above them (docs/architecture.md, "Server layers"; test/unit/import-graph.test.ts checks
 * the whole layering and cycles).
 */
// Everything of the app but src/shared, however src/ is laid out (main, renderer, preload, ...).
const appCode = ['**/src/*', '!**/src/shared', 'electron'];
const serverAbove = (folders) => folders.flatMap((f) => [`**/${f}`, `**/${f}/**`]);
const serverFeatures = [
  'intake',
  'routing',
  'lifecycle',
  'metrics',
  'sources',
  'sync',
  'live',
  'services',
  'scoring',
  'http',
  'cli',
  'demo',
  'domain',
  'ports',
];
function serverZone(above) {
  const patterns = [{ group: appCode, message: 'The server imports only src/shared of the app.' }];
  if (above.length > 0) {
    patterns.push({
      group: serverAbove(above),
      message: 'db/ and repos/ import no feature folder (nor anything above them).',
    });
  }
  return { 'no-restricted-imports': ['error', { patterns }] };
}

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      'out',
      'dist',
      'data',
      'test-results',
      'playwright-report',
      '.scratch',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // src/shared is imported by every process and by the server: no Electron, no DOM, no Node,
    // and no code of any one process.
    files: ['src/shared/**/*.ts'],
    rules: restrict(
      {
        group: ['electron', 'react', 'react-dom', ...nodeBuiltins],
        message: 'src/shared must stay free of Electron, DOM and Node side effects.',
      },
      {
        group: ['**/main/**', '**/renderer/**', '**/preload/**'],
        message: 'src/shared imports no process code (src/main, src/renderer, src/preload).',
      },
    ),
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    rules: restrict(
      {
        group: ['electron', 'better-sqlite3', 'kysely', ...nodeBuiltins],
        message: 'The renderer reaches the app only through the preload API.',
      },
      {
        group: ['**/main/**', '**/preload/**'],
        message: 'The renderer reaches the app only through the preload API (window.pounce).',
      },
    ),
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: restrict({
      group: ['**/main/**', '**/renderer/**'],
      message: 'The preload bundles only src/shared (and Electron).',
    }),
  },
  {
    // Every file of src/main (the zones below add each folder's own rules).
    files: ['src/main/**/*.ts'],
    rules: restrict(noUi),
  },
  {
    // The Electron main process. From the host it takes only the protocol both sides speak.
    files: ['src/main/shell/**/*.ts'],
    rules: restrict(noUi, {
      group: ['**/host/*', '!**/host/host-protocol', '!**/host/pending-replies'],
      message:
        'The shell imports from src/main/host only host-protocol.ts and pending-replies.ts: the host runs in its own process.',
    }),
  },
  {
    // The app-service host (a utility process): plain Node, never Electron or the shell.
    files: ['src/main/host/**/*.ts'],
    rules: restrict(noUi, noElectron('The app-service host'), noShell('The host')),
  },
  {
    // The client core: below the host and the shell, run by the host, the CLI, tests and benches.
    files: ['src/main/client/**/*.ts'],
    rules: restrict(noUi, noElectron('The client core'), noShell('The client core'), {
      group: ['**/host/**', '**/headless/**'],
      message: 'The client core imports neither the host nor the headless client that run it.',
    }),
  },
  {
    files: ['src/main/headless/**/*.ts'],
    rules: restrict(noUi, noElectron('The headless client'), noShell('The headless client'), {
      group: ['**/host/**'],
      message: 'The headless client runs the client core, not the app-service host.',
    }),
  },
  { files: ['sync-server/**/*.ts'], rules: serverZone([]) },
  { files: ['sync-server/src/repos/**/*.ts'], rules: serverZone(serverFeatures) },
  { files: ['sync-server/src/db/**/*.ts'], rules: serverZone([...serverFeatures, 'repos']) },
);
