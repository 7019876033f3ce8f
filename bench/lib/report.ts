import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { ROOT } from './server';

export const DOCS_FILE = join(ROOT, 'docs/benchmarks.md');

export interface Machine {
  readonly cores: number;
  readonly cpu: string;
  readonly memory: string;
  readonly node: string;
  readonly os: string;
  readonly tmpFs: string;
}

export function machine(): Machine {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) cpu = line.slice(line.indexOf(':') + 1).trim();
  } catch {
    // not Linux: keep os.cpus()
  }
  return {
    cores: os.availableParallelism(),
    cpu,
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    tmpFs: filesystemOf(os.tmpdir()),
  };
}

/** "ext4 at /" for the folder holding the benches' databases (fsync cost depends on it). */
function filesystemOf(dir: string): string {
  try {
    const real = realpathSync(dir);
    let best: { mount: string; type: string } | null = null;
    for (const line of readFileSync('/proc/mounts', 'utf8').split('\n')) {
      const [, mount, type] = line.split(' ');
      if (!mount || !type) continue;
      const inside = real === mount || real.startsWith(mount.endsWith('/') ? mount : `${mount}/`);
      if (inside && (!best || mount.length > best.mount.length)) best = { mount, type };
    }
    return best ? `${dir} (${best.type} at ${best.mount})` : dir;
  } catch {
    return dir;
  }
}

export function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim();
    return dirty ? `${head} (with uncommitted changes)` : head;
  } catch {
    return 'uncommitted';
  }
}

/** A Markdown table padded the way Prettier pads it, so the docs stay format-clean. */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const cells = [header, ...rows].map((row) =>
    header.map((_, i) => (row[i] ?? '').replace(/\|/g, '\\|')),
  );
  const widths = header.map((_, i) => Math.max(3, ...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: readonly string[]) =>
    `| ${row.map((c, i) => c.padEnd(widths[i] ?? 3)).join(' | ')} |`;
  const [head, ...body] = cells;
  return [
    line(head ?? []),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...body.map(line),
  ].join('\n');
}

/** `loadAtStart`: os.loadavg() when the bench began. */
export function environmentLines(command: string, loadAtStart: readonly number[]): string[] {
  const m = machine();
  return [
    `- Date: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`,
    `- Commit: ${gitCommit()}`,
    `- Command: \`${command}\``,
    `- Machine: ${m.cores} cores (\`nproc\`), ${m.cpu}, ${m.memory} RAM, ${m.os}`,
    `- Node ${m.node}; databases in ${m.tmpFs}`,
    `- Load average when the bench started (1/5/15 min): ${loadAtStart.map((l) => l.toFixed(2)).join(' / ')} (the machine is shared; other work competes for the cores)`,
  ];
}

const INTRO = `# Benchmarks

Run them with \`npm run bench [-- intake|assign|all]\`; see the intro of this file in the repository for details.
`;

/**
 * Replaces the section between \`<!-- bench:NAME -->\` and \`<!-- /bench:NAME -->\` (or appends it),
 * leaving the rest of the file as it is.
 */
export function writeDocsSection(name: string, body: string): void {
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const section = `${open}\n\n${body.trim()}\n\n${close}`;
  const current = existsSync(DOCS_FILE) ? readFileSync(DOCS_FILE, 'utf8') : INTRO;
  const start = current.indexOf(open);
  const end = current.indexOf(close);
  let next: string;
  if (start >= 0 && end > start) {
    next = current.slice(0, start) + section + current.slice(end + close.length);
  } else {
    next = `${current.trimEnd()}\n\n${section}\n`;
  }
  writeFileSync(DOCS_FILE, next);
}
