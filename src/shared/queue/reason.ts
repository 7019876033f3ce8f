import type { CallableState } from '../calling-hours';
import { DISPOSITION_INFO } from '../dispositions';
import type { LeadTier } from '../lead';
import {
  CALLBACK,
  type Kind,
  NEW,
  type PriorityInput,
  type QueueSection,
  RETRY,
  type Settings,
} from './policy';
import type { Prepared } from './prepared';

/*
 * The one line a queue row says about itself ("Hot · demo request · 2 min old · SLA in 3:00"),
 * written for the rep: why the lead is where it is, in words and coarse times.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const TIER_LABEL: Readonly<Record<LeadTier, string>> = { hot: 'Hot', warm: 'Warm', cold: 'Cold' };

/** Strongest first (the default scoring's order): the label names the strongest signal. */
const SIGNAL_LABELS: ReadonlyMap<string, readonly [rank: number, label: string]> = new Map([
  ['demo_request', [0, 'demo request']],
  ['free_trial', [1, 'free trial']],
  ['contact_form', [2, 'contact form']],
  ['pricing_page', [3, 'pricing page']],
  ['webinar', [4, 'webinar']],
  ['whitepaper_download', [5, 'white paper']],
  ['newsletter', [6, 'newsletter']],
]);

/** The reason line of a row, built when the row's `reason` is read (queue/row.ts). */
export function reason(
  lead: PriorityInput,
  p: Prepared,
  section: QueueSection,
  kind: Kind,
  dueAt: number,
  state: CallableState | null,
  now: number,
  s: Settings,
): string {
  switch (section) {
    case 'offered':
      return `Offered to your team: first to claim gets it · ${newLeadLabel(lead, p, now)}`;
    case 'callback_due': {
      const late = now - dueAt;
      const head = late < MINUTE ? 'Callback due now' : `Callback due · ${span(late)} overdue`;
      return state && !state.callableNow ? `${head} · ${state.localTime} their time` : head;
    }
    case 'new':
      return `${newLeadLabel(lead, p, now)} · ${sla(p.received + s.sla[lead.tier] - now)}`;
    case 'retry_due':
      return Number.isNaN(p.askedAgainAt)
        ? `${TIER_LABEL[lead.tier]} · retry ${p.attempts + 1} of ${s.maxAttempts} due · ${lastOutcome(lead, p, now)}`
        : `${TIER_LABEL[lead.tier]} · asked again ${span(now - p.askedAgainAt)} ago · ${lastOutcome(lead, p, now)}`;
    case 'upcoming':
      return kind === CALLBACK
        ? `Callback in ${span(dueAt - now)}`
        : `Retry ${p.attempts + 1} of ${s.maxAttempts} in ${span(dueAt - now)} · ${lastOutcome(lead, p, now)}`;
    case 'later_outside_hours':
      return `${callableAt(state, now)} · ${waiting(lead, p, kind, dueAt, now, s)}`;
    case 'exhausted':
      return `All ${s.maxAttempts} attempts made · ${lastOutcome(lead, p, now)}`;
  }
}

/** "Callable at 09:00 their time (Europe/Berlin)", with the weekday when it is a day or more away. */
function callableAt(state: CallableState | null, now: number): string {
  if (!state) return 'Outside calling hours';
  const when =
    state.nextCallableAt - now >= DAY
      ? `${state.nextCallableWeekday} ${state.nextCallableLocal}`
      : `at ${state.nextCallableLocal}`;
  return `Callable ${when} their time (${state.zone})`;
}

/** What is waiting for the window to open. */
function waiting(
  lead: PriorityInput,
  p: Prepared,
  kind: Kind,
  dueAt: number,
  now: number,
  s: Settings,
): string {
  switch (kind) {
    case CALLBACK:
      return `callback ${span(now - dueAt)} overdue`;
    case NEW:
      return newLeadLabel(lead, p, now);
    case RETRY:
      return `retry ${p.attempts + 1} of ${s.maxAttempts} · ${lastOutcome(lead, p, now)}`;
  }
}

/** "Hot · demo request · 2 min old", "Hot · demo request · asked again 3 min ago" */
function newLeadLabel(lead: PriorityInput, p: Prepared, now: number): string {
  const signal = strongestSignal(lead.signals);
  const tier = TIER_LABEL[lead.tier];
  const age =
    p.freshSince > p.received
      ? `asked again ${span(now - p.freshSince)} ago`
      : `${span(now - p.received)} old`;
  return signal ? `${tier} · ${signal} · ${age}` : `${tier} · ${age}`;
}

/** "no answer 1 h ago" */
function lastOutcome(lead: PriorityInput, p: Prepared, now: number): string {
  const disposition = lead.lastDisposition;
  const label = disposition ? DISPOSITION_INFO[disposition].label.toLowerCase() : 'last attempt';
  return `${label} ${span(now - p.lastAttempt)} ago`;
}

function strongestSignal(signals: PriorityInput['signals']): string | null {
  let best: readonly [number, string] | undefined;
  let unknown: string | null = null;
  for (const signal of signals) {
    const known = SIGNAL_LABELS.get(signal.type);
    if (known) {
      if (!best || known[0] < best[0]) best = known;
    } else {
      unknown ??= signal.type;
    }
  }
  if (best) return best[1];
  return unknown === null ? null : unknown.replace(/_/g, ' ');
}

/** "SLA in 3:00", "SLA over by 1:05:00". */
function sla(remaining: number): string {
  return remaining > 0
    ? `SLA in ${clock(Math.ceil(remaining / SECOND))}`
    : `SLA over by ${clock(Math.floor(-remaining / SECOND))}`;
}

/** "m:ss" under an hour, "h:mm:ss" from then on. */
function clock(totalSeconds: number): string {
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const sec = totalSeconds % 60;
  const ss = sec < 10 ? `0${sec}` : `${sec}`;
  if (h === 0) return `${m}:${ss}`;
  return `${h}:${m < 10 ? '0' : ''}${m}:${ss}`;
}

/** A coarse length of time: "<1 min", "12 min", "3 h", "2 days". Rounded down. */
export function span(ms: number): string {
  if (ms < MINUTE) return '<1 min';
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)} min`;
  if (ms < 2 * DAY) return `${Math.floor(ms / HOUR)} h`;
  return `${Math.floor(ms / DAY)} days`;
}
