import type { Lead, LeadStatus } from '../../shared/lead';

/*
 * What of a rep's leads the app keeps, and how it finds them without reading them all.
 *
 * The queue is the open leads; the rest is history: closed leads (won, closed, nurture) and
 * leads that left the rep (revoked). The app keeps history changed within the server's window
 * (`historyDays` of a pull, config `sync.historyDays`, 30 days by default) and deletes older
 * history from its database (lead-store.ts `pruneHistory`), never a lead the outbox, an open call or
 * an unread rejection still refers to. A lead deleted here is still on the server: when it
 * changes (a repeat inquiry reopens it) the change log brings it back whole.
 */

/** Statuses of the queue (priority.ts): held, and offered to the team in claim mode. */
export const OPEN_STATUSES: readonly LeadStatus[] = ['assigned', 'working', 'unassigned'];
/** Statuses of history: the lead has left the queue. */
export const CLOSED_STATUSES: readonly LeadStatus[] = ['won', 'closed', 'nurture'];

/** `sync.historyDays` of a server that does not say it (older servers). */
export const DEFAULT_HISTORY_DAYS = 30;
export const DAY_MS = 24 * 3600_000;
/** How often a running app deletes history that aged out (it also does at every open). */
export const PRUNE_EVERY_MS = 3600_000;

/** Text folded for search: accents removed, lower case ("Zoë" finds "zoe"). */
export function searchKey(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** What search matches a lead on, stored with it: name, company and email, folded. */
export function leadSearchKey(lead: Pick<Lead, 'name' | 'company' | 'email'>): string {
  return searchKey([lead.name, lead.company ?? '', lead.email ?? ''].join(' '));
}

/** The phone number's digits only, for search by number. */
export function phoneDigits(phone: string | null): string {
  return (phone ?? '').replace(/\D/g, '');
}
