import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { fieldIssues } from '../../../src/shared/validation';
import { UsageError } from './errors';

export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  /** Placeholder shown in help, e.g. `NAME`. */
  readonly value?: string;
  readonly description: string;
  readonly required?: boolean;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

/** Flags every command takes. */
export const GLOBAL_FLAGS: FlagSpecs = {
  config: {
    type: 'string',
    value: 'FILE',
    description: 'config file (JSON); default $POUNCE_CONFIG',
  },
  'data-dir': {
    type: 'string',
    value: 'DIR',
    description: 'database folder; default $POUNCE_DATA_DIR or the config',
  },
  json: { type: 'boolean', description: 'machine-readable output (one JSON document on stdout)' },
  help: { type: 'boolean', description: 'show help for the command' },
};

/** The flags given on a command line, read with their type checked. */
export class ParsedFlags {
  constructor(private readonly values: ReadonlyMap<string, string | boolean>) {}

  has(name: string): boolean {
    return this.values.has(name);
  }

  string(name: string): string | undefined {
    const value = this.values.get(name);
    return typeof value === 'string' ? value : undefined;
  }

  /** A string flag the command cannot do without. */
  requiredString(name: string): string {
    const value = this.string(name);
    if (value === undefined) throw new UsageError(`--${name} is required`);
    return value;
  }

  boolean(name: string): boolean {
    return this.values.get(name) === true;
  }

  /** `--weight 2` -> 2. Whole numbers only: every numeric flag is a count or a weight. */
  integer(name: string): number | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    if (!/^[+-]?\d+$/.test(raw.trim())) {
      throw new UsageError(`--${name} must be a whole number, got "${raw}"`);
    }
    return Number(raw);
  }

  /** `--active false` -> false. An explicit value, so a script never depends on flag presence. */
  booleanValue(name: string): boolean | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    const normalised = raw.trim().toLowerCase();
    if (['true', 'yes', '1'].includes(normalised)) return true;
    if (['false', 'no', '0'].includes(normalised)) return false;
    throw new UsageError(`--${name} must be true or false, got "${raw}"`);
  }
}

/**
 * Reads `args` against the command's flags plus the global ones (the admin CLI's by default). Uses parseArgs' tokens rather
 * than its strict mode so that every error names the flag in our words (`unknown flag --nme`)
 * instead of Node's, and so `--name --json` is caught as a missing value rather than a name.
 */
export function parseFlags(
  args: readonly string[],
  specs: FlagSpecs,
  globals: FlagSpecs = GLOBAL_FLAGS,
): ParsedFlags {
  const all: FlagSpecs = { ...globals, ...specs };
  const { tokens } = parseArgs({
    args: [...args],
    options: Object.fromEntries(
      Object.entries(all).map(([name, spec]) => [name, { type: spec.type }]),
    ),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const values = new Map<string, string | boolean>();
  for (const token of tokens) {
    switch (token.kind) {
      case 'positional':
        throw new UsageError(`unexpected argument "${token.value}"`);
      case 'option-terminator':
        throw new UsageError('unexpected "--"');
      case 'option': {
        const spec = all[token.name];
        if (!spec)
          throw new UsageError(
            `unknown flag ${token.rawName}${suggest(token.name, Object.keys(all))}`,
          );
        if (spec.type === 'boolean') {
          if (token.value !== undefined) throw new UsageError(`--${token.name} takes no value`);
          values.set(token.name, true);
          break;
        }
        // A value that is itself a flag means the real value was left out.
        if (token.value === undefined || (!token.inlineValue && token.value.startsWith('--'))) {
          throw new UsageError(
            `--${token.name} needs a value${spec.value ? ` (${spec.value})` : ''}`,
          );
        }
        values.set(token.name, token.value);
        break;
      }
    }
  }
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.required && !values.has(name)) throw new UsageError(`--${name} is required`);
  }
  return new ParsedFlags(values);
}

/**
 * Validates `input` with a shared zod schema and reports failures by flag, not by API field:
 * `--team: no team with this id` rather than `teamId: ...`.
 */
export function validateFlags<S extends z.ZodType>(
  schema: S,
  input: unknown,
  flagOf: Readonly<Record<string, string>>,
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new UsageError(describeByFlag(fieldIssues(result.error), flagOf));
}

export function describeByFlag(
  issues: readonly { field: string; message: string }[],
  flagOf: Readonly<Record<string, string>>,
): string {
  return issues
    .map((issue) => {
      const flag = flagOf[issue.field.split('.')[0] ?? ''];
      return flag ? `${flag}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

/** ` (did you mean --name?)` when a known flag is one or two edits away. */
function suggest(given: string, known: readonly string[]): string {
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(given, name);
    if (distance <= 2 && (!best || distance < best.distance)) best = { name, distance };
  }
  return best ? ` (did you mean --${best.name}?)` : '';
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
