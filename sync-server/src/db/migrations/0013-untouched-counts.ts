import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Each rep's untouched leads (assigned, no outcome yet), counted by triggers on `leads`. The
 * capacity check before every assignment read them by counting the rep's leads (up to their
 * capacity): thousands of index entries per lead when capacity is high and nobody calls, a cost
 * that grew with the leads held (issue 13). Triggers see every write, whichever code path (intake,
 * the router, an outcome, a reassignment, a release, the admin CLI) makes it.
 */
export const m0013_untouched_counts: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('rep_untouched')
      .addColumn('user_id', 'text', (c) => c.primaryKey())
      .addColumn('n', 'integer', (c) => c.notNull())
      .execute();
    await sql`insert into rep_untouched (user_id, n)
      select assigned_to, count(*) from leads
      where status = 'assigned' and assigned_to is not null group by assigned_to`.execute(db);
    await sql`create trigger leads_untouched_insert after insert on leads
      when new.status = 'assigned' and new.assigned_to is not null
      begin
        insert into rep_untouched (user_id, n) values (new.assigned_to, 1)
          on conflict (user_id) do update set n = n + 1;
      end`.execute(db);
    // Off the old holder's count, onto the new one's; an update that changes neither nets zero.
    await sql`create trigger leads_untouched_update after update of status, assigned_to on leads
      when (old.status = 'assigned' and old.assigned_to is not null)
        or (new.status = 'assigned' and new.assigned_to is not null)
      begin
        update rep_untouched set n = n - 1
          where old.status = 'assigned' and user_id = old.assigned_to;
        insert into rep_untouched (user_id, n)
          select new.assigned_to, 1 where new.status = 'assigned' and new.assigned_to is not null
          on conflict (user_id) do update set n = n + 1;
      end`.execute(db);
    await sql`create trigger leads_untouched_delete after delete on leads
      when old.status = 'assigned' and old.assigned_to is not null
      begin
        update rep_untouched set n = n - 1 where user_id = old.assigned_to;
      end`.execute(db);
  },
};
