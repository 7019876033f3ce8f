import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { onCleanup } from './cleanup';

/** A fresh folder under the OS temp dir, removed when the run ends unless `keep`. */
export function makeWorkDir(name: string, keep: boolean): string {
  const dir = mkdtempSync(join(os.tmpdir(), `pounce-bench-${name}-`));
  if (keep) console.log(`bench: keeping ${dir}`);
  else onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function subDir(parent: string, name: string): string {
  const dir = join(parent, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}
