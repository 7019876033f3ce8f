// The whole test command (`npm test`): format check, lint, typecheck, build, then the unit and
// integration tiers. Ends with one line `N passed, N failed` computed from the runners' JSON
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

if (failures.length > 0) console.log(`\nFailed:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
