import type { Kysely } from 'kysely';
import { idColumn, isPostgres } from './portable.ts';

// Frozen: never edit after release; add a new migration instead.
// Issued reports (each output file's SHA-256, the activity chain head when it was generated) and
// auditors' samples (the population and the seed, so a draw can be shown again).
export async function up(db: Kysely<any>): Promise<void> {
  const pgsql = isPostgres(db);

  await idColumn(db.schema.createTable('reports'), pgsql)
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('framework_id', 'integer', (c) => c.references('frameworks.id'))
    .addColumn('audit_id', 'integer', (c) => c.references('audits.id'))
    .addColumn('params', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('as_of', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('building'))
    .addColumn('progress_done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('progress_total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('chain_head', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .addColumn('created_label', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('reports_created_idx').on('reports').columns(['created_at']).execute();
  await db.schema.createIndex('reports_audit_idx').on('reports').columns(['audit_id']).execute();

  await idColumn(db.schema.createTable('report_files'), pgsql)
    .addColumn('report_id', 'integer', (c) => c.notNull().references('reports.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('report_files_report_idx').on('report_files').column('report_id').execute();
  await db.schema.createIndex('report_files_sha256_idx').on('report_files').column('sha256').execute();

  await idColumn(db.schema.createTable('samples'), pgsql)
    .addColumn('audit_id', 'integer', (c) => c.notNull().references('audits.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('population', 'text', (c) => c.notNull())
    .addColumn('population_size', 'integer', (c) => c.notNull())
    .addColumn('population_sha256', 'text', (c) => c.notNull())
    .addColumn('sample_size', 'integer', (c) => c.notNull())
    .addColumn('seed', 'text', (c) => c.notNull())
    .addColumn('selected', 'text', (c) => c.notNull())
    .addColumn('drawn_by', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('samples_audit_idx').on('samples').column('audit_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['samples', 'report_files', 'reports']) await db.schema.dropTable(table).ifExists().execute();
}
