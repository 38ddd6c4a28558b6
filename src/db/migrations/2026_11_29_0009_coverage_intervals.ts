import { type Kysely, sql } from 'kysely';
import { isPostgres } from './portable.ts';

// Frozen: never edit after release; add a new migration instead.
// Coverage whose cost does not grow with the evidence: per control, the day ranges its accepted,
// current evidence covers (overlapping items merged), kept in the same transaction as every review,
// new version and merge; coverage on a day reads these few hundred rows instead of the evidence.
// And a version per kind of change, stored in the database so that several server processes
// sharing it forget cached coverage exactly when something coverage depends on has changed.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('control_intervals')
    .addColumn('control_id', 'integer', (c) => c.notNull().references('controls.id').onDelete('cascade'))
    .addColumn('valid_from', 'text', (c) => c.notNull())
    .addColumn('valid_until', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('control_intervals_control_idx').on('control_intervals').column('control_id').execute();
  await db.schema.createIndex('control_intervals_until_idx').on('control_intervals').columns(['valid_until', 'valid_from']).execute();
  await db.schema
    .createTable('change_versions')
    .addColumn('scope', 'text', (c) => c.primaryKey())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.insertInto('change_versions').values({ scope: 'coverage', version: 0 }).execute();
  // The intervals of the evidence already recorded: gaps and islands per control (an item starts a
  // new island when it begins more than a day after every earlier item of the control has ended).
  const dayAfter = isPostgres(db) ? sql.raw(`to_char(before_end::date + 1, 'YYYY-MM-DD')`) : sql.raw(`date(before_end, '+1 day')`);
  await sql`
    insert into control_intervals (control_id, valid_from, valid_until)
    with items as (
      select ec.control_id, e.collected_at as s, e.valid_until as f
      from evidence e join evidence_controls ec on ec.evidence_id = e.id
      where e.status = 'accepted' and e.superseded_by_id is null and e.collected_at <= e.valid_until
    ), ordered as (
      select control_id, s, f,
        max(f) over (partition by control_id order by s, f rows between unbounded preceding and 1 preceding) as before_end
      from items
    ), flagged as (
      select control_id, s, f, case when before_end is null or ${dayAfter} < s then 1 else 0 end as starts from ordered
    ), islands as (
      select control_id, s, f, sum(starts) over (partition by control_id order by s, f rows unbounded preceding) as island from flagged
    )
    select control_id, min(s), max(f) from islands group by control_id, island
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('change_versions').ifExists().execute();
  await db.schema.dropTable('control_intervals').ifExists().execute();
}
