import { type JSX, memo, useRef } from 'react';
import type { AppQueueItem } from '../../../shared/app-api';
import type { LocalLead } from '../../../shared/client-api';
import { DISPOSITION_INFO, type Disposition } from '../../../shared/dispositions';
import type { Playbook } from '../../../shared/playbook';
import { isoMs } from '../../../shared/iso-time';
import { useTick } from '../hooks/use-tick';
import { keyFor } from '../lib/keymap';
import { setText } from '../lib/dom';
import { elapsedText, shortDateTime, zoneClock } from '../lib/time';
import { Kbd } from './Kbd';
import { Timeline } from './Timeline';

interface Props {
  readonly view: LocalLead | null;
  /** The queue's row for it (reason, zone, calling hours), when the lead is in the queue. */
  readonly item: AppQueueItem | null;
  readonly opened: boolean;
  /** The view is the queue row's stand-in; the message and timeline are on their way. */
  readonly loading: boolean;
  readonly flash: string | null;
  /** The team's outcomes, their keys and reasons. */
  readonly playbook: Playbook;
  /** Claim mode: offered to the whole team, nobody's yet (Enter claims it). */
  readonly offered: boolean;
  /** The rep is on a call with this lead: its outcome must be logged before moving on. */
  readonly onCallWith: boolean;
  readonly onCall: () => void;
  readonly onEmail: () => void;
  readonly onOutcome: (disposition: Disposition) => void;
  readonly onCancelCall: () => void;
  readonly onCallback: () => void;
  readonly onNote: () => void;
}

const TIER_LABEL = { hot: 'Hot', warm: 'Warm', cold: 'Cold' } as const;
const STATUS_LABEL = {
  unassigned: 'Unassigned',
  assigned: 'Untouched',
  working: 'Working',
  won: 'Won',
  closed: 'Closed',
  nurture: 'Nurture',
} as const;

/**
 * The selected lead: who, how to reach them, what they asked, what happened so far. Memoised
 * (stable callbacks from the inbox): a key press that moves the highlight does not re-render it;
 * it follows the selection at a lower priority (Inbox's deferred values).
 */
