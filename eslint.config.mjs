// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** One no-restricted-imports rule per folder; the app never imports server code. */
function restrict(group, message) {
  const patterns = [
    { group: ['**/sync-server/**'], message: 'The app must not import server code.' },
  ];
  if (group.length > 0) patterns.push({ group, message });
  return { 'no-restricted-imports': ['error', { patterns }] };
}

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'net', 'http'];

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
    // src/shared is imported by every process and by the server: no Electron, no DOM, no Node.
    files: ['src/shared/**/*.ts'],
    rules: restrict(
      ['electron', 'react', 'react-dom', ...nodeBuiltins],
      'src/shared must stay free of Electron, DOM and Node side effects.',
    ),
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    rules: restrict(
      ['electron', 'better-sqlite3', 'kysely', ...nodeBuiltins],
      'The renderer reaches the app only through the preload API.',
    ),
  },
  {
    files: ['src/main/**/*.ts', 'src/preload/**/*.ts'],
    rules: restrict([], ''),
  },
  { files: ['sync-server/**/*.ts'], rules: serverZone([]) },
  { files: ['sync-server/src/repos/**/*.ts'], rules: serverZone(serverFeatures) },
  { files: ['sync-server/src/db/**/*.ts'], rules: serverZone([...serverFeatures, 'repos']) },
);
