import type { Kysely } from 'kysely';
import { idColumn, isPostgres } from './portable.ts';

// Frozen: never edit after release; add a new migration instead.
export async function up(db: Kysely<any>): Promise<void> {
  const pgsql = isPostgres(db);

  await idColumn(db.schema.createTable('frameworks'), pgsql)
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('edition', 'text', (c) => c.notNull())
    .addColumn('publisher', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('loaded_at', 'text', (c) => c.notNull())
    .execute();

  await idColumn(db.schema.createTable('requirements'), pgsql)
    .addColumn('framework_id', 'integer', (c) => c.notNull().references('frameworks.id').onDelete('cascade'))
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('parent_ref', 'text')
    .addColumn('assessable', 'integer', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addUniqueConstraint('requirements_framework_ref_unique', ['framework_id', 'ref'])
    .execute();

  await db.schema
    .createTable('requirement_exclusions')
    .addColumn('requirement_id', 'integer', (c) => c.primaryKey().references('requirements.id').onDelete('cascade'))
    .addColumn('justification', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('control_domains')
    .addColumn('slug', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .execute();

  await idColumn(db.schema.createTable('controls'), pgsql)
    .addColumn('ref', 'text', (c) => c.notNull().unique())
    .addColumn('domain', 'text', (c) => c.notNull().references('control_domains.slug'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('frequency', 'text', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('evidence_hint', 'text', (c) => c.notNull())
    .addColumn('applicable', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('applicability_note', 'text')
    .addColumn('app_edited', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('retired_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('controls_domain_idx').on('controls').column('domain').execute();

  await idColumn(db.schema.createTable('mappings'), pgsql)
    .addColumn('control_id', 'integer', (c) => c.notNull().references('controls.id').onDelete('cascade'))
    .addColumn('requirement_id', 'integer', (c) => c.notNull().references('requirements.id').onDelete('cascade'))
    .addColumn('relationship', 'text', (c) => c.notNull())
    .addColumn('strength', 'integer')
    .addColumn('rationale', 'text')
    .addUniqueConstraint('mappings_control_requirement_unique', ['control_id', 'requirement_id'])
    .execute();
  await db.schema.createIndex('mappings_requirement_idx').on('mappings').column('requirement_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['mappings', 'controls', 'control_domains', 'requirement_exclusions', 'requirements', 'frameworks']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
