// The whole test command (`npm test`): format check, lint, typecheck, build, then the unit,
// integration and end-to-end tiers. Ends with one line `N passed, N failed` computed from the runners' JSON
// reports, which is what CI reads. Exit code 1 when anything failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const results = join(root, 'test-results');
mkdirSync(results, { recursive: true });

let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];

function step(name, cmd, args) {
  console.log(`\n=== ${name}: ${[cmd, ...args].map((a) => a.replace(root + '/', '')).join(' ')}`);
  const started = Date.now();
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env });
  const ok = result.status === 0;
  console.log(
    `=== ${name}: ${ok ? 'ok' : 'FAILED'} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  return ok;
}

function check(name, cmd, args) {
  if (step(name, cmd, args)) passed += 1;
  else {
    failed += 1;
    failures.push(name);
  }
}

check('format', bin('prettier'), ['--check', '--log-level', 'warn', '.']);
check('lint', bin('eslint'), ['--max-warnings', '0', '.']);
check('typecheck (node)', bin('tsc'), ['-p', 'tsconfig.node.json']);
check('typecheck (renderer)', bin('tsc'), ['-p', 'tsconfig.web.json']);
check('build (electron-vite)', bin('electron-vite'), ['build']);

const vitestJson = join(results, 'vitest.json');
rmSync(vitestJson, { force: true });
step('vitest (unit + integration)', bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${vitestJson}`,
]);
if (existsSync(vitestJson)) {
  const report = JSON.parse(readFileSync(vitestJson, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + (report.numTodoTests ?? 0);
  // A suite that failed to load has no tests in the counts: count it as a failure.
  const broken = report.testResults.filter(
    (f) => f.status === 'failed' && f.assertionResults.length === 0,
  );
  failed += broken.length;
  for (const f of report.testResults) {
    for (const a of f.assertionResults)
      if (a.status === 'failed') failures.push(`${f.name.replace(root + '/', '')} > ${a.fullName}`);
  }
  for (const f of broken)
    failures.push(`${f.name.replace(root + '/', '')} (did not load: ${f.message})`);
} else {
  failed += 1;
  failures.push('vitest wrote no report');
}

// The end-to-end tier: the built renderer in Chromium (Debian's where installed) under Playwright.
const playwrightJson = join(results, 'playwright.json');
rmSync(playwrightJson, { force: true });
step('playwright (end to end, Chromium)', bin('playwright'), ['test']);
if (existsSync(playwrightJson)) {
  const report = JSON.parse(readFileSync(playwrightJson, 'utf8'));
  const stats = report.stats ?? {};
  passed += (stats.expected ?? 0) + (stats.flaky ?? 0);
  failed += stats.unexpected ?? 0;
  skipped += stats.skipped ?? 0;
  // Errors outside any test (a spec that does not load, a global setup) have no test to count.
  const errors = report.errors ?? [];
  failed += errors.length;
  const walk = (suite, path) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        const name = [...path, spec.title].filter(Boolean).join(' > ');
        if (t.status === 'unexpected') failures.push(`${spec.file} > ${name}`);
        if (t.status === 'skipped') {
          const why = (t.annotations ?? []).find((a) => a.type === 'skip')?.description;
          console.log(`skipped: ${spec.file} > ${name}${why ? ` (${why})` : ''}`);
        }
      }
    }
    for (const child of suite.suites ?? []) walk(child, [...path, child.title]);
  };
  for (const suite of report.suites ?? []) walk(suite, []);
  for (const e of errors) failures.push(`playwright: ${String(e.message ?? e).split('\n')[0]}`);
} else {
  failed += 1;
  failures.push('playwright wrote no report');
}

if (failures.length > 0) console.log(`\nFailed:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
