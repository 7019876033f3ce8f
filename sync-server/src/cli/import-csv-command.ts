import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';
import { LeadInputShape, SignalInputSchema } from '../../../src/shared/lead';
import { csvCell, detectDelimiter, parseCsv, type CsvDelimiter } from '../formats/csv';
import { LeadTargetSchema, type LeadTarget } from '../sources/mapping';
import type { Command, CommandContext } from './command';
import { planImport, sendImport, type ImportResult, type RejectedRow } from './csv-import';
import { CommandFailure, UsageError } from './errors';
import type { ParsedFlags } from './flags';
import { createProgress } from './progress';
import { table } from './output';

const ServerUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

/** `First Name=firstName,E-mail=email,Notes=-`: a column with `-` or nothing after `=` is dropped. */
export function parseMapFlag(value: string | undefined): Map<string, LeadTarget | null> {
  const map = new Map<string, LeadTarget | null>();
  if (value === undefined) return map;
  for (const pair of value.split(',')) {
    if (pair.trim() === '') continue;
    const at = pair.lastIndexOf('=');
    if (at <= 0) throw new UsageError(`--map: "${pair.trim()}" is not COLUMN=FIELD`);
    const column = pair.slice(0, at).trim();
    const target = pair.slice(at + 1).trim();
    if (target === '' || target === '-') {
      map.set(column, null);
      continue;
    }
    const parsed = LeadTargetSchema.safeParse(target);
    if (!parsed.success)
      throw new UsageError(`--map ${column}: ${parsed.error.issues[0]?.message ?? 'bad field'}`);
    map.set(column, parsed.data);
  }
  return map;
}

function readMappingFile(file: string | undefined): Map<string, LeadTarget | null> {
  if (file === undefined) return new Map();
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (error) {
    throw new UsageError(`--mapping: cannot read ${file}: ${(error as Error).message}`);
  }
  const result = z.record(z.string(), LeadTargetSchema.nullable()).safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new UsageError(
      `--mapping ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'must map column names to lead fields'}`,
    );
  }
  return new Map(Object.entries(result.data));
}

function delimiterOf(flag: string | undefined, text: string): CsvDelimiter {
  switch (flag) {
    case undefined:
      return detectDelimiter(text);
    case ',':
    case ';':
      return flag;
    case 'tab':
    case '\t':
      return '\t';
    default:
      throw new UsageError('--delimiter must be ",", ";" or tab');
  }
}

async function apiKeyFrom({ flags, promptSecret }: CommandContext): Promise<string> {
  const key = flags.string('api-key') ?? process.env.POUNCE_API_KEY;
  if (key) return key;
  const asked = await promptSecret('API key (pnc_k_...): ');
  if (asked) return asked;
  throw new UsageError('--api-key is required (or $POUNCE_API_KEY, or run in a terminal)');
}

function concurrencyOf(flags: ParsedFlags): number {
  const n = flags.integer('concurrency') ?? 8;
  if (n < 1 || n > 64) throw new UsageError('--concurrency must be between 1 and 64');
  return n;
}

function reportCsv(rows: readonly RejectedRow[]): string {
  const lines = [['row', 'line', 'column', 'field', 'reason']];
  for (const r of rows)
    lines.push([String(r.row), String(r.line), r.column ?? '', r.field, r.reason]);
  return `${lines.map((cells) => cells.map((c) => csvCell(c)).join(',')).join('\n')}\n`;
}

const number = (n: number) => n.toLocaleString('en-US');

function summaryText(
  file: string,
  source: string,
  result: ImportResult,
  seconds: number,
  report: string | undefined,
): string {
  const rate = seconds > 0 ? ` (${number(Math.round(result.total / seconds))} rows/s)` : '';
  const lines = [
    `Imported ${basename(file)} as source "${source}": ${number(result.total)} rows in ${seconds.toFixed(1)} s${rate}.`,
    `  ${number(result.created)} created`,
    `  ${number(result.existing)} already there (imported before, or the same lead twice)`,
    `  ${number(result.rejected)} rejected${result.rejected > 0 ? (report ? ` (reasons in ${report})` : ' (reasons below)') : ''}`,
  ];
  if (result.failed > 0)
    lines.push(
      `  ${number(result.failed)} not sent (${result.failures[0]?.reason ?? 'server errors'}); run the import again to send them`,
    );
  if (result.empty > 0) lines.push(`  ${number(result.empty)} empty rows skipped`);
  if (!report && result.rejections.length > 0) {
    lines.push(
      '',
      table(
        ['ROW', 'LINE', 'COLUMN', 'FIELD', 'REASON'],
        result.rejections.map((r) => [r.row, r.line, r.column, r.field || null, r.reason]),
        '',
      ),
    );
  }
  return lines.join('\n');
}

