/*
 * A small CSV reader (RFC 4180, plus what spreadsheets really write): a leading BOM; CRLF, LF or
 * CR line ends; quoted cells holding delimiters, line breaks and doubled quotes (`""`). A
 * malformed record does not stop the file: it comes back with an `error` (and whatever cells
 * could be read), and reading goes on at the next line. Two leniencies, both common in
 * hand-edited files: spaces around a quoted cell are ignored, and a quote inside an unquoted
 * cell (`5" screen`) is kept as a character.
 */

export interface CsvRecord {
  /** The line the record starts on (1-based); records with line breaks in cells span more. */
  readonly line: number;
  readonly cells: readonly string[];
  /** Why the record is malformed, if it is. */
  readonly error?: string;
}

export type CsvDelimiter = ',' | ';' | '\t';

/**
 * The delimiter of the header line: whichever of comma, semicolon or tab occurs most outside
 * quotes (Excel in many European locales writes semicolons). Comma when none does.
 */
export function detectDelimiter(text: string): CsvDelimiter {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) break;
    else if (!quoted && (char === ',' || char === ';' || char === '\t')) counts[char] += 1;
  }
  let best: CsvDelimiter = ',';
  for (const d of [';', '\t'] as const) if (counts[d] > counts[best]) best = d;
  return best;
}

/**
 * Reads every record of `text`. A blank line is a record of one empty cell, so that record
 * numbers stay those a spreadsheet shows; the header is just the first record. A line break
 * at the very end of the file ends the last record and makes none.
 *
 *   const [header, ...rows] = parseCsv(readFileSync(file, 'utf8'));
 */
export function parseCsv(text: string, delimiter: CsvDelimiter = ','): CsvRecord[] {
  const records: CsvRecord[] = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let recordLine = 1;
  let cells: string[] = [];
  let cell = '';
  let error: string | undefined;
  let inQuotes = false;
  let cellQuoted = false;
  let afterQuote = false;
  let quoteLine = 1;

  const endCell = () => {
    cells.push(cell);
    cell = '';
    cellQuoted = false;
    afterQuote = false;
  };
  const endRecord = () => {
    endCell();
    records.push(
      error === undefined ? { line: recordLine, cells } : { line: recordLine, cells, error },
    );
    cells = [];
    error = undefined;
  };

  while (i < n) {
    const c = text[i] as string;
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
        } else {
          inQuotes = false;
          afterQuote = true;
          i += 1;
        }
        continue;
      }
      if (c === '\r' || c === '\n') {
        // A line break inside a cell is kept, as \n whatever the file uses.
        i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
        line += 1;
        cell += '\n';
        continue;
      }
      cell += c;
      i += 1;
      continue;
    }
    if (c === delimiter) {
      endCell();
      i += 1;
      continue;
    }
    if (c === '\r' || c === '\n') {
      endRecord();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line += 1;
      recordLine = line;
      continue;
    }
    if (afterQuote) {
      if (c !== ' ' && c !== '\t') {
        error ??= `cell ${cells.length + 1} has text after its closing quote`;
        cell += c;
      }
      i += 1;
      continue;
    }
    if (c === '"' && !cellQuoted && cell.trim() === '') {
      inQuotes = true;
      cellQuoted = true;
      quoteLine = line;
      cell = '';
      i += 1;
      continue;
    }
    cell += c;
    i += 1;
  }
  if (inQuotes)
    error ??= `cell ${cells.length + 1} opens a quote on line ${quoteLine} that is never closed`;
  if (cells.length > 0 || cell !== '' || cellQuoted || error !== undefined) endRecord();
  return records;
}

/** One cell as CSV: quoted when it holds a delimiter, a quote or a line break. */
export function csvCell(value: string, delimiter: CsvDelimiter = ','): string {
  return value.includes(delimiter) || /["\r\n]/.test(value)
    ? `"${value.replace(/"/g, '""')}"`
    : value;
}