export const LeadDetail = memo(function LeadDetail(props: Props): JSX.Element {
  const { view, item, opened } = props;
  const localRef = useRef<HTMLSpanElement>(null);
  const waitRef = useRef<HTMLSpanElement>(null);
  const zone = item?.row.timeZone ?? view?.lead.timezone ?? null;
  const lead = view?.lead ?? null;

  useTick(
    (now) => {
      if (localRef.current && zone) setText(localRef.current, zoneClock(zone, now) ?? '');
      if (waitRef.current && lead) {
        const touched = isoMs(lead.firstTouchAt);
        const received = isoMs(lead.receivedAt);
        setText(
          waitRef.current,
          Number.isNaN(touched)
            ? `waiting ${elapsedText(now - received)}`
            : `first call after ${elapsedText(touched - received)}`,
        );
      }
    },
    [zone, lead],
  );

  if (!view || !lead) {
    return (
      <section className="detail detail--empty" aria-label="Lead">
        <p>Nothing selected. Your queue is on the left: j/k to move, Enter to open.</p>
      </section>
    );
  }

  const subtitle = [lead.title, lead.company].filter(Boolean).join(' at ');
  return (
    <section
      className={`detail${opened ? ' detail--opened' : ''}`}
      aria-label={`Lead ${lead.name}`}
      data-lead-id={lead.id}
    >
      <header className="detail__header">
        <div>
          <h2 className="detail__name">{lead.name}</h2>
          {subtitle && <p className="detail__subtitle">{subtitle}</p>}
        </div>
        <div className="detail__badges">
          <span className={`tier tier--${lead.tier}`}>{TIER_LABEL[lead.tier]}</span>
          <span className="detail__score">score {lead.score}</span>
          <span className={`status status--${lead.status}`}>
            {props.offered ? 'Offered' : STATUS_LABEL[lead.status]}
          </span>
        </div>
      </header>
      {view.revoked && (
        <p className="detail__revoked" role="status">
          Moved away from you: {view.revoked.reason}
        </p>
      )}
      {item && <p className="detail__reason">{item.row.reason}</p>}

      <dl className="detail__contact">
        <div>
          <dt>Phone</dt>
          <dd>
            {lead.phone ? (
              <button className="link" onClick={props.onCall} title="Call">
                {lead.phone} <Kbd k={keyFor('call')} />
              </button>
            ) : (
              <span className="muted">none</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Email</dt>
          <dd>
            {lead.email ? (
              <button className="link" onClick={props.onEmail} title="Email">
                {lead.email} <Kbd k={keyFor('email')} />
              </button>
            ) : (
              <span className="muted">none</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Their time</dt>
          <dd>
            {zone ? (
              <>
                <span ref={localRef} className="detail__local" />{' '}
                <span className="muted">{zone.replace(/_/g, ' ')}</span>{' '}
                {item && (
                  <span
                    className={`callable ${item.row.callableNow ? 'callable--now' : 'callable--later'}`}
                  >
                    {item.row.callableNow
                      ? 'callable now'
                      : `callable at ${item.row.callableAtLocal ?? 'later'}`}
                  </span>
                )}
              </>
            ) : (
              <span className="muted">unknown</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Landed</dt>
          <dd>
            {shortDateTime(isoMs(lead.receivedAt))} <span className="muted">via {lead.source}</span>{' '}
            · <span ref={waitRef} />
          </dd>
        </div>
        <div>
          <dt>Attempts</dt>
          <dd>
            {lead.attempts}
            {lead.callbackAt ? (
              <span className="muted"> · callback {shortDateTime(isoMs(lead.callbackAt))}</span>
            ) : (
              lead.nextAttemptAt &&
              lead.attempts > 0 && (
                <span className="muted" data-testid="next-attempt">
                  {' '}
                  · next try {shortDateTime(isoMs(lead.nextAttemptAt))}
                </span>
              )
            )}
            {lead.closeReason && (
              <span className="muted"> · {reasonLabel(props.playbook, lead.closeReason)}</span>
            )}
          </dd>
        </div>
      </dl>

      {props.offered && (
        <p className="detail__offer" role="status" data-testid="offer">
          Offered to your team: the first to claim it gets it. <Kbd k={keyFor('open')} /> claim
          {lead.offer?.expiresAt && (
            <span className="muted">
              {' '}
              · offer ends {shortDateTime(isoMs(lead.offer.expiresAt))}
            </span>
          )}
        </p>
      )}
      {props.onCallWith && (
        <p className="detail__oncall" role="status" data-testid="open-call">
          On a call with {lead.name}: log how it went ({outcomeKeys(props.playbook)}) before moving
          on.{' '}
          <button className="link" onClick={props.onCancelCall}>
            <Kbd k={keyFor('cancelCall')} /> the call did not happen
          </button>
        </p>
      )}
      {!props.offered && (
        <div className="detail__actions" role="toolbar" aria-label="Log the outcome">
          {props.playbook.dispositions.map((d) => (
            <button
              key={d.key}
              className={`outcome outcome--${DISPOSITION_INFO[d.key].effect}`}
              onClick={() => props.onOutcome(d.key)}
            >
              <Kbd k={d.shortcut} /> {d.label}
              {d.reasons.length > 0 ? '…' : ''}
            </button>
          ))}
          <button className="outcome outcome--tool" onClick={props.onCallback}>
            <Kbd k={keyFor('callback')} /> Callback…
          </button>
          <button className="outcome outcome--tool" onClick={props.onNote}>
            <Kbd k={keyFor('note')} /> Note…
          </button>
        </div>
      )}
      {props.flash && (
        <p className="detail__flash" role="status" aria-live="polite">
          {props.flash}
        </p>
      )}

      <div className="detail__columns">
        <div>
          {lead.message && (
            <section className="detail__block">
              <h3>Their message</h3>
              <blockquote className="detail__message">{lead.message}</blockquote>
            </section>
          )}
          {!props.loading && (
            <section className="detail__block">
              <h3>Why this score</h3>
              <ul className="reasons">
                {lead.scoreReasons.map((r) => (
                  <li key={r.label}>
                    <span>{r.label}</span>
                    <span className="reasons__points">
                      {r.points > 0 ? '+' : ''}
                      {r.points}
                    </span>
                  </li>
                ))}
              </ul>
            </section>
          )}
          {lead.signals.length > 0 && (
            <section className="detail__block">
              <h3>Signals</h3>
              <ul className="signals">
                {lead.signals.map((s, i) => (
                  <li key={`${s.type}-${i}`}>
                    {s.type.replace(/_/g, ' ')}{' '}
                    <span className="muted">{shortDateTime(isoMs(s.at))}</span>
                  </li>
                ))}
              </ul>
            </section>
          )}
          {Object.keys(lead.fields).length > 0 && (
            <section className="detail__block">
              <h3>Form fields</h3>
              <dl className="fields">
                {Object.entries(lead.fields).map(([k, v]) => (
                  <div key={k}>
                    <dt>{k}</dt>
                    <dd>{v}</dd>
                  </div>
                ))}
              </dl>
            </section>
          )}
        </div>
        <section className="detail__block">
          <h3>Timeline</h3>
          {props.loading ? (
            <p className="muted">Loading…</p>
          ) : (
            <Timeline entries={view.timeline} playbook={props.playbook} />
          )}
        </section>
      </div>
    </section>
  );
});

/** "1–8": the digits of the offered outcomes. */
function outcomeKeys(playbook: Playbook): string {
  const first = playbook.dispositions[0]?.shortcut ?? '1';
  const last = playbook.dispositions.at(-1)?.shortcut ?? first;
  return first === last ? first : `${first}–${last}`;
}

function reasonLabel(playbook: Playbook, code: string): string {
  for (const d of playbook.dispositions) {
    const found = d.reasons.find((r) => r.code === code);
    if (found) return found.label;
  }
  return code === 'unreached' ? 'never reached' : code.replace(/_/g, ' ');
}
