import { type JSX, memo, type ReactNode, useEffect, useRef } from 'react';
import type { AtRiskEntry } from '../../../shared/board-protocol';
import type { BoardLead, BoardLeadName } from '../../../shared/board-view';
import { isoMs } from '../../../shared/iso-time';
import { SlaClock, Age } from './Ticking';

const TIER_LABEL = { hot: 'Hot', warm: 'Warm', cold: 'Cold' } as const;

/**
 * The team's untouched leads nearest their first-touch target (soonest first; past it still
 * listed until touched). A row: the lead, whose it is, time left on the clock.
 */
export const AtRiskList = memo(function AtRiskList(props: {
  readonly entries: readonly AtRiskEntry[];
  readonly leads: Readonly<Record<string, BoardLeadName>>;
  readonly nameOf: (repId: string) => string;
  /** The highlighted lead (keyboard); null on the wallboard. */
  readonly selectedId: string | null;
  readonly active: boolean;
  readonly onPick?: (leadId: string) => void;
}): JSX.Element {
  return (
    <div className={`pane leads${props.active ? ' pane--active' : ''}`}>
      <h2 className="pane__title">
        At risk <span className="pane__count">{props.entries.length}</span>
      </h2>
      {props.entries.length === 0 ? (
        <p className="pane__empty muted">Nothing near its first-touch target.</p>
      ) : (
        <ul className="leads__list" role="listbox" aria-label="At-risk leads" data-testid="at-risk">
          {props.entries.map((entry) => {
            const lead = props.leads[entry.leadId];
            return (
              <LeadRow
                key={entry.leadId}
                id={entry.leadId}
                tier={entry.tier}
                name={lead?.name ?? 'Lead'}
                company={lead?.company ?? null}
                detail={props.nameOf(entry.repId)}
                selected={entry.leadId === props.selectedId}
                active={props.active}
                onPick={props.onPick}
              >
                <SlaClock dueAt={entry.slaDueAt} receivedAt={entry.receivedAt} />
                <Age since={entry.receivedAt} className="leads__age" />
              </LeadRow>
            );
          })}
        </ul>
      )}
    </div>
  );
});

/** The team queue or the nurture pool: leads nobody works now, newest first. */
export const PoolList = memo(function PoolList(props: {
  readonly title: string;
  readonly leads: readonly BoardLead[] | null;
  readonly error: string | null;
  readonly nameOf: (repId: string) => string;
  readonly selectedId: string | null;
  readonly active: boolean;
  readonly onPick?: (leadId: string) => void;
  readonly testId: string;
}): JSX.Element {
  const { leads } = props;
  return (
    <div className={`pane leads${props.active ? ' pane--active' : ''}`}>
      <h2 className="pane__title">
        {props.title} <span className="pane__count">{leads?.length ?? ''}</span>
      </h2>
      {props.error !== null && <p className="form-error">{props.error}</p>}
      {leads === null ? (
        <p className="pane__empty muted" aria-busy="true">
          Loading…
        </p>
      ) : leads.length === 0 ? (
        <p className="pane__empty muted">Empty.</p>
      ) : (
        <ul
          className="leads__list"
          role="listbox"
          aria-label={props.title}
          data-testid={props.testId}
        >
          {leads.map((lead) => (
            <LeadRow
              key={lead.id}
              id={lead.id}
              tier={lead.tier}
              name={lead.name}
              company={lead.company}
              detail={
                lead.assignedTo !== null
                  ? `last with ${props.nameOf(lead.assignedTo)}`
                  : `score ${lead.score}`
              }
              selected={lead.id === props.selectedId}
              active={props.active}
              onPick={props.onPick}
            >
              <Age since={isoMs(lead.receivedAt)} className="leads__age" />
            </LeadRow>
          ))}
        </ul>
      )}
    </div>
  );
});

const LeadRow = memo(function LeadRow(props: {
  readonly id: string;
  readonly tier: keyof typeof TIER_LABEL;
  readonly name: string;
  readonly company: string | null;
  readonly detail: string;
  readonly selected: boolean;
  readonly active: boolean;
  readonly onPick: ((leadId: string) => void) | undefined;
  readonly children: ReactNode;
}): JSX.Element {
  const ref = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (props.selected && props.active) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [props.selected, props.active]);
  return (
    <li
      ref={ref}
      className={`lead${props.selected ? ' lead--selected' : ''}`}
      role="option"
      aria-selected={props.selected}
      data-lead-id={props.id}
      onMouseDown={() => props.onPick?.(props.id)}
    >
      <span className={`tier tier--${props.tier}`}>{TIER_LABEL[props.tier]}</span>
      <span className="lead__who">
        <span className="lead__name">{props.name}</span>
        {props.company !== null && <span className="lead__company">{props.company}</span>}
        <span className="lead__detail">{props.detail}</span>
      </span>
      <span className="lead__clocks">{props.children}</span>
    </li>
  );
});
