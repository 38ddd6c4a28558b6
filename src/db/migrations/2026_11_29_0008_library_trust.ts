import type { Kysely } from 'kysely';
import { idColumn, isPostgres } from './portable.ts';

// Frozen: never edit after release; add a new migration instead.
// A library an auditor can trust:
// - a control retired because another absorbed its practice names the survivor, which took over its
//   evidence links (the old links stay, so its history still reads as it happened);
// - a framework says whether its numbering is the publisher's or provisional (assigned by Attest),
//   and whether its catalog came with Attest or was imported by the team (then `controls load`
//   leaves it alone);
// - when a team replaces a catalog, how old requirement refs map to new ones, so mappings in the
//   shipped control files keep finding their requirements.
export async function up(db: Kysely<any>): Promise<void> {
  const pgsql = isPostgres(db);
  await db.schema.alterTable('controls').addColumn('merged_into', 'text').execute();
  await db.schema
    .alterTable('frameworks')
    .addColumn('numbering', 'text', (c) => c.notNull().defaultTo('publisher'))
    .execute();
  await db.schema
    .alterTable('frameworks')
    .addColumn('origin', 'text', (c) => c.notNull().defaultTo('shipped'))
    .execute();
  await idColumn(db.schema.createTable('requirement_ref_map'), pgsql)
    .addColumn('framework_id', 'integer', (c) => c.notNull().references('frameworks.id').onDelete('cascade'))
    .addColumn('old_ref', 'text', (c) => c.notNull())
    .addColumn('new_ref', 'text')
    .execute();
  await db.schema.createIndex('requirement_ref_map_key').on('requirement_ref_map').columns(['framework_id', 'old_ref']).unique().execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('requirement_ref_map').ifExists().execute();
  await db.schema.alterTable('frameworks').dropColumn('origin').execute();
  await db.schema.alterTable('frameworks').dropColumn('numbering').execute();
  await db.schema.alterTable('controls').dropColumn('merged_into').execute();
}
