/**
 * Where a command's result goes. With `--json` it is one JSON document on stdout, shaped like
 * the HTTP API's response for the same thing (so scripts can use either); otherwise readable
 * text. Commands produce both and let this choose, so the two can never drift apart in content.
 */
export interface Output {
  readonly json: boolean;
  result(data: unknown, human: () => string): void;
}

export function createOutput(
  json: boolean,
  write: (text: string) => void = (t) => process.stdout.write(t),
): Output {
  return {
    json,
    result(data, human) {
      write(json ? `${JSON.stringify(data, null, 2)}\n` : `${human()}\n`);
    },
  };
}

export type Cell = string | number | boolean | null;

/**
 * A plain-text table with a header row; `empty` is printed instead when there are no rows.
 *
 *   table(['NAME', 'ID'], [['Demo Team', '0192…']], '(no teams)')
 */
export function table(
  headers: readonly string[],
  rows: readonly (readonly Cell[])[],
  empty: string,
): string {
  if (rows.length === 0) return empty;
  const text = rows.map((row) => row.map(cellText));
  const widths = headers.map((h, i) =>
    Math.max(h.length, ...text.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...text.map(line)].join('\n');
}

function cellText(cell: Cell): string {
  if (cell === null) return '-';
  if (typeof cell === 'boolean') return cell ? 'yes' : 'no';
  return String(cell);
}

/** `2025-03-04T10:22:31.000Z` -> `2025-03-04 10:22` (UTC), compact enough for a table. */
export function shortDate(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}
