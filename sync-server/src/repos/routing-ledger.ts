import type { Db } from './db-types';

export interface LedgerEntry {
  readonly userId: string;
  readonly pass: number;
  readonly assignedCount: number;
}

export async function readLedger(
  db: Db,
  teamId: string,
  userIds: readonly string[],
): Promise<Map<string, LedgerEntry>> {
  const entries = new Map<string, LedgerEntry>();
  if (userIds.length === 0) return entries;
  const rows = await db
    .selectFrom('routing_ledger')
    .select(['user_id', 'pass', 'assigned_count'])
    .where('team_id', '=', teamId)
    .where('user_id', 'in', [...userIds])
    .execute();
  for (const r of rows)
    entries.set(r.user_id, {
      userId: r.user_id,
      pass: Number(r.pass),
      assignedCount: Number(r.assigned_count),
    });
  return entries;
}

export async function writeLedgerEntry(db: Db, teamId: string, entry: LedgerEntry): Promise<void> {
  await db
    .insertInto('routing_ledger')
    .values({
      team_id: teamId,
      user_id: entry.userId,
      pass: entry.pass,
      assigned_count: entry.assignedCount,
    })
    .onConflict((oc) =>
      oc
        .columns(['team_id', 'user_id'])
        .doUpdateSet({ pass: entry.pass, assigned_count: entry.assignedCount }),
    )
    .execute();
}

export async function readVirtualTime(db: Db, teamId: string): Promise<number> {
  const row = await db
    .selectFrom('routing_clock')
    .select('virtual_time')
    .where('team_id', '=', teamId)
    .executeTakeFirst();
  return row ? Number(row.virtual_time) : 0;
}

export async function writeVirtualTime(db: Db, teamId: string, virtualTime: number): Promise<void> {
  await db
    .insertInto('routing_clock')
    .values({ team_id: teamId, virtual_time: virtualTime })
    .onConflict((oc) => oc.column('team_id').doUpdateSet({ virtual_time: virtualTime }))
    .execute();
}
