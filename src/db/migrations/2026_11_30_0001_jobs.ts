import { type Kysely, sql } from 'kysely';

// Frozen: never edit after release; add a new migration instead.
// Long work (CSV imports, report and pack builds) as records in the database: queued by the request
// that asked for it, run by whichever process's worker takes it (on PostgreSQL through a shared
// queue, so several app servers can split the work; on SQLite by the one server), with its progress,
// result or failure here, so any server can show it and a job whose process died is noticed.
const statusCheck = sql`status in ('queued', 'running', 'done', 'failed')`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    /** JSON of the principal the job acts for, as it was when the job was asked for. */
    .addColumn('principal', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('queued').check(statusCheck))
    .addColumn('phase', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('result', 'text')
    .addColumn('error', 'text')
    .addColumn('worker', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('heartbeat_at', 'text')
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('jobs_status_idx').on('jobs').columns(['status', 'heartbeat_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('jobs').ifExists().execute();
}
