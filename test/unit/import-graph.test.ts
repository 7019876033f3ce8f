import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * Import cycles in the app (below) and the sync-server's layers, checked from its import statements (docs/architecture.md, "Server
 * layers"): no import cycle between files, none between folders, and every import points down
 * or across, never up: db < repos < domain and ports < features < http and cli < demo < the
 * process files (main.ts, server.ts). Type-only imports count: a file that needs another's
 * types to be read depends on it as much as one that calls it. A small parser on purpose (no
 * compiler): `import ... from '...'`, `export ... from '...'`, `import '...'` and `import('...')`.
 */

const ROOT = resolve(__dirname, '../..');
const SERVER = join(ROOT, 'sync-server', 'src');
const SHARED = join(ROOT, 'src', 'shared');

/** Each folder's layer: an import may point to the same layer or a lower one, never higher. */
const LAYERS: Readonly<Record<string, number>> = {
  // Base: no database, no features.
  auth: 0,
  config: 0,
  formats: 0,
  db: 1,
  repos: 2,
  // What features share: row -> API mappers and the API error; ports (interfaces both sides of
  // a feature boundary use: the live notifier, presence, the SLA schedule).
  domain: 3,
  ports: 3,
  scoring: 4,
  routing: 4,
  lifecycle: 4,
  live: 4,
  intake: 4,
  sources: 4,
  metrics: 4,
  sync: 4,
  services: 4,
  http: 5,
  cli: 5,
  demo: 6,
  // main.ts and server.ts: the process and its wiring.
  '.': 7,
};

const IMPORT_PATTERNS = [
  /^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/gm,
  /^\s*import\s*['"]([^'"]+)['"]/gm,
  /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
];

interface Graph {
  /** File (relative to sync-server/src) -> the server files it imports. */
  readonly files: Map<string, Set<string>>;
  /** Imports that leave sync-server/src, as "file -> target" (relative to the repository). */
  readonly outside: string[];
  /** Relative imports that resolve to no file. */
  readonly unresolved: string[];
}

function listTs(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listTs(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** The specifiers a file imports (relative ones only: packages are eslint's business). */
export function importSpecifiers(source: string): string[] {
  const found: string[] = [];
  for (const pattern of IMPORT_PATTERNS) {
    for (const match of source.matchAll(pattern)) {
      const spec = match[1];
      if (spec?.startsWith('.')) found.push(spec);
    }
  }
  return found;
}

function resolveImport(fromFile: string, spec: string): string | null {
  const base = resolve(dirname(fromFile), spec.replace(/\.js$/, ''));
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) {
    if (candidate.endsWith('.ts') && existsSync(candidate)) return candidate;
  }
  return null;
}

const rel = (path: string, from = SERVER) => relative(from, path).split(sep).join('/');

function buildGraph(): Graph {
  const files = new Map<string, Set<string>>();
  const outside: string[] = [];
  const unresolved: string[] = [];
  for (const file of listTs(SERVER)) {
    const targets = new Set<string>();
    for (const spec of importSpecifiers(readFileSync(file, 'utf8'))) {
      const target = resolveImport(file, spec);
      if (target === null) unresolved.push(`${rel(file)}: '${spec}'`);
      else if (target.startsWith(SERVER + sep)) targets.add(rel(target));
      else outside.push(`${rel(file, ROOT)} -> ${rel(target, ROOT)}`);
    }
    files.set(rel(file), targets);
  }
  return { files, outside, unresolved };
}

/** The folder of a server file ('.' for main.ts and server.ts). */
function folderOf(file: string): string {
  const slash = file.indexOf('/');
  return slash === -1 ? '.' : file.slice(0, slash);
}

/**
 * One cycle per strongly connected component (Tarjan), each as a closed path "a -> b -> a",
 * so a failure names the files to untangle.
 */
export function findCycles(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];

  const connect = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    for (;;) {
      const top = stack.pop();
      if (top === undefined) break;
      onStack.delete(top);
      component.push(top);
      if (top === node) break;
    }
    const selfLoop = graph.get(node)?.has(node) ?? false;
    if (component.length > 1 || selfLoop) components.push(component);
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) connect(node);

  return components.map((component) => cycleWithin(graph, new Set(component)));
}

/** A closed path through the component, from its first node (by name) back to it. */
function cycleWithin(
  graph: ReadonlyMap<string, ReadonlySet<string>>,
  members: ReadonlySet<string>,
): string[] {
  const start = [...members].sort()[0] ?? '';
  // Breadth-first from the start's successors back to the start: the shortest cycle through it.
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift() ?? start;
    for (const next of [...(graph.get(node) ?? [])].sort()) {
      if (!members.has(next) || previous.has(next)) continue;
      previous.set(next, node);
      if (next === start) {
        const path = [start];
        for (let at = previous.get(start); at !== undefined && at !== start;) {
          path.unshift(at);
          at = previous.get(at);
        }
        return [start, ...path];
      }
      queue.push(next);
    }
  }
  return [start, start];
}

