import { memo, type JSX, useEffect, useRef } from 'react';
import type { AppQueueItem } from '../../../shared/app-api';
import { isoMs } from '../../../shared/iso-time';
import { useTick } from '../hooks/use-tick';
import { setClass, setText } from '../lib/dom';
import { elapsedText, rowClock, slaState, warmZoneSoon } from '../lib/time';

export const ROW_HEIGHT = 64;

const TIER_LABEL = { hot: 'Hot', warm: 'Warm', cold: 'Cold' } as const;
const SECTION_LABEL = {
  offered: 'Offered: first to claim',
  callback_due: 'Callbacks due',
  new: 'New',
  retry_due: 'Retries due',
  upcoming: 'Upcoming',
  later_outside_hours: 'Later: outside their calling hours',
  exhausted: 'All attempts made',
} as const;

interface Props {
  readonly item: AppQueueItem;
  /** The app's clock when it ordered this row (epoch ms). */
  readonly at: number;
  readonly index: number;
  readonly selected: boolean;
  /** First row of its section: the row carries the section's label. */
  readonly sectionStart: boolean;
  readonly onPick: (index: number) => void;
  readonly onOpen: (index: number) => void;
}

/**
 * One queue row. Its three clocks (waiting, SLA or next attempt, the lead's local time) are
 * painted by the ticker into spans held by refs, so a second passing never re-renders a row.
 */
export const QueueRow = memo(function QueueRow(props: Props): JSX.Element {
  const { item, at, index, selected, sectionStart } = props;
  const { lead, row } = item;
  const waitRef = useRef<HTMLSpanElement>(null);
  const slaRef = useRef<HTMLSpanElement>(null);
  const localRef = useRef<HTMLSpanElement>(null);
  const receivedAt = isoMs(lead.receivedAt);
  const touchedAt = isoMs(lead.firstTouchAt);

  useTick(
    (now) => {
      const wait = waitRef.current;
      const sla = slaRef.current;
      const local = localRef.current;
      if (wait) {
        // Untouched: the response timer runs. Touched: how long the first touch took, frozen.
        setText(
          wait,
          Number.isNaN(touchedAt)
            ? elapsedText(now - receivedAt)
            : `1st call ${elapsedText(touchedAt - receivedAt)}`,
        );
      }
      if (sla) {
        if (row.slaDeadlineAt !== null && Number.isNaN(touchedAt)) {
          const s = slaState(row.slaDeadlineAt, receivedAt, now);
          setText(sla, s.level === 'breached' ? `SLA ${s.text}` : `SLA ${s.text}`);
          setClass(sla, `sla sla--${s.level}`);
        } else {
          const left = row.dueAt - now;
          setText(sla, left > 0 ? `due in ${elapsedText(left)}` : 'due now');
          setClass(sla, `sla ${left > 0 ? 'sla--later' : 'sla--due'}`);
        }
      }
      if (local && row.timeZone) setText(local, rowClock(row.timeZone, row.localTime, at, now));
    },
    [item, at],
  );
  useEffect(() => {
    if (row.timeZone) warmZoneSoon(row.timeZone);
  }, [row.timeZone]);

  return (
    <div
      role="option"
      id={`lead-${lead.id}`}
      aria-selected={selected}
      data-lead-id={lead.id}
      data-section={row.section}
      className={`row tier-${lead.tier}${selected ? ' row--selected' : ''}${
        sectionStart ? ' row--section-start' : ''
      }${item.pending > 0 ? ' row--pending' : ''}`}
      style={{ transform: `translateY(${index * ROW_HEIGHT}px)` }}
      onMouseDown={() => props.onPick(index)}
      onDoubleClick={() => props.onOpen(index)}
    >
      {sectionStart && <span className="row__section">{SECTION_LABEL[row.section]}</span>}
      <div className="row__tier">
        <span className={`tier tier--${lead.tier}`}>{TIER_LABEL[lead.tier]}</span>
        <span className="row__score" title="Score">
          {lead.score}
        </span>
      </div>
      <div className="row__main">
        <div className="row__title">
          {lead.seenAt === null && lead.firstTouchAt === null && (
            <span className="row__unseen" title="Not opened yet" aria-label="not opened yet" />
          )}
          <span className="row__name">{lead.name}</span>
          {lead.company !== null && <span className="row__company">{lead.company}</span>}
        </div>
        <div className="row__reason">{row.reason}</div>
      </div>
      <div className="row__clocks">
        <span
          className={`row__wait${Number.isNaN(touchedAt) ? '' : ' row__wait--done'}`}
          title={
            Number.isNaN(touchedAt)
              ? 'Waiting since the lead landed'
              : 'How long the first call took after the lead landed'
          }
          ref={waitRef}
        />
        <span className="sla" ref={slaRef} />
      </div>
      <div className="row__local" title={row.timeZone ? `Their time (${row.timeZone})` : ''}>
        <span className="row__local-time" ref={localRef}>
          {row.timeZone ? (row.localTime ?? '') : '—'}
        </span>
        <span
          className={`callable ${row.callableNow ? 'callable--now' : 'callable--later'}`}
          title={
            row.callableNow
              ? 'Inside their calling hours'
              : `Outside their calling hours${row.callableAtLocal ? `: callable at ${row.callableAtLocal}` : ''}`
          }
        >
          {row.callableNow
            ? 'callable'
            : row.callableAtLocal
              ? `at ${row.callableAtLocal}`
              : 'later'}
        </span>
      </div>
      <div className="row__attempts" title="Call attempts">
        {lead.attempts === 0 ? 'no calls' : `${lead.attempts} call${lead.attempts > 1 ? 's' : ''}`}
        {item.pending > 0 && (
          <span className="row__sync" title="Changes waiting to sync">
            ●
          </span>
        )}
      </div>
    </div>
  );
});
