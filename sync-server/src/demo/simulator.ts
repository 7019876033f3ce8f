import { setTimeout as sleep } from 'node:timers/promises';
import type { LeadStatus, LeadTier } from '../../../src/shared/lead';
import { createLeadGenerator, leadName, type DemoLead } from './lead-generator';
import { createRandom } from './random';
import type { Paint } from './terminal';

export interface SimulatorOptions {
  /** Base URL of the sync-server, e.g. `http://127.0.0.1:8787`. */
  readonly server: string;
  /** An intake API key (`pnc_k_...`). */
  readonly apiKey: string;
  /** Average pace; each gap is jittered between half and one and a half times the mean. */
  readonly ratePerMinute: number;
  /** Stop after this many posts (re-sends included); runs until aborted when absent. */
  readonly count?: number | undefined;
  readonly seed: string | number;
  /** Share of posts that re-send an earlier lead, to exercise the server's dedupe. */
  readonly resendShare?: number;
  readonly signal?: AbortSignal;
  readonly onResult: (result: PostResult) => void;
  readonly fetch?: typeof fetch;
}

export type PostResult =
  | {
      readonly kind: 'answered';
      readonly lead: DemoLead;
      readonly resend: boolean;
      readonly status: number;
      /** From a 2xx answer: how the server scored and placed the lead. */
      readonly tier?: LeadTier;
      readonly leadStatus?: LeadStatus;
      /** From an error answer: `validation_failed: phone: ...`. */
      readonly error?: string;
    }
  | {
      readonly kind: 'unreachable';
      readonly lead: DemoLead;
      readonly resend: boolean;
      readonly error: string;
    };

export interface SimulatorSummary {
  readonly posted: number;
  readonly created: number;
  readonly seenBefore: number;
  readonly failed: number;
}

/** The server refused the API key: nothing later can succeed, so the run stops. */
export class ApiKeyRejected extends Error {}

const REQUEST_TIMEOUT_MS = 10_000;
const RESEND_MEMORY = 50;

/**
 * Posts generated leads to a running server through its public intake API only, as a lead
 * source would, and reports each answer. Resolves when `count` posts are done or `signal` aborts.
 *
 *   const ctrl = new AbortController();
 *   await runSimulator({ server, apiKey, ratePerMinute: 6, seed: 'demo', signal: ctrl.signal,
 *                        onResult: (r) => console.log(formatResult(r)) });
 */
export async function runSimulator(options: SimulatorOptions): Promise<SimulatorSummary> {
  const leads = createLeadGenerator({ seed: options.seed });
  // Pacing draws from its own stream so the leads of a seed do not depend on the pace.
  const pace = createRandom(`${String(options.seed)}:pace`);
  const resendShare = options.resendShare ?? 0.08;
  const accepted: DemoLead[] = [];
  const totals = { posted: 0, created: 0, seenBefore: 0, failed: 0 };
  const meanGapMs = 60_000 / options.ratePerMinute;

  while (
    !options.signal?.aborted &&
    (options.count === undefined || totals.posted < options.count)
  ) {
    const resend = accepted.length > 0 && pace.chance(resendShare);
    const lead = resend ? pace.pick(accepted) : leads.next();
    const result = await post(options, lead, resend);
    if (!result) break; // aborted mid-request
    totals.posted += 1;
    if (result.kind === 'answered' && result.status === 201) totals.created += 1;
    else if (result.kind === 'answered' && result.status === 200) totals.seenBefore += 1;
    else totals.failed += 1;
    if (result.kind === 'answered' && result.status < 300 && !resend) {
      accepted.push(lead);
      if (accepted.length > RESEND_MEMORY) accepted.shift();
    }
    options.onResult(result);
    if (result.kind === 'answered' && result.status === 401) {
      throw new ApiKeyRejected(
        `the server refused the API key (401): ${result.error ?? 'unauthorized'}`,
      );
    }
    if (options.count !== undefined && totals.posted >= options.count) break;
    if (!(await pause(meanGapMs * (0.5 + pace.next()), options.signal))) break;
  }
  return totals;
}

