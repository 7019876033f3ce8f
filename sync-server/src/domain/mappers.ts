import type { Lead, LeadSignal, ScoreReason } from '../../../src/shared/lead';
import type { Team, User } from '../../../src/shared/user';
import type { TimelineEntry } from '../../../src/shared/sync-protocol';
import type { LeadEventRow, LeadRow, TeamRow, UserRow } from '../db/schema';

const iso = (ms: number) => new Date(Number(ms)).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    teamId: row.team_id,
    weight: Number(row.weight),
    capacity: Number(row.capacity),
    active: Number(row.active) === 1,
    receivingLeads: Number(row.receiving_leads) === 1,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export function toTeam(row: TeamRow): Team {
  return { id: row.id, name: row.name, assignment: row.assignment };
}

export function toLead(row: LeadRow): Lead {
  return {
    id: row.id,
    source: row.source,
    externalId: row.external_id,
    name: row.name,
    email: row.email,
    phone: row.phone,
    company: row.company,
    title: row.title,
    country: row.country,
    region: row.region,
    timezone: row.timezone,
    message: row.message,
    signals: JSON.parse(row.signals) as LeadSignal[],
    fields: JSON.parse(row.fields) as Record<string, string>,
    score: Number(row.score),
    tier: row.tier,
    scoreReasons: JSON.parse(row.score_reasons) as ScoreReason[],
    status: row.status,
    teamId: row.team_id,
    assignedTo: row.assigned_to,
    assignedAt: isoOrNull(row.assigned_at),
    receivedAt: iso(row.received_at),
    firstTouchAt: isoOrNull(row.first_touch_at),
    seenAt: isoOrNull(row.seen_at),
    attempts: Number(row.attempts),
    lastAttemptAt: isoOrNull(row.last_attempt_at),
    lastDisposition: row.last_disposition,
    callbackAt: isoOrNull(row.callback_at),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    inquiries: Number(row.inquiries),
    lastInquiryAt: iso(row.last_inquiry_at),
    nextAttemptAt: isoOrNull(row.next_attempt_at),
    closeReason: row.close_reason,
    offer:
      row.offered_at === null
        ? null
        : { offeredAt: iso(row.offered_at), expiresAt: isoOrNull(row.offer_expires_at) },
  };
}

/** A lead event as timelines show it (the sync protocol's TimelineEntry). */
export function toTimelineEntry(row: LeadEventRow): TimelineEntry {
  return {
    id: row.id,
    type: row.type,
    at: iso(row.at),
    actorId: row.actor_id,
    data: JSON.parse(row.data) as Record<string, unknown>,
  };
}
