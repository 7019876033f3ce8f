import { z } from 'zod';
import { LEAD_TIERS } from './lead';

/*
 * The team-lead live board on the live channel (server -> client): one `board.snapshot` of a
 * team when the board opens, then `board.delta` messages carrying only what changed. Definitions
 * of every figure: docs/metrics.md.
 *
 * Times are epoch milliseconds (UTC) and durations are milliseconds, not ISO strings as in the
 * lead API: deltas are frequent and the board computes ages with its own ticker from them
 * (age = now - oldestUntouchedAt), so numbers spare a parse per cell and per second.
 *
 * Forward compatibility: objects are non-strict (`z.object` drops keys it does not know), and
 * `parseBoardMessage` drops change kinds it does not know, so a newer server can add figures
 * and kinds without breaking an older board.
 *
 *   const message = parseBoardMessage(JSON.parse(frame));
 *   if (message?.type === 'board.delta' && message.version === board.version + 1) apply(message);
 */

/**
 * What a rep is doing now, by precedence: `away` (inside an away period) over `offline` (no
 * live connection) over `receiving` (connected, receiving leads on) over `online` (connected,
 * receiving leads off).
 */
export const PRESENCE_STATES = ['offline', 'online', 'receiving', 'away'] as const;
export type PresenceState = (typeof PRESENCE_STATES)[number];

const ms = z.number().int();
const count = z.number().int().nonnegative();

/** The day's counters, the same for a rep (their own actions) and a team (its leads). */
const DailyFiguresShape = {
  /** The team's calendar day these counters are for, "YYYY-MM-DD" in the team's zone. */
  day: z.string(),
  slaBreaches: count,
  attempts: count,
  connects: count,
  /** connects / attempts; null when there were no attempts. */
  contactRate: z.number().min(0).max(1).nullable(),
  qualified: count,
  meetingsBooked: count,
  /** First touches today: how many samples the speed-to-lead percentiles are over. */
  firstTouches: count,
  /** Nearest-rank median and 90th percentile of time to first touch, ms; null with none. */
  speedToLeadP50Ms: ms.nullable(),
  speedToLeadP90Ms: ms.nullable(),
};

/** What is open now. */
const QueueFiguresShape = {
  /** Open leads held: status assigned or working. */
  openQueue: count,
  /** Held and not touched yet (no outcome logged). */
  untouched: count,
  /** receivedAt of the oldest untouched lead, epoch ms; null when none. */
  oldestUntouchedAt: ms.nullable(),
};

export const RepFiguresSchema = z.object({
  ...DailyFiguresShape,
  ...QueueFiguresShape,
  presence: z.enum(PRESENCE_STATES),
  /** When `presence` last changed, epoch ms. */
  presenceSince: ms,
});
export type RepFigures = z.infer<typeof RepFiguresSchema>;

export const TeamFiguresSchema = z.object({
  ...DailyFiguresShape,
  ...QueueFiguresShape,
  /** Start of `day` in the team's zone, epoch ms. */
  dayStartAt: ms,
  /** Sales-ready leads waiting for a rep (including leads on offer in claim mode). */
  unassigned: count,
  oldestUnassignedAt: ms.nullable(),
  /** The team's leads back with marketing (status nurture). */
  nurture: count,
  /** Reps on the board in each presence state. */
  repsOffline: count,
  repsOnline: count,
  repsReceiving: count,
  repsAway: count,
});
export type TeamFigures = z.infer<typeof TeamFiguresSchema>;

/** An open, untouched lead near its SLA deadline (the first-touch target, `alert_lead`). */
export const AtRiskEntrySchema = z.object({
  leadId: z.string(),
  repId: z.string(),
  tier: z.enum(LEAD_TIERS),
  receivedAt: ms,
  /** The deadline, epoch ms; in the past when already breached (still untouched). */
  slaDueAt: ms,
});
export type AtRiskEntry = z.infer<typeof AtRiskEntrySchema>;

export const BoardRepSchema = RepFiguresSchema.extend({ repId: z.string() });
export type BoardRep = z.infer<typeof BoardRepSchema>;

export const BoardSnapshotMessageSchema = z.object({
  type: z.literal('board.snapshot'),
  teamId: z.string(),
  /** Deltas for this team carry version + 1, + 2, ...: a gap means "ask for a snapshot". */
  version: count,
  /** Server time the snapshot is for, epoch ms. */
  at: ms,
  /** The IANA zone "today" is read in. */
  zone: z.string(),
  team: TeamFiguresSchema,
  /** Ordered by repId. */
  reps: z.array(BoardRepSchema),
  /** Ordered by slaDueAt, then leadId; at most the configured size. */
  atRisk: z.array(AtRiskEntrySchema),
});
export type BoardSnapshotMessage = z.infer<typeof BoardSnapshotMessageSchema>;

export const BoardChangeSchema = z.discriminatedUnion('kind', [
  /** Team figures that changed, with their new values. */
  z.object({ kind: z.literal('team'), set: TeamFiguresSchema.partial() }),
  /** A rep's figures that changed; a rep the board does not know comes with every figure. */
  z.object({ kind: z.literal('rep'), repId: z.string(), set: RepFiguresSchema.partial() }),
  /** The rep left the team's board (moved team, no longer a rep). */
  z.object({ kind: z.literal('rep.removed'), repId: z.string() }),
  /** The at-risk list changed: the whole new list (it is short). */
  z.object({ kind: z.literal('atRisk'), entries: z.array(AtRiskEntrySchema) }),
]);
export type BoardChange = z.infer<typeof BoardChangeSchema>;

export const BoardDeltaMessageSchema = z.object({
  type: z.literal('board.delta'),
  teamId: z.string(),
  version: count,
  at: ms,
  changes: z.array(BoardChangeSchema),
});
export type BoardDeltaMessage = z.infer<typeof BoardDeltaMessageSchema>;

export type BoardServerMessage = BoardSnapshotMessage | BoardDeltaMessage;

const Envelope = z.object({ type: z.string() });
const KindOnly = z.object({ kind: z.string() });
const DeltaEnvelope = BoardDeltaMessageSchema.extend({ changes: z.array(z.unknown()) });
const KNOWN_KINDS: ReadonlySet<string> = new Set(
  BoardChangeSchema.options.map((o) => o.shape.kind.value),
);

/**
 * A board message from a live frame's parsed JSON, or null when it is not one (another live
 * message type, or malformed). Change kinds a newer server added are dropped, not fatal.
 */
export function parseBoardMessage(raw: unknown): BoardServerMessage | null {
  const envelope = Envelope.safeParse(raw);
  if (!envelope.success) return null;
  if (envelope.data.type === 'board.snapshot') {
    const snapshot = BoardSnapshotMessageSchema.safeParse(raw);
    return snapshot.success ? snapshot.data : null;
  }
  if (envelope.data.type !== 'board.delta') return null;
  const delta = DeltaEnvelope.safeParse(raw);
  if (!delta.success) return null;
  const changes: BoardChange[] = [];
  for (const change of delta.data.changes) {
    const kind = KindOnly.safeParse(change);
    if (!kind.success || !KNOWN_KINDS.has(kind.data.kind)) continue;
    const parsed = BoardChangeSchema.safeParse(change);
    if (!parsed.success) return null;
    changes.push(parsed.data);
  }
  return { ...delta.data, changes };
}
