import { forwardRef, type JSX, memo } from 'react';
import type { QueueLead } from '../../../shared/app-api';
import { Kbd } from './Kbd';

interface Props {
  readonly query: string;
  readonly results: readonly QueueLead[] | null;
  readonly active: number;
  readonly onQuery: (query: string) => void;
  readonly onMove: (delta: number) => void;
  readonly onChoose: (lead: QueueLead) => void;
  readonly onClose: () => void;
}

/**
 * `/` focuses it; results are every lead the app holds (open or not); ↑/↓ and Enter pick one.
 * Memoised (the inbox passes stable callbacks): moving through the queue does not re-render it.
 */
export const SearchBox = memo(
  forwardRef<HTMLInputElement, Props>(function SearchBox(props, ref): JSX.Element {
    const { results, active } = props;
    return (
      <div className="search" role="search">
        <input
          ref={ref}
          className="search__input"
          type="search"
          value={props.query}
          placeholder="Search name, company, email, phone"
          aria-label="Search leads"
          onChange={(e) => props.onQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault();
              props.onClose();
            } else if (e.key === 'ArrowDown') {
              e.preventDefault();
              props.onMove(1);
            } else if (e.key === 'ArrowUp') {
              e.preventDefault();
              props.onMove(-1);
            } else if (e.key === 'Enter') {
              e.preventDefault();
              const lead = results?.[active];
              if (lead) props.onChoose(lead);
            }
            e.stopPropagation();
          }}
        />
        {props.query === '' && <Kbd k="/" />}
        {results !== null && props.query !== '' && (
          <ul className="search__results" role="listbox" aria-label="Search results">
            {results.length === 0 && <li className="search__empty">No lead matches.</li>}
            {results.map((lead, i) => (
              <li
                key={lead.id}
                role="option"
                aria-selected={i === active}
                className={`search__result${i === active ? ' is-active' : ''}`}
                onMouseDown={(e) => {
                  e.preventDefault();
                  props.onChoose(lead);
                }}
              >
                <span className={`tier tier--${lead.tier}`}>{lead.tier}</span>
                <span className="search__name">{lead.name}</span>
                <span className="muted">
                  {[lead.company, lead.email ?? lead.phone].filter(Boolean).join(' · ')}
                </span>
                <span className={`status status--${lead.status}`}>{lead.status}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
    );
  }),
);
