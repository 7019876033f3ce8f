import type { Lead } from '../../../src/shared/lead';

/** Tells a rep's live connections about a lead that is now theirs (the live hub implements it). */
export interface LeadNotifier {
  leadAssigned(userId: string, lead: Lead, reason: string): void;
}
