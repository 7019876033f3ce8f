import { DISPOSITION_INFO, DISPOSITIONS, type Disposition } from '../../../shared/dispositions';
import type { Playbook } from '../../../shared/playbook';

/*
 * Every keyboard shortcut, in one table: the key handler reads it, and the help overlay and the
 * buttons show it, so what the UI says and what the keys do cannot drift apart.
 */

export type Action =
  | { readonly type: 'next' }
  | { readonly type: 'prev' }
  | { readonly type: 'first' }
  | { readonly type: 'last' }
  | { readonly type: 'open' }
  | { readonly type: 'back' }
  | { readonly type: 'call' }
  | { readonly type: 'cancelCall' }
  | { readonly type: 'email' }
  | { readonly type: 'outcome'; readonly disposition: Disposition }
  | { readonly type: 'callback' }
  | { readonly type: 'note' }
  | { readonly type: 'search' }
  | { readonly type: 'availability' }
  | { readonly type: 'rejected' }
  | { readonly type: 'sync' }
  | { readonly type: 'settings' }
  | { readonly type: 'theme' }
  | { readonly type: 'help' }
  /** Team leads and admins: the inbox and the team board, one key apart. */
  | { readonly type: 'board' };

/** Inbox <-> board: the same key both ways. */
export const BOARD_KEY = 'v';

export interface Shortcut {
  /** KeyboardEvent.key values; the first is the one the UI shows. */
  readonly keys: readonly string[];
  readonly label: string;
  readonly group: 'Move' | 'Work the lead' | 'Log the outcome' | 'App';
  readonly action: Action;
  /** Only for team leads and admins (a rep is never shown it, and the inbox ignores it). */
  readonly board?: true;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { keys: ['j', 'ArrowDown'], label: 'Next lead', group: 'Move', action: { type: 'next' } },
  { keys: ['k', 'ArrowUp'], label: 'Previous lead', group: 'Move', action: { type: 'prev' } },
  { keys: ['Home', 'g'], label: 'Top of the queue', group: 'Move', action: { type: 'first' } },
  { keys: ['End', 'G'], label: 'Bottom of the queue', group: 'Move', action: { type: 'last' } },
  {
    keys: ['Enter', 'o'],
    label: 'Open the lead (claims one offered to the team)',
    group: 'Move',
    action: { type: 'open' },
  },
  { keys: ['Escape'], label: 'Back / close', group: 'Move', action: { type: 'back' } },
  { keys: ['/'], label: 'Search', group: 'Move', action: { type: 'search' } },
  { keys: ['c'], label: 'Call', group: 'Work the lead', action: { type: 'call' } },
  {
    keys: ['x'],
    label: 'The call did not happen',
    group: 'Work the lead',
    action: { type: 'cancelCall' },
  },
  { keys: ['e'], label: 'Email', group: 'Work the lead', action: { type: 'email' } },
  {
    keys: ['b'],
    label: 'Schedule a callback',
    group: 'Work the lead',
    action: { type: 'callback' },
  },
  { keys: ['n'], label: 'Add a note', group: 'Work the lead', action: { type: 'note' } },
  ...DISPOSITIONS.map((d): Shortcut => ({
    keys: [DISPOSITION_INFO[d].shortcut],
    label: DISPOSITION_INFO[d].label,
    group: 'Log the outcome',
    action: { type: 'outcome', disposition: d },
  })),
  { keys: ['a'], label: 'Receiving leads on/off', group: 'App', action: { type: 'availability' } },
  { keys: ['r'], label: 'Review rejected changes', group: 'App', action: { type: 'rejected' } },
  { keys: ['s'], label: 'Sync now', group: 'App', action: { type: 'sync' } },
  { keys: ['t'], label: 'Light / dark theme', group: 'App', action: { type: 'theme' } },
  { keys: [','], label: 'Settings', group: 'App', action: { type: 'settings' } },
  {
    keys: [BOARD_KEY],
    label: 'Team board',
    group: 'App',
    action: { type: 'board' },
    board: true,
  },
  { keys: ['?'], label: 'Keyboard shortcuts', group: 'App', action: { type: 'help' } },
];

const BY_KEY = new Map<string, Action>();
for (const shortcut of SHORTCUTS) for (const key of shortcut.keys) BY_KEY.set(key, shortcut.action);

/**
 * The action a key press means in the queue, or null (typing in a field, a modifier held).
 * Digits log the outcome the team's playbook puts on them (the defaults when none is given).
 */
export function actionFor(
  event: {
    readonly key: string;
    readonly ctrlKey: boolean;
    readonly metaKey: boolean;
    readonly altKey: boolean;
  },
  playbook?: Playbook,
): Action | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  if (playbook && /^[1-9]$/.test(event.key)) {
    const d = playbook.dispositions.find((x) => x.shortcut === event.key);
    return d ? { type: 'outcome', disposition: d.key } : null;
  }
  return BY_KEY.get(event.key) ?? null;
}

/**
 * The shortcuts as this team has them: the outcomes as its playbook names and numbers them; the
 * board's key only for those who have the board.
 */
