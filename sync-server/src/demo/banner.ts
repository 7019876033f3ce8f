/**
 * A box around some lines, for the one screen of the demo people need to read (URL and
 * credentials). Plain box-drawing characters; widths count code points, which is right for the
 * ASCII the demo puts in it.
 *
 *   console.log(box(['Pounce demo', '', 'Server  http://127.0.0.1:8787']));
 */
export function box(lines: readonly string[]): string {
  const width = Math.max(...lines.map((l) => [...l].length));
  const bar = '─'.repeat(width + 2);
  return [
    `┌${bar}┐`,
    ...lines.map((l) => `│ ${l}${' '.repeat(width - [...l].length)} │`),
    `└${bar}┘`,
  ].join('\n');
}

/** Rows of cells padded into aligned columns (the last column is not padded). */
export function columns(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '),
  );
}
