import { createHash } from 'node:crypto';
import { leadDateProblem, SENT_RECEIVED_AT_FIELD } from '../../../src/shared/lead';
import { type CsvRecord } from '../formats/csv';
import { guessTarget, LeadDraft, type LeadTarget } from '../sources/mapping';
import { CommandFailure, UsageError } from './errors';

/*
 * CSV import through the public API: each row becomes one POST /api/v1/leads, so validation,
 * scoring, routing and the live channel treat it as any other lead. The Idempotency-Key of a
 * row is a hash of its source and cells: running the same file again (with the same API key)
 * creates nothing new, and a row that failed in transit is simply imported on the next run.
 */

export interface ImportPlanOptions {
  /** The `source` of every lead. */
  readonly source: string;
  /** Column header -> lead target; null drops the column. Case-insensitive on headers. */
  readonly map: ReadonlyMap<string, LeadTarget | null>;
  /** Columns with no target: custom fields (`fields.<header>`) or dropped. */
  readonly unmapped: 'fields' | 'drop';
  readonly signals: readonly string[];
  /** The clock a row's `receivedAt` is bounded by (epoch ms); the server bounds it again. */
  readonly now?: number;
}

export interface PlannedColumn {
  readonly index: number;
  readonly header: string;
  /** null: the column is not sent. */
  readonly target: LeadTarget | null;
}

export interface PlannedRow {
  /** The row as a spreadsheet numbers it (the header is row 1). */
  readonly row: number;
  readonly line: number;
  readonly body: Record<string, unknown>;
  readonly idempotencyKey: string;
}

export interface RejectedRow {
  readonly row: number;
  readonly line: number;
  /** The CSV column the failing field came from, when one did. */
  readonly column: string | null;
  /** The API field (`email`, `fields.Notes`), or "" for the row itself. */
  readonly field: string;
  readonly reason: string;
}

export interface ImportPlan {
  readonly columns: readonly PlannedColumn[];
  readonly rows: readonly PlannedRow[];
  /** Rows refused before sending: malformed CSV, or the wrong number of cells. */
  readonly rejected: readonly RejectedRow[];
  /** Rows with every cell empty. */
  readonly empty: number;
  readonly total: number;
}

/**
 * Decides what each column becomes and builds each row's request. Throws UsageError when the
 * header cannot be used (missing, malformed, or `--map` names a column it does not have).
 */
export function planImport(records: readonly CsvRecord[], options: ImportPlanOptions): ImportPlan {
  const [header, ...data] = records;
  if (!header) throw new UsageError('--file: the file is empty (no header row)');
  if (header.error) throw new UsageError(`--file: the header row is malformed: ${header.error}`);
  const headers = header.cells.map((h) => h.trim());

  const explicit = new Map<string, LeadTarget | null>();
  for (const [name, target] of options.map) explicit.set(name.trim().toLowerCase(), target);
  const known = new Set(headers.map((h) => h.toLowerCase()));
  const missing = [...options.map.keys()].filter((name) => !known.has(name.trim().toLowerCase()));
  if (missing.length > 0) {
    throw new UsageError(
      `--map: no column named ${missing.map((m) => `"${m}"`).join(', ')}; the columns are ${headers
        .map((h) => `"${h}"`)
        .join(', ')}`,
    );
  }

  const columns: PlannedColumn[] = headers.map((h, index) => {
    const key = h.toLowerCase();
    const target = explicit.has(key)
      ? (explicit.get(key) ?? null)
      : (guessTarget(h) ?? (options.unmapped === 'fields' && h !== '' ? `fields.${h}` : null));
    return { index, header: h, target };
  });
  const customFields = columns.filter((c) => c.target?.startsWith('fields.')).length;
  if (customFields > 50) {
    throw new UsageError(
      `--file: ${customFields} columns would become custom fields (at most 50); map them with --map or pass --unmapped drop`,
    );
  }

  const rows: PlannedRow[] = [];
  const rejected: RejectedRow[] = [];
  let empty = 0;
  for (const [i, record] of data.entries()) {
    const row = i + 2;
    const reject = (reason: string) =>
      rejected.push({ row, line: record.line, column: null, field: '', reason });
    if (record.error) {
      reject(`malformed CSV: ${record.error}`);
      continue;
    }
    if (record.cells.every((cell) => cell.trim() === '')) {
      empty += 1;
      continue;
    }
    if (record.cells.length !== headers.length) {
      reject(`has ${record.cells.length} cells; the header has ${headers.length}`);
      continue;
    }
    const draft = new LeadDraft();
    for (const column of columns) {
      const value = record.cells[column.index] ?? '';
      if (column.target === 'receivedAt' && outsideDateWindow(value, options.now ?? Date.now())) {
        // As a webhook's: a CRM placeholder (1900-01-01) is not when the lead came in. The
        // server's receive time is used, the cell kept as a custom field (docs/api.md).
        draft.field(SENT_RECEIVED_AT_FIELD, value);
      } else if (column.target !== null) draft.set(column.target, value, column.header);
    }
    rows.push({
      row,
      line: record.line,
      body: draft.toBody(options.source, options.signals),
      idempotencyKey: `csv-${createHash('sha256')
        .update(JSON.stringify([options.source, record.cells]))
        .digest('hex')}`,
    });
  }
  return { columns, rows, rejected, empty, total: data.length };
}

