import type { UserRow } from '../db/schema';
import type { LeadScope } from '../repos/leads';

/**
 * The leads a user may read: an admin all, a team lead their team's, a rep those assigned to them
 * and those offered to them now (claim mode: they may read an offer, and work it once claimed).
 */
export function leadScopeFor(user: UserRow): LeadScope {
  switch (user.role) {
    case 'admin':
      return { kind: 'all' };
    case 'lead':
      return { kind: 'team', teamId: user.team_id };
    case 'rep':
      return { kind: 'assignee', userId: user.id };
  }
}
