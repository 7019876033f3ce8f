import type { PresenceState } from '../../../src/shared/board-protocol';

/*
 * A rep's presence on the board, from three facts the server already keeps apart: a live
 * connection (hub.ts), the "receiving leads" switch (users.receiving_leads) and an away period
 * under way (lifecycle/away.ts). One state is shown, by precedence:
 *
 *   away > offline > receiving > online
 *
 * Away first: a planned absence explains everything else (the team lead should not chase an
 * away rep who is also offline). Offline next: with no connection the rep cannot be told of a
 * lead, so a switch left on means nothing. Connected, the switch says whether leads reach them.
 */

export interface PresenceFacts {
  readonly connected: boolean;
  readonly receivingLeads: boolean;
  readonly away: boolean;
}

export function presenceOf(facts: PresenceFacts): PresenceState {
  if (facts.away) return 'away';
  if (!facts.connected) return 'offline';
  return facts.receivingLeads ? 'receiving' : 'online';
}
