import { SyncChangeSchema, type SyncChange } from '../../shared/sync-protocol';

/** A pulled change this client could not read: the lead it names (if any) and why. */
export interface SkippedChange {
  readonly leadId: string | null;
  readonly message: string;
}

/**
 * Splits a pull page's changes into those this client reads and those it skips. Each change is
 * checked on its own: one the client cannot read (a date it refuses, a shape a newer server
 * changed) is skipped and reported, and the rest of the page is applied with its cursor. Refusing
 * the whole page instead would stop the rep's sync for good, since every later pull starts at the
 * same cursor and meets the same change again.
 *
 *   const { changes, skipped } = readChanges(page.changes);
 */
export function readChanges(raw: readonly unknown[]): {
  changes: SyncChange[];
  skipped: SkippedChange[];
} {
  const changes: SyncChange[] = [];
  const skipped: SkippedChange[] = [];
  for (const item of raw) {
    const parsed = SyncChangeSchema.safeParse(item);
    if (parsed.success) {
      changes.push(parsed.data);
      continue;
    }
    const problems = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.') || 'change'}: ${issue.message}`)
      .join('; ');
    skipped.push({ leadId: leadIdOf(item), message: `unreadable change skipped (${problems})` });
  }
  return { changes, skipped };
}

/** The lead a change names (`lead.id`, or `leadId` of a revoke), if it names one as text. */
function leadIdOf(item: unknown): string | null {
  if (typeof item !== 'object' || item === null) return null;
  if ('leadId' in item && typeof item.leadId === 'string') return item.leadId.slice(0, 64);
  if ('lead' in item && typeof item.lead === 'object' && item.lead !== null) {
    const lead = item.lead;
    if ('id' in lead && typeof lead.id === 'string') return lead.id.slice(0, 64);
  }
  return null;
}
