import type { SourceDeliveriesTable, SourceDeliveryRow } from '../db/schema';
import type { Db } from './db-types';

export type DeliveryStatus = SourceDeliveriesTable['status'];

export const DELIVERY_STATUSES = [
  'accepted',
  'duplicate',
  'test',
  'rejected_verification',
  'invalid',
] as const satisfies readonly DeliveryStatus[];

export async function insertDelivery(db: Db, row: SourceDeliveriesTable): Promise<void> {
  await db.insertInto('source_deliveries').values(row).execute();
}

/** The first delivery (by receipt) with this sender id and one of these statuses, if any. */
function firstDelivery(
  db: Db,
  sourceId: string,
  deliveryId: string,
  statuses: readonly DeliveryStatus[],
): Promise<Pick<SourceDeliveryRow, 'id' | 'status' | 'lead_id'> | undefined> {
  return db
    .selectFrom('source_deliveries')
    .select(['id', 'status', 'lead_id'])
    .where('source_id', '=', sourceId)
    .where('delivery_id', '=', deliveryId)
    .where('status', 'in', [...statuses])
    .orderBy('received_at')
    .orderBy('id')
    .executeTakeFirst();
}

/**
 * The earlier delivery with this sender id that settled it (became a lead, or was a test lead),
 * if any. Rejected and invalid deliveries settle nothing: the sender may send them again once
 * the secret or the mapping is fixed.
 */
export function findSettledDelivery(db: Db, sourceId: string, deliveryId: string) {
  return firstDelivery(db, sourceId, deliveryId, ['accepted', 'test']);
}

/**
 * The first delivery with this sender id whose sender was verified (anything but
 * `rejected_verification`: a forged request must not block the real one), if any.
 */
export function findVerifiedDelivery(db: Db, sourceId: string, deliveryId: string) {
  return firstDelivery(
    db,
    sourceId,
    deliveryId,
    DELIVERY_STATUSES.filter((status) => status !== 'rejected_verification'),
  );
}

/**
 * A source's deliveries, newest first (by `received_at`, the id breaking ties: ids are not
 * times); `beforeId` pages on from the previous page's last.
 */
export function listDeliveries(
  db: Db,
  sourceId: string,
  options: {
    readonly statuses?: readonly DeliveryStatus[] | undefined;
    readonly beforeId?: string | undefined;
    readonly limit: number;
  },
): Promise<SourceDeliveryRow[]> {
  let query = db.selectFrom('source_deliveries').selectAll().where('source_id', '=', sourceId);
  if (options.statuses && options.statuses.length > 0)
    query = query.where('status', 'in', [...options.statuses]);
  const before = options.beforeId;
  if (before !== undefined) {
    // A cursor naming no delivery gives an empty page (the comparison with NULL is never true).
    query = query.where((eb) =>
      eb(
        eb.refTuple('received_at', 'id'),
        '<',
        eb.tuple(
          eb
            .selectFrom('source_deliveries as anchor')
            .select('anchor.received_at')
            .where('anchor.id', '=', before),
          before,
        ),
      ),
    );
  }
  return query.orderBy('received_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
}

/**
 * How many failed deliveries (`rejected_verification`, `invalid`) the source had since `since`,
 * counted up to `cap` (the index on source, status and time keeps it a short range scan).
 */
export async function countFailedSince(
  db: Db,
  sourceId: string,
  since: number,
  cap: number,
): Promise<number> {
  const rows = await db
    .selectFrom('source_deliveries')
    .select('id')
    .where('source_id', '=', sourceId)
    .where('status', 'in', ['rejected_verification', 'invalid'])
    .where('received_at', '>=', since)
    .limit(cap)
    .execute();
  return rows.length;
}
