import type { PresenceState } from '../../../shared/board-protocol';

/* Who a lead can be reassigned to, in the order the rep picker numbers them. Pure. */

export interface RepChoice {
  readonly id: string;
  readonly name: string;
  readonly presence: PresenceState | null;
  readonly untouched: number | null;
}

/** Who can take leads first, then by name: the list the picker numbers 1-9. */
export function orderChoices(choices: readonly RepChoice[]): RepChoice[] {
  const rank = (p: PresenceState | null): number =>
    p === 'receiving' ? 0 : p === 'online' ? 1 : p === 'away' ? 2 : p === 'offline' ? 3 : 4;
  return [...choices].sort(
    (a, b) => rank(a.presence) - rank(b.presence) || a.name.localeCompare(b.name),
  );
}

/** Choices whose name has every typed word (case and accents ignored). */
export function filterChoices(choices: readonly RepChoice[], query: string): RepChoice[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...choices];
  return choices.filter((c) => {
    const name = fold(c.name);
    return words.every((w) => name.includes(w));
  });
}

function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}
