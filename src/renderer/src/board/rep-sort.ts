import type { BoardRep, PresenceState } from '../../../shared/board-protocol';

/*
 * The rep table's columns and how each sorts. Pure: the table, its keys and the unit tests use
 * the same definitions.
 *
 *   const rows = sortReps(reps, { column: 'untouched', direction: 'desc' }, nameOf);
 */

export const REP_COLUMNS = [
  'name',
  'presence',
  'openQueue',
  'untouched',
  'oldestUntouched',
  'slaBreaches',
  'attempts',
  'connects',
  'contactRate',
  'qualified',
  'meetingsBooked',
  'firstTouches',
  'speedToLeadP50Ms',
  'speedToLeadP90Ms',
] as const;
export type RepColumn = (typeof REP_COLUMNS)[number];

export type SortDirection = 'asc' | 'desc';

export interface RepSort {
  readonly column: RepColumn;
  readonly direction: SortDirection;
}

export interface RepColumnInfo {
  /** The header's text, and its longer title (what the figure means). */
  readonly label: string;
  readonly title: string;
  /** The direction a first click sorts in: most first for counts, A to Z for names. */
  readonly first: SortDirection;
}

export const REP_COLUMN_INFO: Readonly<Record<RepColumn, RepColumnInfo>> = {
  name: { label: 'Rep', title: 'Name', first: 'asc' },
  presence: {
    label: 'Presence',
    title: 'Receiving, online (not receiving), away or offline, and since when',
    first: 'asc',
  },
  openQueue: { label: 'Open', title: 'Open leads held now', first: 'desc' },
  untouched: { label: 'Untouched', title: 'Held and not called yet', first: 'desc' },
  oldestUntouched: {
    label: 'Oldest waiting',
    title: 'How long the oldest untouched lead has waited',
    first: 'desc',
  },
  slaBreaches: {
    label: 'Breaches',
    title: 'Leads that passed their first-touch target untouched, today',
    first: 'desc',
  },
  attempts: { label: 'Attempts', title: 'Outcomes logged today', first: 'desc' },
  connects: { label: 'Connects', title: 'Attempts that reached the person, today', first: 'desc' },
  contactRate: { label: 'Contact', title: 'Connects / attempts today', first: 'desc' },
  qualified: { label: 'Qualified', title: 'Qualified today', first: 'desc' },
  meetingsBooked: { label: 'Meetings', title: 'Meetings booked today', first: 'desc' },
  firstTouches: { label: '1st touches', title: 'First calls made today', first: 'desc' },
  speedToLeadP50Ms: {
    label: 'Speed p50',
    title: 'Median time from lead to first call, today (nearest rank)',
    first: 'asc',
  },
  speedToLeadP90Ms: {
    label: 'Speed p90',
    title: '90th percentile time from lead to first call, today (nearest rank)',
    first: 'asc',
  },
};

/** Presence in the order a team lead scans it: who can take leads first. */
const PRESENCE_ORDER: Readonly<Record<PresenceState, number>> = {
  receiving: 0,
  online: 1,
  away: 2,
  offline: 3,
};

/**
 * The value a column sorts by; null sorts last in either direction (a rep with no attempts has
 * no contact rate: neither the best nor the worst). Larger means "more" for every column:
 * the oldest waiting lead sorts by its age, so "desc" is the longest wait first.
 */
export function sortValue(rep: BoardRep, column: RepColumn, name: string): number | string | null {
  switch (column) {
    case 'name':
      return name.toLocaleLowerCase();
    case 'presence':
      return PRESENCE_ORDER[rep.presence];
    case 'oldestUntouched':
      return rep.oldestUntouchedAt === null ? null : -rep.oldestUntouchedAt;
    case 'openQueue':
    case 'untouched':
    case 'slaBreaches':
    case 'attempts':
    case 'connects':
    case 'contactRate':
    case 'qualified':
    case 'meetingsBooked':
    case 'firstTouches':
    case 'speedToLeadP50Ms':
    case 'speedToLeadP90Ms':
      return rep[column];
  }
}

/** The reps in the table's order; ties by name, then id, so the order never flickers. */
export function sortReps(
  reps: readonly BoardRep[],
  sort: RepSort,
  nameOf: (repId: string) => string,
): BoardRep[] {
  const sign = sort.direction === 'asc' ? 1 : -1;
  const keyed = reps.map((rep) => {
    const name = nameOf(rep.repId);
    return { rep, name, value: sortValue(rep, sort.column, name) };
  });
  keyed.sort((a, b) => {
    if (a.value !== b.value) {
      if (a.value === null) return 1;
      if (b.value === null) return -1;
      const order = compare(a.value, b.value);
      if (order !== 0) return sign * order;
    }
    return (
      compare(a.name.toLocaleLowerCase(), b.name.toLocaleLowerCase()) ||
      compare(a.rep.repId, b.rep.repId)
    );
  });
  return keyed.map((k) => k.rep);
}

function compare(a: number | string, b: number | string): number {
  if (typeof a === 'string' && typeof b === 'string') return a.localeCompare(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A click on a column's header: the same column flips, another starts in its first direction. */
export function nextSort(current: RepSort, column: RepColumn): RepSort {
  if (current.column === column) {
    return { column, direction: current.direction === 'asc' ? 'desc' : 'asc' };
  }
  return { column, direction: REP_COLUMN_INFO[column].first };
}

/** The keyboard's "sort by the next column" (`s`), wrapping around, in its first direction. */
export function cycleSort(current: RepSort, step: 1 | -1): RepSort {
  const at = REP_COLUMNS.indexOf(current.column);
  const column = REP_COLUMNS[(at + step + REP_COLUMNS.length) % REP_COLUMNS.length] ?? 'name';
  return { column, direction: REP_COLUMN_INFO[column].first };
}

export const DEFAULT_REP_SORT: RepSort = { column: 'oldestUntouched', direction: 'desc' };