export function shortcutsFor(
  playbook: Playbook,
  options: { readonly board?: boolean } = {},
): readonly Shortcut[] {
  const outcomes = playbook.dispositions.map((d): Shortcut => ({
    keys: [d.shortcut],
    label: d.label,
    group: 'Log the outcome',
    action: { type: 'outcome', disposition: d.key },
  }));
  const mine = SHORTCUTS.filter((s) => options.board === true || s.board !== true);
  const at = mine.findIndex((s) => s.group === 'Log the outcome');
  const rest = mine.filter((s) => s.group !== 'Log the outcome');
  return [...rest.slice(0, at), ...outcomes, ...rest.slice(at)];
}

/** How a key is shown: "Enter" -> "↵", "ArrowDown" -> "↓". */
export function keyLabel(key: string): string {
  switch (key) {
    case 'Enter':
      return '↵';
    case 'Escape':
      return 'Esc';
    case 'ArrowDown':
      return '↓';
    case 'ArrowUp':
      return '↑';
    case 'ArrowLeft':
      return '←';
    case 'ArrowRight':
      return '→';
    default:
      return key;
  }
}

/** The key the UI shows for an action type (the first key of its first shortcut). */
export function keyFor(type: Action['type'], disposition?: Disposition): string {
  const found = SHORTCUTS.find(
    (s) =>
      s.action.type === type &&
      (disposition === undefined ||
        (s.action.type === 'outcome' && s.action.disposition === disposition)),
  );
  return found ? keyLabel(found.keys[0] ?? '') : '';
}

// ---- the team board ----------------------------------------------------------------------------

export type BoardAction =
  | { readonly type: 'next' }
  | { readonly type: 'prev' }
  | { readonly type: 'nextPane' }
  | { readonly type: 'prevPane' }
  | { readonly type: 'pool' }
  | { readonly type: 'reassign' }
  | { readonly type: 'release' }
  | { readonly type: 'drill' }
  | { readonly type: 'sortNext' }
  | { readonly type: 'sortPrev' }
  | { readonly type: 'sortFlip' }
  | { readonly type: 'nextTeam' }
  | { readonly type: 'prevTeam' }
  | { readonly type: 'inbox' }
  | { readonly type: 'theme' }
  | { readonly type: 'help' };

export interface BoardShortcut {
  readonly keys: readonly string[];
  readonly label: string;
  readonly group: 'Move' | 'Act on the lead' | 'Rep table' | 'App';
  readonly action: BoardAction;
}

export const BOARD_SHORTCUTS: readonly BoardShortcut[] = [
  { keys: ['j', 'ArrowDown'], label: 'Next row', group: 'Move', action: { type: 'next' } },
  { keys: ['k', 'ArrowUp'], label: 'Previous row', group: 'Move', action: { type: 'prev' } },
  {
    keys: ['l', 'ArrowRight'],
    label: 'Next pane (reps, at risk, queue)',
    group: 'Move',
    action: { type: 'nextPane' },
  },
  { keys: ['h', 'ArrowLeft'], label: 'Previous pane', group: 'Move', action: { type: 'prevPane' } },
  {
    keys: ['p'],
    label: 'Team queue / nurture pool',
    group: 'Move',
    action: { type: 'pool' },
  },
  { keys: [']'], label: 'Next team', group: 'Move', action: { type: 'nextTeam' } },
  { keys: ['['], label: 'Previous team', group: 'Move', action: { type: 'prevTeam' } },
  {
    keys: ['r'],
    label: 'Reassign to a rep (digits or type a name)',
    group: 'Act on the lead',
    action: { type: 'reassign' },
  },
  {
    keys: ['u'],
    label: 'Release to the team queue',
    group: 'Act on the lead',
    action: { type: 'release' },
  },
  {
    keys: ['Enter'],
    label: "Open the rep's queue (read-only)",
    group: 'Act on the lead',
    action: { type: 'drill' },
  },
  {
    keys: ['s'],
    label: 'Sort by the next column',
    group: 'Rep table',
    action: { type: 'sortNext' },
  },
  {
    keys: ['S'],
    label: 'Sort by the previous column',
    group: 'Rep table',
    action: { type: 'sortPrev' },
  },
  { keys: ['o'], label: 'Reverse the order', group: 'Rep table', action: { type: 'sortFlip' } },
  { keys: [BOARD_KEY], label: 'Back to the inbox', group: 'App', action: { type: 'inbox' } },
  { keys: ['t'], label: 'Light / dark theme', group: 'App', action: { type: 'theme' } },
  { keys: ['?'], label: 'Keyboard shortcuts', group: 'App', action: { type: 'help' } },
];

const BOARD_BY_KEY = new Map<string, BoardAction>();
for (const shortcut of BOARD_SHORTCUTS) {
  for (const key of shortcut.keys) BOARD_BY_KEY.set(key, shortcut.action);
}

/** The board action a key press means, or null (a modifier held, a key it does not use). */
export function boardActionFor(event: {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly altKey: boolean;
}): BoardAction | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  return BOARD_BY_KEY.get(event.key) ?? null;
}

/** The key the board shows for an action (the first key of its shortcut). */
export function boardKeyFor(type: BoardAction['type']): string {
  const found = BOARD_SHORTCUTS.find((s) => s.action.type === type);
  return found ? keyLabel(found.keys[0] ?? '') : '';
}
