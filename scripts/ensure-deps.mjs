// Makes a fresh machine ready: installs Debian packages the given command needs (when root) and
// the npm dependencies when node_modules is missing or older than package-lock.json. Idempotent
// and quiet when there is nothing to do, so `npm test` and `npm run demo` can call it every time.
//
//   node scripts/ensure-deps.mjs [--apt pkg1,pkg2]
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'node_modules', '.pounce-lock-sha256');

function run(cmd, args, env = {}) {
  const result = spawnSync(cmd, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  if (result.status !== 0) {
    console.error(`ensure-deps: ${cmd} ${args.join(' ')} failed (exit ${result.status})`);
    process.exit(result.status ?? 1);
  }
}

function ensureApt(packages) {
  const missing = packages.filter((pkg) => {
    try {
      return !execFileSync('dpkg-query', ['-W', '-f=${Status}', pkg], {
        encoding: 'utf8',
      }).includes('install ok installed');
    } catch {
      return true;
    }
  });
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    console.error(`ensure-deps: please install: sudo apt-get install -y ${missing.join(' ')}`);
    process.exit(1);
  }
  console.log(`ensure-deps: installing ${missing.join(' ')} from Debian's packages`);
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
    DEBIAN_FRONTEND: 'noninteractive',
  });
}

function ensureNpm() {
  const lock = readFileSync(join(root, 'package-lock.json'));
  const hash = createHash('sha256').update(lock).digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return;
  // Native add-ons build against the machine's Node headers instead of downloading them.
  const env = existsSync('/usr/include/node/node.h') ? { npm_config_nodedir: '/usr' } : {};
  if (existsSync(join(root, 'node_modules', '.package-lock.json'))) {
    // An existing install is brought up to date in place (npm ci would delete it first).
    console.log('ensure-deps: updating npm dependencies to package-lock.json');
    run('npm', ['install', '--no-audit', '--no-fund'], env);
  } else {
    console.log(
      'ensure-deps: installing npm dependencies (npm ci; better-sqlite3 compiles, ~2 min)',
    );
    run('npm', ['ci', '--no-audit', '--no-fund'], env);
  }
  writeFileSync(stamp, hash);
}

const aptIndex = process.argv.indexOf('--apt');
if (
  aptIndex > 0 &&
  process.argv[aptIndex + 1] &&
  process.platform === 'linux' &&
  existsSync('/usr/bin/dpkg-query')
) {
  ensureApt(process.argv[aptIndex + 1].split(',').filter(Boolean));
}
ensureNpm();