function describeCycles(cycles: readonly string[][]): string {
  return cycles.map((cycle) => cycle.join(' -> ')).join('\n');
}

describe('the sync-server import graph', () => {
  const graph = buildGraph();

  it('parses every relative import to a file', () => {
    expect(graph.files.size).toBeGreaterThan(100);
    expect(graph.unresolved, 'imports that resolve to no file').toEqual([]);
  });

  it('leaves sync-server/src only for src/shared', () => {
    const offending = graph.outside.filter(
      (edge) => !edge.split(' -> ')[1]?.startsWith(rel(SHARED, ROOT) + '/'),
    );
    expect(offending, 'server imports of app code (only src/shared is common)').toEqual([]);
  });

  it('has no import cycle between files', () => {
    const cycles = findCycles(graph.files);
    expect(cycles, `file import cycles:\n${describeCycles(cycles)}`).toEqual([]);
  });

  it('has no cycle between folders, and no import into a higher layer', () => {
    const folders = new Map<string, Set<string>>();
    const upward: string[] = [];
    const unlayered = new Set<string>();
    for (const [file, targets] of graph.files) {
      const from = folderOf(file);
      if (LAYERS[from] === undefined) unlayered.add(from);
      for (const target of targets) {
        const to = folderOf(target);
        if (to === from) continue;
        let edges = folders.get(from);
        if (!edges) folders.set(from, (edges = new Set()));
        edges.add(to);
        if ((LAYERS[to] ?? Infinity) > (LAYERS[from] ?? -Infinity)) {
          upward.push(`${file} -> ${target} (${from} is below ${to})`);
        }
      }
    }
    expect([...unlayered], 'folders with no layer in LAYERS (give each new folder one)').toEqual(
      [],
    );
    const cycles = findCycles(folders);
    expect(cycles, `folder import cycles:\n${describeCycles(cycles)}`).toEqual([]);
    expect(upward, `imports into a higher layer:\n${upward.join('\n')}`).toEqual([]);
  });
});

/** Every .ts/.tsx file under `dir`, relative to the repository, with what it imports there. */
function appGraph(dir: string): Map<string, Set<string>> {
  const list = (d: string): string[] =>
    readdirSync(d).flatMap((name) => {
      const path = join(d, name);
      if (statSync(path).isDirectory()) return list(path);
      return /\.tsx?$/.test(path) && !path.endsWith('.d.ts') ? [path] : [];
    });
  const files = new Map<string, Set<string>>();
  for (const file of list(dir)) {
    const targets = new Set<string>();
    for (const spec of importSpecifiers(readFileSync(file, 'utf8'))) {
      const base = resolve(dirname(file), spec.replace(/\.js$/, ''));
      const target = [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find(
        (c) => /\.tsx?$/.test(c) && existsSync(c),
      );
      if (target?.startsWith(dir + sep)) targets.add(rel(target, ROOT));
    }
    files.set(rel(file, ROOT), targets);
  }
  return files;
}

describe('the app import graph (src/: shell, host, client core, preload, renderer, shared)', () => {
  const graph = appGraph(join(ROOT, 'src'));

  it('reads the app', () => {
    expect(graph.size).toBeGreaterThan(150);
  });

  it('has no import cycle between files', () => {
    const cycles = findCycles(graph);
    expect(cycles, `file import cycles:\n${describeCycles(cycles)}`).toEqual([]);
  });
});

describe('the import graph checks themselves', () => {
  it('read multi-line, type-only, re-export, side-effect and dynamic imports', () => {
    const source = [
      "import {\n  a,\n  type B,\n} from './a';",
      "import type { C } from '../c';",
      "export { d } from './d.js';",
      "export * from './e';",
      "import './f';",
      "const g = await import('./g');",
      "import { z } from 'zod';",
      " * import { h } from './not-code';",
    ].join('\n');
    expect(importSpecifiers(source).sort()).toEqual(
      ['../c', './a', './d.js', './e', './f', './g'].sort(),
    );
  });

  it('name the files of a cycle, closed, and nothing for a DAG', () => {
    const cyclic = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a', 'd'])],
      ['d', new Set<string>()],
    ]);
    expect(findCycles(cyclic)).toEqual([['a', 'b', 'c', 'a']]);
    expect(findCycles(new Map([['x', new Set(['x'])]]))).toEqual([['x', 'x']]);
    const dag = new Map([
      ['a', new Set(['b', 'c'])],
      ['b', new Set(['c'])],
      ['c', new Set<string>()],
    ]);
    expect(findCycles(dag)).toEqual([]);
  });
});
