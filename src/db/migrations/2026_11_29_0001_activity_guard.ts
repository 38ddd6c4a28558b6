import { sql, type Kysely } from 'kysely';
import { isPostgres } from './portable.ts';

// Frozen: never edit after release; add a new migration instead.
//
// The activity trail is append-only. The hash chain shows a record altered or removed in the
// middle, but not the newest records removed, nor the tail rewritten with fresh hashes; so the
// database itself refuses UPDATE, DELETE (and on PostgreSQL TRUNCATE) of activity. Someone with
// the right to drop triggers can still get round this; checkpoints kept outside the database
// (`attest activity checkpoint`) catch that.
export async function up(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    // Created unqualified, so it lands in the current schema next to the table it guards.
    await sql`
      create function activity_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'activity records are append-only (% refused)', tg_op;
      end;
      $$`.execute(db);
    await sql`
      create trigger activity_no_update_delete before update or delete on activity
      for each row execute function activity_append_only()`.execute(db);
    await sql`
      create trigger activity_no_truncate before truncate on activity
      for each statement execute function activity_append_only()`.execute(db);
    return;
  }
  // SQLite has no TRUNCATE: an unqualified DELETE goes through the DELETE trigger (a table with
  // triggers never takes the truncate shortcut).
  await sql`
    create trigger activity_no_update before update on activity
    begin select raise(abort, 'activity records are append-only'); end`.execute(db);
  await sql`
    create trigger activity_no_delete before delete on activity
    begin select raise(abort, 'activity records are append-only'); end`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    await sql`drop trigger if exists activity_no_truncate on activity`.execute(db);
    await sql`drop trigger if exists activity_no_update_delete on activity`.execute(db);
    await sql`drop function if exists activity_append_only()`.execute(db);
    return;
  }
  await sql`drop trigger if exists activity_no_delete`.execute(db);
  await sql`drop trigger if exists activity_no_update`.execute(db);
}
