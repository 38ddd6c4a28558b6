import type { Kysely } from 'kysely';
import { idColumn, isPostgres } from './portable.ts';

// Frozen: never edit after release; add a new migration instead.
// Review of questionnaire answers: who an answer is assigned to, the comments on it, and the
// customers' phrasings that approved answers taught the answer library (learned variants).
export async function up(db: Kysely<any>): Promise<void> {
  const pgsql = isPostgres(db);

  await db.schema
    .alterTable('questionnaire_answers')
    .addColumn('assignee_id', 'integer', (c) => c.references('users.id'))
    .execute();

  await idColumn(db.schema.createTable('questionnaire_comments'), pgsql)
    .addColumn('answer_id', 'integer', (c) => c.notNull().references('questionnaire_answers.id').onDelete('cascade'))
    .addColumn('author_id', 'integer', (c) => c.references('users.id'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('questionnaire_comments_answer_idx').on('questionnaire_comments').column('answer_id').execute();

  await idColumn(db.schema.createTable('answer_variants'), pgsql)
    .addColumn('entry', 'text', (c) => c.notNull())
    .addColumn('question', 'text', (c) => c.notNull())
    // Normalised text (lower case, single spaces), so one phrasing is learned once per entry.
    .addColumn('question_key', 'text', (c) => c.notNull())
    .addColumn('questionnaire_id', 'integer', (c) => c.references('questionnaires.id').onDelete('set null'))
    .addColumn('row_number', 'integer')
    .addColumn('added_by', 'integer', (c) => c.references('users.id'))
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addColumn('removed_at', 'text')
    .addColumn('removed_by', 'integer', (c) => c.references('users.id'))
    .execute();
  await db.schema.createIndex('answer_variants_entry_key_idx').on('answer_variants').columns(['entry', 'question_key']).unique().execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('answer_variants').ifExists().execute();
  await db.schema.dropTable('questionnaire_comments').ifExists().execute();
  await db.schema.alterTable('questionnaire_answers').dropColumn('assignee_id').execute();
}
