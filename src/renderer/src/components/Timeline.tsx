import type { JSX } from 'react';
import type { LocalTimelineEntry } from '../../../shared/client-api';
import { DISPOSITION_INFO, type Disposition } from '../../../shared/dispositions';
import { isoMs } from '../../../shared/iso-time';
import type { Playbook } from '../../../shared/playbook';
import { shortDateTime } from '../lib/time';

/**
 * Everything that happened to the lead, newest first: inquiries, calls and what each scheduled,
 * SLA steps, reassignments; local changes not yet synced are marked.
 */
export function Timeline({
  entries,
  playbook,
}: {
  entries: readonly LocalTimelineEntry[];
  playbook: Playbook;
}): JSX.Element {
  const sorted = [...entries].sort((a, b) => isoMs(b.at) - isoMs(a.at));
  return (
    <ol className="timeline" aria-label="Timeline">
      {sorted.map((entry) => (
        <li
          key={entry.id}
          className={`timeline__entry timeline__entry--${entry.type}${entry.pending ? ' timeline__entry--pending' : ''}`}
        >
          <span className="timeline__dot" aria-hidden="true" />
          <div className="timeline__body">
            <div className="timeline__line">
              <span className="timeline__what">{describe(entry)}</span>
              <time className="timeline__at" dateTime={entry.at}>
                {shortDateTime(isoMs(entry.at))}
              </time>
            </div>
            {detail(entry, playbook) && (
              <div className="timeline__detail">{detail(entry, playbook)}</div>
            )}
            {entry.pending && <div className="timeline__pending">waiting to sync</div>}
          </div>
        </li>
      ))}
    </ol>
  );
}

function str(data: Readonly<Record<string, unknown>>, key: string): string | null {
  const value = data[key];
  return typeof value === 'string' && value !== '' ? value : null;
}

function describe(entry: LocalTimelineEntry): string {
  const d = entry.data;
  switch (entry.type) {
    case 'received':
      return `Landed from ${str(d, 'source') ?? 'a lead source'}`;
    case 'assigned':
      return 'Assigned to you';
    case 'queued':
      return 'Waiting for an available rep';
    case 'nurtured':
      return 'Sent to nurture';
    case 'outcome': {
      const disposition = str(d, 'disposition');
      const info =
        disposition !== null && disposition in DISPOSITION_INFO
          ? DISPOSITION_INFO[disposition as Disposition]
          : null;
      return `Call: ${info?.label ?? disposition ?? 'logged'}`;
    }
    case 'note':
      return 'Note';
    case 'callback': {
      const at = str(d, 'at');
      return at ? `Callback set for ${shortDateTime(isoMs(at))}` : 'Callback set';
    }
    case 'seen':
      return 'Opened';
    case 'reassigned':
      return d.by === 'sla' ? 'Reassigned by the SLA ladder' : 'Reassigned';
    case 'inquiry': {
      const n = typeof d.inquiry === 'number' ? d.inquiry : null;
      const reopened = str(d, 'reopenedFrom');
      return `Asked again${n ? ` (inquiry ${n})` : ''}${reopened ? `: reopened from ${reopened}` : ''}`;
    }
    case 'inquiries_folded': {
      // A lead keeps its newest inquiries; older ones are counted here (server lead-folds.ts).
      const n = typeof d.inquiries === 'number' ? d.inquiries : null;
      return `Asked again ${n === null ? 'several' : n} times before (folded)`;
    }
    case 'escalation':
      switch (str(d, 'step') ?? '') {
        case 'remind_rep':
          return 'SLA: reminder to call';
        case 'alert_lead':
          return 'SLA breached: team lead alerted';
        case 'reassign':
          return 'SLA: could not reassign';
        default:
          return 'SLA step';
      }
    case 'released':
      return 'Released to the team queue';
    case 'offered':
      return 'Offered to the team: first to claim';
    case 'offer_expired':
      return 'Offer ended unclaimed';
    default:
      return entry.type.replace(/[._]/g, ' ');
  }
}

function detail(entry: LocalTimelineEntry, playbook: Playbook): string | null {
  const d = entry.data;
  switch (entry.type) {
    case 'outcome': {
      const note = str(d, 'note');
      const callbackAt = str(d, 'callbackAt');
      const reason = reasonLabel(playbook, str(d, 'reasonCode'));
      return [
        reason,
        nextText(d.next),
        note,
        callbackAt && !isRecord(d.next) ? `callback ${shortDateTime(isoMs(callbackAt))}` : null,
        serverTimeNote(d),
      ]
        .filter(Boolean)
        .join(' · ');
    }
    case 'seen':
      return serverTimeNote(d);
    case 'inquiry':
      return [str(d, 'message'), `via ${str(d, 'source') ?? 'a lead source'}`]
        .filter(Boolean)
        .join(' · ');
    case 'inquiries_folded': {
      const to = str(d, 'to');
      const signals = typeof d.signalsFolded === 'number' ? d.signalsFolded : 0;
      return [
        to ? `until ${shortDateTime(isoMs(to))}` : null,
        signals > 0 ? `${signals} older signals folded` : null,
      ]
        .filter(Boolean)
        .join(' · ');
    }
    case 'escalation':
      return str(d, 'text') ?? str(d, 'result');
    case 'note':
      return str(d, 'text');
    case 'callback':
      return str(d, 'note');
    default:
      return str(d, 'reason') ?? str(d, 'note');
  }
}

const REFUSED_BECAUSE: Readonly<Record<string, string>> = {
  ahead_of_server: 'ahead of the server',
  before_assignment: 'before the lead was assigned',
  too_old: 'more than a day before it reached the server',
};

/**
 * The server did not take the app's clock for this event (sync-server client-time.ts): the time
 * shown is when the server received it, and the timeline says so.
 */
function serverTimeNote(d: Readonly<Record<string, unknown>>): string | null {
  if (d.timeFrom !== 'server') return null;
  const clientAt = str(d, 'clientAt');
  const why = REFUSED_BECAUSE[str(d, 'clientTimeRefused') ?? ''];
  const said = clientAt ? `the app's clock said ${shortDateTime(isoMs(clientAt))}` : null;
  return `time as received by the server${said ? ` (${said}${why ? `, ${why}` : ''})` : ''}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The step the server scheduled with an outcome (sync-server apply-mutation nextStepData). */
function nextText(next: unknown): string | null {
  if (!isRecord(next)) return null;
  const at = typeof next.at === 'string' ? shortDateTime(isoMs(next.at)) : null;
  switch (next.kind) {
    case 'retry':
      return `next try ${String(next.attempt)} of ${String(next.of)} ${at ?? ''}${
        next.movedIntoHours === true ? ' (when their calling hours open)' : ''
      }`.trim();
    case 'callback':
      return at ? `callback ${at}` : 'callback';
    case 'ladder_end':
      return `all ${String(next.attempts)} attempts made: ${next.status === 'closed' ? 'closed' : 'back to marketing'}`;
    case 'won':
      return 'won';
    case 'closed':
      return 'closed';
    case 'nurture':
      return 'back to marketing';
    default:
      return null;
  }
}

function reasonLabel(playbook: Playbook, code: string | null): string | null {
  if (code === null) return null;
  for (const d of playbook.dispositions) {
    const found = d.reasons.find((r) => r.code === code);
    if (found) return found.label;
  }
  return code.replace(/_/g, ' ');
}
