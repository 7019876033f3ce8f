import { type JSX, memo, useEffect, useRef } from 'react';
import type { BoardRep } from '../../../shared/board-protocol';
import { durationText, rateText } from './figures';
import { PresenceChip } from './PresenceChip';
import { REP_COLUMN_INFO, REP_COLUMNS, type RepColumn, type RepSort } from './rep-sort';
import { Age } from './Ticking';

interface Props {
  /** In the table's order (rep-sort.ts). */
  readonly reps: readonly BoardRep[];
  readonly nameOf: (repId: string) => string;
  readonly sort: RepSort;
  readonly onSort: (column: RepColumn) => void;
  /** The highlighted rep (keyboard); null on the wallboard. */
  readonly selectedId: string | null;
  /** This pane has the keyboard. */
  readonly active: boolean;
  readonly onPick?: (repId: string) => void;
  readonly onOpen?: (repId: string) => void;
}

/**
 * One row per rep with every figure of docs/metrics.md. Headers are buttons: a click (or Enter
 * on a focused header) sorts by that column, again flips it. Rows are memoised, and their ages
 * tick in their own cells, so a delta re-renders only the rows it changed.
 */
export const RepTable = memo(function RepTable(props: Props): JSX.Element {
  const { reps, sort } = props;
  return (
    <div className={`pane reps${props.active ? ' pane--active' : ''}`}>
      <table className="reps__table" aria-label="Reps" data-testid="rep-table">
        <thead>
          <tr>
            {REP_COLUMNS.map((column) => {
              const info = REP_COLUMN_INFO[column];
              const sorted = sort.column === column;
              return (
                <th
                  key={column}
                  scope="col"
                  className={`reps__head reps__head--${column}`}
                  aria-sort={
                    sorted ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'
                  }
                >
                  <button
                    className="reps__sort"
                    title={`${info.title}: sort`}
                    // A click sorts without taking focus, so the board's keys (Enter) stay
                    // the board's; Tab still reaches the headers for the keyboard.
                    onMouseDown={(e) => e.preventDefault()}
                    onClick={() => props.onSort(column)}
                    data-column={column}
                  >
                    {info.label}
                    <span className="reps__arrow" aria-hidden="true">
                      {sorted ? (sort.direction === 'asc' ? '▲' : '▼') : ''}
                    </span>
                  </button>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {reps.map((rep) => (
            <RepRow
              key={rep.repId}
              rep={rep}
              name={props.nameOf(rep.repId)}
              selected={rep.repId === props.selectedId}
              active={props.active}
              onPick={props.onPick}
              onOpen={props.onOpen}
            />
          ))}
        </tbody>
      </table>
      {reps.length === 0 && <p className="pane__empty muted">No reps on this team’s board yet.</p>}
    </div>
  );
});

const RepRow = memo(function RepRow(props: {
  readonly rep: BoardRep;
  readonly name: string;
  readonly selected: boolean;
  readonly active: boolean;
  readonly onPick: ((repId: string) => void) | undefined;
  readonly onOpen: ((repId: string) => void) | undefined;
}): JSX.Element {
  const { rep, selected } = props;
  const ref = useRef<HTMLTableRowElement>(null);
  useEffect(() => {
    if (selected && props.active) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [selected, props.active]);
  return (
    <tr
      ref={ref}
      className={`rep${selected ? ' rep--selected' : ''}`}
      aria-current={props.onPick && selected ? 'true' : undefined}
      data-rep-id={rep.repId}
      onMouseDown={() => props.onPick?.(rep.repId)}
      onDoubleClick={() => props.onOpen?.(rep.repId)}
    >
      <th scope="row" className="rep__name">
        {props.name}
      </th>
      <td>
        <PresenceChip presence={rep.presence} since={rep.presenceSince} />
      </td>
      <td className="num" data-figure="openQueue">
        {rep.openQueue}
      </td>
      <td className={`num${rep.untouched > 0 ? ' num--alert' : ''}`} data-figure="untouched">
        {rep.untouched}
      </td>
      <td className="num">
        <Age since={rep.oldestUntouchedAt} />
      </td>
      <td className={`num${rep.slaBreaches > 0 ? ' num--bad' : ''}`} data-figure="slaBreaches">
        {rep.slaBreaches}
      </td>
      <td className="num" data-figure="attempts">
        {rep.attempts}
      </td>
      <td className="num" data-figure="connects">
        {rep.connects}
      </td>
      <td className="num">{rateText(rep.contactRate)}</td>
      <td className="num">{rep.qualified}</td>
      <td className="num">{rep.meetingsBooked}</td>
      <td className="num" data-figure="firstTouches">
        {rep.firstTouches}
      </td>
      <td className="num">{durationText(rep.speedToLeadP50Ms)}</td>
      <td className="num">{durationText(rep.speedToLeadP90Ms)}</td>
    </tr>
  );
});
