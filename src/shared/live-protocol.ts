import { z } from 'zod';
import type { Lead } from './lead';
import type { User } from './user';

/**
 * Messages on the live channel (`GET /api/v1/live`, WebSocket, JSON text frames).
 * Server -> client messages form one discriminated union on `type`; later issues add variants
 * (team metrics) without changing existing ones. Clients ignore types they do not know.
 */
export const LIVE_PATH = '/api/v1/live';

/** Browsers cannot set headers on a WebSocket; they pass the token as a second subprotocol. */
export const LIVE_SUBPROTOCOL = 'pounce.v1';
export const LIVE_TOKEN_PROTOCOL_PREFIX = 'pounce.token.';

export type LiveServerMessage =
  | {
      readonly type: 'hello';
      readonly user: User;
      readonly serverTime: string;
      readonly heartbeatSeconds: number;
    }
  | { readonly type: 'lead.assigned'; readonly lead: Lead; readonly reason: string }
  | { readonly type: 'lead.updated'; readonly lead: Lead }
  | { readonly type: 'lead.revoked'; readonly leadId: string; readonly reason: string }
  /**
   * Something about a lead the user should know now, shown as a toast: an SLA step (the rep is
   * reminded, the team lead is told, the rep lost the lead), a repeat inquiry. The lead's new
   * state comes with the next pull.
   */
  | {
      readonly type: 'lead.alert';
      readonly leadId: string;
      readonly kind: LeadAlertKind;
      readonly text: string;
    }
  /** "Something you can see changed; pull." Carries no data a client could act on alone. */
  | { readonly type: 'poke' }
  | { readonly type: 'pong'; readonly id: string }
  | { readonly type: 'error'; readonly error: { readonly code: string; readonly message: string } };

export type LiveServerMessageType = LiveServerMessage['type'];

export const LEAD_ALERT_KINDS = [
  'sla_reminder',
  'sla_breach',
  'sla_reassigned',
  'asked_again',
  'callback_due',
] as const;
export type LeadAlertKind = (typeof LEAD_ALERT_KINDS)[number];

export const LiveClientMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ping'), id: z.string().max(64) }),
]);
export type LiveClientMessage = z.infer<typeof LiveClientMessageSchema>;

/** The largest client frame the server reads; anything bigger closes the socket (1009). */
export const LIVE_MAX_CLIENT_FRAME_BYTES = 16 * 1024;