export interface ImportCounts {
  readonly total: number;
  readonly done: number;
  readonly created: number;
  /** Already there: imported before, the same externalId, or a repeat row in this file. */
  readonly existing: number;
  readonly rejected: number;
  /** Could not be sent (network, server errors after retries): a later run imports them. */
  readonly failed: number;
}

export interface ImportResult extends ImportCounts {
  readonly empty: number;
  readonly rejections: readonly RejectedRow[];
  readonly failures: readonly { readonly row: number; readonly reason: string }[];
}

export interface SendOptions {
  readonly serverUrl: string;
  readonly apiKey: string;
  readonly concurrency: number;
  readonly onProgress?: (counts: ImportCounts) => void;
  /** Waits between retries; tests may pass one that does not wait. */
  readonly sleep?: (ms: number) => Promise<void>;
}

type Outcome =
  | { readonly kind: 'created' | 'existing' }
  | { readonly kind: 'rejected'; readonly issues: readonly { field: string; message: string }[] }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'abort'; readonly reason: string };

const RETRIES = 4;
/** How often one row may be told to wait (429) before it counts as failed. */
const MAX_RATE_LIMIT_WAITS = 1000;
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Posts the planned rows with at most `concurrency` in flight. A wrong API key or server URL
 * stops the import (every row would fail the same way): CommandFailure, after the rows already
 * sent were counted.
 */
