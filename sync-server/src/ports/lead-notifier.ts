import type { Lead } from '../../../src/shared/lead';

/** Tells users' live connections about their leads (the live hub implements it). */
export interface LeadNotifier {
  /** A lead is now theirs; the lead travels with the message. */
  leadAssigned(userId: string, lead: Lead, reason: string): void;
  /** A lead left them (reassigned): their app takes it out of the queue and says why. */
  leadRevoked(userId: string, leadId: string, reason: string): void;
  /** Something they can see changed: pull. */
  poke(userId: string): void;
}
