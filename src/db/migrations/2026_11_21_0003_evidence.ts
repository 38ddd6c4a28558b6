import type { Kysely } from 'kysely';
import { idColumn, isPostgres } from './portable.ts';

// Frozen: never edit after release; add a new migration instead.
export async function up(db: Kysely<any>): Promise<void> {
  const pgsql = isPostgres(db);

  await idColumn(db.schema.createTable('evidence'), pgsql)
    // The id of the first version: every version of one evidence item shares it.
    .addColumn('lineage_id', 'integer')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('supersedes_id', 'integer', (c) => c.references('evidence.id'))
    .addColumn('superseded_by_id', 'integer', (c) => c.references('evidence.id'))
    .addColumn('superseded_at', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('link_url', 'text')
    .addColumn('collected_at', 'text', (c) => c.notNull())
    .addColumn('valid_until', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('submitter_id', 'integer', (c) => c.references('users.id'))
    .addColumn('submitted_at', 'text', (c) => c.notNull())
    .addColumn('reviewer_id', 'integer', (c) => c.references('users.id'))
    .addColumn('reviewed_at', 'text')
    .addColumn('review_comment', 'text')
    .addColumn('import_id', 'text')
    .execute();
  // Coverage asks: which current, accepted evidence is valid on day D?
  await db.schema.createIndex('evidence_validity_idx').on('evidence').columns(['status', 'superseded_by_id', 'valid_until', 'collected_at']).execute();
  await db.schema.createIndex('evidence_lineage_idx').on('evidence').column('lineage_id').execute();

  await db.schema
    .createTable('evidence_controls')
    .addColumn('evidence_id', 'integer', (c) => c.notNull().references('evidence.id').onDelete('cascade'))
    .addColumn('control_id', 'integer', (c) => c.notNull().references('controls.id'))
    .addPrimaryKeyConstraint('evidence_controls_pk', ['evidence_id', 'control_id'])
    .execute();
  await db.schema.createIndex('evidence_controls_control_idx').on('evidence_controls').columns(['control_id', 'evidence_id']).execute();

  await idColumn(db.schema.createTable('evidence_files'), pgsql)
    .addColumn('evidence_id', 'integer', (c) => c.notNull().references('evidence.id').onDelete('cascade'))
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('uploaded_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('evidence_files_evidence_idx').on('evidence_files').column('evidence_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['evidence_files', 'evidence_controls', 'evidence']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