/** Null when the run was aborted while the request was in flight. */
async function post(
  options: SimulatorOptions,
  lead: DemoLead,
  resend: boolean,
): Promise<PostResult | null> {
  const doFetch = options.fetch ?? fetch;
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  try {
    const response = await doFetch(`${options.server.replace(/\/+$/, '')}/api/v1/leads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(lead),
      signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
    });
    const body: unknown = await response.json().catch(() => null);
    if (response.ok) {
      const placed = leadOf(body);
      return { kind: 'answered', lead, resend, status: response.status, ...placed };
    }
    return { kind: 'answered', lead, resend, status: response.status, error: errorOf(body) };
  } catch (error) {
    if (options.signal?.aborted) return null;
    return { kind: 'unreachable', lead, resend, error: describeFetchError(error, timeout.aborted) };
  }
}

function leadOf(body: unknown): { tier?: LeadTier; leadStatus?: LeadStatus } {
  if (typeof body !== 'object' || body === null || !('lead' in body)) return {};
  const lead = body.lead;
  if (typeof lead !== 'object' || lead === null) return {};
  return {
    ...('tier' in lead && typeof lead.tier === 'string' && { tier: lead.tier as LeadTier }),
    ...('status' in lead &&
      typeof lead.status === 'string' && { leadStatus: lead.status as LeadStatus }),
  };
}

function errorOf(body: unknown): string {
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const error = body.error;
    if (
      typeof error === 'object' &&
      error !== null &&
      'message' in error &&
      typeof error.message === 'string'
    ) {
      const code = 'code' in error && typeof error.code === 'string' ? `${error.code}: ` : '';
      return `${code}${error.message}${fieldsText(error)}`;
    }
  }
  return 'no error details';
}

function fieldsText(error: object): string {
  if (!('details' in error) || typeof error.details !== 'object' || error.details === null)
    return '';
  const details = error.details;
  if (!('fields' in details) || !Array.isArray(details.fields)) return '';
  const parts = details.fields.flatMap((f: unknown) =>
    typeof f === 'object' && f !== null && 'field' in f && 'message' in f
      ? [`${String(f.field)} ${String(f.message)}`]
      : [],
  );
  return parts.length > 0 ? ` (${parts.join('; ')})` : '';
}

function describeFetchError(error: unknown, timedOut: boolean): string {
  if (timedOut) return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  // fetch wraps the socket error (ECONNREFUSED, ...) as the cause of a generic TypeError.
  const cause = error instanceof Error ? error.cause : undefined;
  const code =
    typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : undefined;
  return code
    ? `server unreachable (${code})`
    : `request failed: ${error instanceof Error ? error.message : String(error)}`;
}

/** Waits; false when aborted meanwhile. */
async function pause(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  try {
    await sleep(ms, undefined, signal ? { signal } : {});
    return true;
  } catch {
    return false;
  }
}

/**
 * One line per post, e.g. `hot  Ann Lee · Acme Inc. · demo request -> 201 assigned`.
 *
 *   onResult: (r) => console.log(formatResult(r, painter(true)))
 */
export function formatResult(result: PostResult, paint: Paint = (_c, t) => t): string {
  const { lead } = result;
  const company = lead.company ?? lead.email?.split('@')[1] ?? '-';
  const latest = lead.signals[lead.signals.length - 1]?.type.replace(/_/g, ' ') ?? 'no signal';
  const who = `${leadName(lead)} · ${company} · ${latest}`;
  if (result.kind === 'unreachable') return `${paint('magenta', 'err ')} ${who} -> ${result.error}`;
  if (result.status >= 300)
    return `${paint('magenta', 'err ')} ${who} -> ${result.status} ${result.error ?? ''}`.trimEnd();
  // A lead seen before is answered by its id only (an API key does not read leads): no tier.
  const tier = result.tier ?? (result.status === 200 ? 'seen' : '?');
  const colour =
    tier === 'hot' ? 'red' : tier === 'warm' ? 'yellow' : tier === 'seen' ? 'dim' : 'cyan';
  const tag = paint(colour, tier.padEnd(4));
  const outcome =
    result.status === 200
      ? paint('dim', 'seen before (re-sent on purpose; not stored twice)')
      : result.leadStatus === 'assigned'
        ? 'assigned'
        : result.leadStatus === 'nurture'
          ? paint('dim', 'nurture (below sales-ready)')
          : result.leadStatus === 'unassigned'
            ? paint('yellow', 'queued (no rep eligible)')
            : (result.leadStatus ?? '');
  return `${tag} ${who} -> ${result.status} ${outcome}`.trimEnd();
}
