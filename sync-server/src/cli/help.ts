import type { Command } from './command';
import { GLOBAL_FLAGS, type FlagSpecs } from './flags';

const USAGE = 'npm run admin --';

/** The overview: every command, the global flags, and what the exit codes mean. */
export function overviewHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Pounce admin: manage teams, users and API keys directly in the server database.',
    "Works while the server runs (SQLite waits for the server's writes).",
    '',
    `Usage: ${USAGE} <command> [flags]`,
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    `  ${'help'.padEnd(width)}  this overview; \`<command> --help\` for a command's flags`,
    '',
    'Flags for every command:',
    ...flagLines(GLOBAL_FLAGS),
    '',
    'Exit codes: 0 done; 2 the command line is wrong (nothing changed); 1 it could not be done.',
  ].join('\n');
}

export function commandHelp(command: Command): string {
  const lines = [`Usage: ${USAGE} ${command.name} [flags]`, '', `${capitalise(command.summary)}.`];
  if (Object.keys(command.flags).length > 0) lines.push('', 'Flags:', ...flagLines(command.flags));
  lines.push('', 'Also:', ...flagLines(GLOBAL_FLAGS));
  if (command.examples?.length)
    lines.push('', 'Examples:', ...command.examples.map((e) => `  ${USAGE} ${e}`));
  return lines.join('\n');
}

function flagLines(flags: FlagSpecs): string[] {
  const entries = Object.entries(flags).map(([name, spec]) => ({
    left: `--${name}${spec.value ? ` ${spec.value}` : ''}`,
    right: `${spec.description}${spec.required ? ' (required)' : ''}`,
  }));
  const width = Math.max(...entries.map((e) => e.left.length));
  return entries.map((e) => `  ${e.left.padEnd(width)}  ${e.right}`);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
