import type { Insertable, Kysely, Transaction } from 'kysely';
import type { DB, QuestionnaireAnswersTable, QuestionnairesTable } from '../db/schema.ts';

// All SQL of imported questionnaires and their proposed answers.

type Db = Kysely<DB> | Transaction<DB>;

export async function insertQuestionnaire(db: Db, row: Insertable<QuestionnairesTable>): Promise<number> {
  return (await db.insertInto('questionnaires').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export async function insertAnswers(db: Db, rows: Insertable<QuestionnaireAnswersTable>[]): Promise<void> {
  // In slices: a 20,000-row questionnaire must stay under the drivers' parameter limits.
  for (let i = 0; i < rows.length; i += 200)
    await db
      .insertInto('questionnaire_answers')
      .values(rows.slice(i, i + 200))
      .execute();
}

export function findQuestionnaire(db: Db, id: number) {
  return db
    .selectFrom('questionnaires as q')
    .leftJoin('users as u', 'u.id', 'q.created_by')
    .select(['q.id', 'q.customer', 'q.filename', 'q.media_type', 'q.sha256', 'q.size', 'q.layout', 'q.created_at', 'u.email as created_by_email'])
    .where('q.id', '=', id)
    .executeTakeFirst();
}

export async function listQuestionnaires(db: Db, page: { limit: number; offset: number }) {
  const counts = db
    .selectFrom('questionnaire_answers')
    .select((eb) => [
      'questionnaire_id',
      eb.fn.countAll<number>().as('questions'),
      eb.fn.sum<number>(eb.case().when('entry', 'is not', null).then(1).else(0).end()).as('answered'),
      eb.fn.sum<number>('stale').as('stale'),
    ])
    .groupBy('questionnaire_id')
    .as('c');
  const [rows, total] = await Promise.all([
    db
      .selectFrom('questionnaires as q')
      .leftJoin(counts, 'c.questionnaire_id', 'q.id')
      .select(['q.id', 'q.customer', 'q.filename', 'q.created_at', 'c.questions', 'c.answered', 'c.stale'])
      .orderBy('q.id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    db
      .selectFrom('questionnaires')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

export function answersOf(db: Db, questionnaireId: number) {
  return db.selectFrom('questionnaire_answers').selectAll().where('questionnaire_id', '=', questionnaireId).orderBy('row_number').execute();
}

export function findAnswer(db: Db, questionnaireId: number, row: number) {
  return db.selectFrom('questionnaire_answers').selectAll().where('questionnaire_id', '=', questionnaireId).where('row_number', '=', row).executeTakeFirst();
}

export async function updateAnswer(
  db: Db,
  id: number,
  patch: { answer?: string | null; detail?: string | null; result?: string; status: 'auto' | 'edited' | 'approved' },
): Promise<void> {
  await db.updateTable('questionnaire_answers').set(patch).where('id', '=', id).execute();
}

export async function approveRows(db: Db, ids: number[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 500)
    await db
      .updateTable('questionnaire_answers')
      .set({ status: 'approved' })
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
}