const leadsImportCsv: Command = {
  name: 'leads import-csv',
  summary: "import leads from a CSV file through the server's API (a re-run creates nothing new)",
  flags: {
    server: {
      type: 'string',
      value: 'URL',
      description: 'the running sync-server, e.g. http://127.0.0.1:8787',
      required: true,
    },
    'api-key': {
      type: 'string',
      value: 'KEY',
      description: 'an intake API key (default $POUNCE_API_KEY; asked on a terminal)',
    },
    file: {
      type: 'string',
      value: 'FILE',
      description: 'the CSV file (header row first)',
      required: true,
    },
    map: {
      type: 'string',
      value: 'COL=FIELD,...',
      description:
        'column -> lead field (name, email, fields.X, ...; "-" drops); others are guessed by name',
    },
    mapping: {
      type: 'string',
      value: 'FILE',
      description: 'the same as JSON: {"COLUMN": "field" | null}',
    },
    source: {
      type: 'string',
      value: 'NAME',
      description: 'the `source` of the leads (default csv_import)',
    },
    signal: {
      type: 'string',
      value: 'TYPE,...',
      description: 'signal types every lead gets for scoring, e.g. webinar',
    },
    unmapped: {
      type: 'string',
      value: 'fields|drop',
      description: 'columns that are no lead field: custom fields (default) or dropped',
    },
    delimiter: { type: 'string', value: ',|;|tab', description: 'default: read from the header' },
    concurrency: { type: 'string', value: 'N', description: 'rows in flight at once (default 8)' },
    report: {
      type: 'string',
      value: 'FILE',
      description: 'write the rejected rows (row, line, column, field, reason) there as CSV',
    },
  },
  examples: [
    'leads import-csv --server http://127.0.0.1:8787 --file expo.csv --source "Expo 2026" --signal webinar',
    'leads import-csv --server http://127.0.0.1:8787 --file crm.csv --map "Mail=email,Org=company,Notes=-" --report rejected.csv',
  ],
  async run(ctx) {
    const { flags, out } = ctx;
    const server = ServerUrl.safeParse(flags.requiredString('server'));
    if (!server.success) throw new UsageError('--server: must be an http(s) URL');
    const source = LeadInputShape.shape.source.safeParse(flags.string('source') ?? 'csv_import');
    if (!source.success)
      throw new UsageError(`--source: ${source.error.issues[0]?.message ?? 'is not valid'}`);
    const signals = (flags.string('signal') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const type of signals)
      if (!SignalInputSchema.shape.type.safeParse(type).success)
        throw new UsageError(`--signal: "${type}" must be snake_case, e.g. demo_request`);
    const unmapped = flags.string('unmapped') ?? 'fields';
    if (unmapped !== 'fields' && unmapped !== 'drop')
      throw new UsageError('--unmapped must be fields or drop');
    const map = new Map([
      ...readMappingFile(flags.string('mapping')),
      ...parseMapFlag(flags.string('map')),
    ]);
    const concurrency = concurrencyOf(flags);
    const file = flags.requiredString('file');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new CommandFailure(`--file: cannot read ${file}: ${(error as Error).message}`);
    }
    const plan = planImport(parseCsv(text, delimiterOf(flags.string('delimiter'), text)), {
      source: source.data,
      map,
      unmapped,
      signals,
    });
    const apiKey = await apiKeyFrom(ctx);

    const progress = createProgress(process.stderr);
    const started = Date.now();
    let last = { total: plan.total, done: 0, created: 0, existing: 0, rejected: 0, failed: 0 };
    const result = await sendImport(plan, {
      serverUrl: server.data,
      apiKey,
      concurrency,
      onProgress: (counts) => {
        last = counts;
        progress.update(counts);
      },
    }).finally(() => progress.finish(last));
    const seconds = (Date.now() - started) / 1000;

    const report = flags.string('report');
    if (report !== undefined) writeFileSync(report, reportCsv(result.rejections));
    const summary = {
      file,
      source: source.data,
      total: result.total,
      created: result.created,
      existing: result.existing,
      rejected: result.rejected,
      failed: result.failed,
      empty: result.empty,
      seconds: Math.round(seconds * 1000) / 1000,
      columns: plan.columns.map((c) => ({ column: c.header, field: c.target })),
    };
    out.result(
      {
        summary,
        ...(report === undefined ? { rejected: result.rejections } : { report }),
        ...(result.failures.length > 0 && { failed: result.failures }),
      },
      () => summaryText(file, source.data, result, seconds, report),
    );
    if (result.failed > 0)
      throw new CommandFailure(`${number(result.failed)} rows were not sent; run the import again`);
  },
};

export const IMPORT_COMMANDS: readonly Command[] = [leadsImportCsv];
