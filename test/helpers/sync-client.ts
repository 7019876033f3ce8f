import { expect } from 'vitest';
import { uuidv7 } from '../../src/shared/ids';
import type { LeadOffer } from '../../src/shared/lead';
import {
  PullResponseSchema,
  SYNC_PROTOCOL_HEADER,
  type Mutation,
  type MutationResult,
} from '../../src/shared/sync-protocol';
import { http } from './http';

/** A lead as a pull sends it, with the claim-mode `offer` the client's schema may not know yet. */
export interface PulledLead {
  readonly id: string;
  readonly status: string;
  readonly assignedTo: string | null;
  readonly attempts: number;
  readonly offer?: LeadOffer | null;
}

export type PulledChange =
  | { readonly type: 'lead'; readonly lead: PulledLead; readonly timeline: readonly unknown[] }
  | { readonly type: 'revoked'; readonly leadId: string; readonly reason: string };

/**
 * Pulls like a rep's client: every page from `cursor` (a snapshot without one). Each page is
 * also checked against the client's own schema, so what the server sends stays readable by apps
 * in the field.
 */
export async function pullAll(
  url: string,
  token: string,
  cursor?: string,
): Promise<{ changes: PulledChange[]; cursor: string }> {
  const changes: PulledChange[] = [];
  let next = cursor;
  for (;;) {
    const query = new URLSearchParams({ limit: '200', ...(next && { cursor: next }) });
    const res = await http<{ cursor: string; hasMore: boolean; changes: PulledChange[] }>(
      'GET',
      `${url}/api/v1/sync/pull?${query.toString()}`,
      { token, headers: { [SYNC_PROTOCOL_HEADER]: '1' } },
    );
    expect(res.status).toBe(200);
    PullResponseSchema.parse(res.body);
    changes.push(...res.body.changes);
    next = res.body.cursor;
    if (!res.body.hasMore) return { changes, cursor: res.body.cursor };
  }
}

/** The leads (by id) a pull says the rep sees, and the ids it revoked. */
export function viewOf(changes: readonly PulledChange[]): {
  leads: Map<string, PulledLead>;
  revoked: Map<string, string>;
} {
  const leads = new Map<string, PulledLead>();
  const revoked = new Map<string, string>();
  for (const c of changes) {
    if (c.type === 'lead') {
      leads.set(c.lead.id, c.lead);
      revoked.delete(c.lead.id);
    } else {
      revoked.set(c.leadId, c.reason);
      leads.delete(c.leadId);
    }
  }
  return { leads, revoked };
}

/** One client install pushing mutations, with consecutive ids. */
export class PushClient {
  readonly clientId = uuidv7();
  private mutationId = 0;

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly clock: () => number,
  ) {}

  /** Pushes one mutation, stamped with the client's clock (or `occurredAt`, to say otherwise). */
  async push(m: Pick<Mutation, 'name' | 'args'>, occurredAt?: number): Promise<MutationResult> {
    const mutation = {
      ...m,
      clientId: this.clientId,
      mutationId: ++this.mutationId,
      occurredAt: new Date(occurredAt ?? this.clock()).toISOString(),
    };
    const res = await http<{ results: MutationResult[] }>('POST', `${this.url}/api/v1/sync/push`, {
      token: this.token,
      body: { protocolVersion: 1, clientId: this.clientId, mutations: [mutation] },
    });
    expect(res.status).toBe(200);
    const [result] = res.body.results;
    if (!result) throw new Error('no result');
    return result;
  }
}