export async function sendImport(plan: ImportPlan, options: SendOptions): Promise<ImportResult> {
  const sleep = options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const url = `${options.serverUrl.replace(/\/+$/, '')}/api/v1/leads`;
  const rejections: RejectedRow[] = [...plan.rejected];
  const failures: { row: number; reason: string }[] = [];
  const counts = {
    total: plan.total,
    done: plan.rejected.length + plan.empty,
    created: 0,
    existing: 0,
    rejected: plan.rejected.length,
    failed: 0,
  };
  let aborted: string | undefined;
  let next = 0;
  options.onProgress?.({ ...counts });

  const columnOf = (field: string): string | null => {
    const top = field.startsWith('fields.') ? field : (field.split('.')[0] ?? field);
    const names = top === 'name' ? ['name', 'firstName', 'lastName'] : [top];
    return plan.columns.find((c) => c.target !== null && names.includes(c.target))?.header ?? null;
  };

  const worker = async () => {
    while (aborted === undefined) {
      const planned = plan.rows[next++];
      if (!planned) return;
      const outcome = await postRow(url, options.apiKey, planned, sleep);
      switch (outcome.kind) {
        case 'created':
          counts.created += 1;
          break;
        case 'existing':
          counts.existing += 1;
          break;
        case 'rejected':
          counts.rejected += 1;
          for (const issue of outcome.issues) {
            rejections.push({
              row: planned.row,
              line: planned.line,
              column: columnOf(issue.field),
              field: issue.field,
              reason: issue.message,
            });
          }
          break;
        case 'failed':
          counts.failed += 1;
          failures.push({ row: planned.row, reason: outcome.reason });
          break;
        case 'abort':
          aborted ??= outcome.reason;
          return;
      }
      counts.done += 1;
      options.onProgress?.({ ...counts });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  if (aborted !== undefined) throw new CommandFailure(`import stopped: ${aborted}`);
  rejections.sort((a, b) => a.row - b.row);
  failures.sort((a, b) => a.row - b.row);
  return { ...counts, empty: plan.empty, rejections, failures };
}

async function postRow(
  url: string,
  apiKey: string,
  planned: PlannedRow,
  sleep: (ms: number) => Promise<void>,
): Promise<Outcome> {
  let lastReason = '';
  let waits = 0;
  for (let attempt = 0; attempt <= RETRIES; attempt++) {
    if (attempt > 0) await sleep(Math.random() * 200 * 2 ** attempt); // full jitter
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${apiKey}`,
          'content-type': 'application/json',
          'idempotency-key': planned.idempotencyKey,
        },
        body: JSON.stringify(planned.body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      lastReason = `cannot reach the server: ${error instanceof Error ? error.message : String(error)}`;
      continue;
    }
    const body = await readJson(response);
    if (response.status === 429 && waits < MAX_RATE_LIMIT_WAITS) {
      // The key's intake limit (config intake.rateLimit): nothing was written, so wait as told
      // and send the row again; a wait is no failed attempt.
      waits += 1;
      attempt -= 1;
      await sleep(retryAfterMs(response) + Math.random() * 250);
      continue;
    }
    if (response.status === 201) return { kind: 'created' };
    if (response.status === 200) return { kind: 'existing' };
    if (response.status === 401 || response.status === 403)
      return { kind: 'abort', reason: `the server refused the API key (${response.status})` };
    if (response.status === 404)
      return { kind: 'abort', reason: `${url} does not exist: is --server right?` };
    if (response.status === 422 || response.status === 400 || response.status === 413) {
      const issues = issuesOf(body);
      return {
        kind: 'rejected',
        issues: issues.length > 0 ? issues : [{ field: '', message: messageOf(body, response) }],
      };
    }
    lastReason = `the server answered ${response.status}: ${messageOf(body, response)}`;
    // 429 and 5xx (e.g. 503 while the server restarts) are worth another try.
  }
  return { kind: 'failed', reason: lastReason };
}

/** `Retry-After` in seconds (what the server sends), as ms; a second when absent or odd. */
function retryAfterMs(response: Response): number {
  const seconds = Number(response.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 3600) * 1000 : 1000;
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

function issuesOf(body: unknown): { field: string; message: string }[] {
  const fields = (body as { error?: { details?: { fields?: unknown } } } | null)?.error?.details
    ?.fields;
  if (!Array.isArray(fields)) return [];
  return fields.flatMap((f: unknown) =>
    typeof f === 'object' &&
    f !== null &&
    'field' in f &&
    'message' in f &&
    typeof f.field === 'string' &&
    typeof f.message === 'string'
      ? [{ field: f.field, message: f.message }]
      : [],
  );
}

function messageOf(body: unknown, response: Response): string {
  const message = (body as { error?: { message?: unknown } } | null)?.error?.message;
  return typeof message === 'string' ? message : response.statusText;
}

/** A date the public API would refuse as outside 2000-01-01 .. now; text that is no date is not. */
function outsideDateWindow(value: string, now: number): boolean {
  const ms = Date.parse(value.trim());
  return !Number.isNaN(ms) && leadDateProblem(ms, now) !== null;
}
