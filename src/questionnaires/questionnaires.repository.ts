import type { Insertable, Kysely, Transaction } from 'kysely';
import type { DB, QuestionnaireAnswersTable, QuestionnairesTable } from '../db/schema.ts';

// All SQL of imported questionnaires and their proposed answers.

export type Db = Kysely<DB> | Transaction<DB>;

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

/** People an answer can be assigned to: active users who may work on questionnaires. */
export function assignableUsers(db: Db) {
  return db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'role'])
    .where('disabled_at', 'is', null)
    .where('role', 'in', ['admin', 'grc', 'customer_compliance'])
    .orderBy('name')
    .orderBy('email')
    .execute();
}

export async function setAssignee(db: Db, answerId: number, userId: number | null): Promise<void> {
  await db.updateTable('questionnaire_answers').set({ assignee_id: userId }).where('id', '=', answerId).execute();
}

/** Each answer's review state: status, assignee and how many comments it has. */
export function reviewRows(db: Db, questionnaireId: number) {
  return db
    .selectFrom('questionnaire_answers as a')
    .leftJoin('users as u', 'u.id', 'a.assignee_id')
    .select((eb) => [
      'a.id',
      'a.row_number',
      'a.status',
      'a.assignee_id',
      'u.email as assignee_email',
      'u.name as assignee_name',
      eb.selectFrom('questionnaire_comments as c').select(eb.fn.countAll<number>().as('n')).whereRef('c.answer_id', '=', 'a.id').as('comments'),
    ])
    .where('a.questionnaire_id', '=', questionnaireId)
    .orderBy('a.row_number')
    .execute();
}

export async function insertComment(db: Db, row: { answer_id: number; author_id: number | null; body: string; created_at: string }): Promise<number> {
  return (await db.insertInto('questionnaire_comments').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

/** The comments on the given answers, oldest first. */
export function commentsOn(db: Db, answerIds: number[]) {
  if (answerIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('questionnaire_comments as c')
    .leftJoin('users as u', 'u.id', 'c.author_id')
    .select(['c.id', 'c.answer_id', 'c.body', 'c.created_at', 'u.email as author_email', 'u.name as author_name'])
    .where('c.answer_id', 'in', answerIds)
    .orderBy('c.id')
    .execute();
}

export async function replaceAnswers(db: Db, questionnaireId: number, rows: Insertable<QuestionnaireAnswersTable>[], layout: string): Promise<void> {
  await db.deleteFrom('questionnaire_answers').where('questionnaire_id', '=', questionnaireId).execute();
  await insertAnswers(db, rows);
  await db.updateTable('questionnaires').set({ layout }).where('id', '=', questionnaireId).execute();
}

/** Learned variants still in use (not removed), for the answerer and the library pages. */
export function activeVariants(db: Db, entry?: string) {
  let q = db
    .selectFrom('answer_variants as v')
    .leftJoin('users as u', 'u.id', 'v.added_by')
    .leftJoin('questionnaires as q', 'q.id', 'v.questionnaire_id')
    .select(['v.id', 'v.entry', 'v.question', 'v.questionnaire_id', 'v.row_number', 'v.added_at', 'u.email as added_by_email', 'q.customer'])
    .where('v.removed_at', 'is', null);
  if (entry) q = q.where('v.entry', '=', entry);
  return q.orderBy('v.id').execute();
}

/** Learns a phrasing once per entry: a phrasing already learned, or learned and removed, is left as it is. */
export async function insertVariant(
  db: Db,
  row: { entry: string; question: string; question_key: string; questionnaire_id: number; row_number: number; added_by: number | null; added_at: string },
): Promise<boolean> {
  const inserted = await db
    .insertInto('answer_variants')
    .values(row)
    .onConflict((oc) => oc.columns(['entry', 'question_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export function findVariant(db: Db, id: number) {
  return db.selectFrom('answer_variants').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function retireVariant(db: Db, id: number, by: number | null, at: string): Promise<void> {
  await db.updateTable('answer_variants').set({ removed_at: at, removed_by: by }).where('id', '=', id).execute();
}

/** Answers assigned to this user that are not approved yet, oldest questionnaire first. */
export async function assignedTo(db: Db, userId: number, limit: number) {
  const q = db
    .selectFrom('questionnaire_answers as a')
    .innerJoin('questionnaires as q', 'q.id', 'a.questionnaire_id')
    .where('a.assignee_id', '=', userId)
    .where('a.status', '!=', 'approved');
  const [rows, count] = await Promise.all([
    q.select(['a.questionnaire_id', 'a.row_number', 'a.question', 'a.stale', 'q.customer']).orderBy('a.questionnaire_id').orderBy('a.row_number').limit(limit).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}
