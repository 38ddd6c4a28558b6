import type { Kysely } from 'kysely';
import { idColumn, isPostgres } from './portable.ts';

// Frozen: never edit after release; add a new migration instead.
// Customers' questionnaires as imported (the original file content-addressed, what was detected)
// and the answer proposed for each question.
export async function up(db: Kysely<any>): Promise<void> {
  const pgsql = isPostgres(db);

  await idColumn(db.schema.createTable('questionnaires'), pgsql)
    .addColumn('customer', 'text', (c) => c.notNull())
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('layout', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await idColumn(db.schema.createTable('questionnaire_answers'), pgsql)
    .addColumn('questionnaire_id', 'integer', (c) => c.notNull().references('questionnaires.id').onDelete('cascade'))
    .addColumn('row_number', 'integer', (c) => c.notNull())
    .addColumn('ref', 'text')
    .addColumn('question', 'text', (c) => c.notNull())
    .addColumn('answer', 'text')
    .addColumn('detail', 'text')
    .addColumn('confidence', 'real', (c) => c.notNull())
    .addColumn('entry', 'text')
    .addColumn('stale', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('auto'))
    .execute();
  await db.schema.createIndex('questionnaire_answers_q_idx').on('questionnaire_answers').columns(['questionnaire_id', 'row_number']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['questionnaire_answers', 'questionnaires']) await db.schema.dropTable(table).ifExists().execute();
}
