import type { CommentSubject } from './audits.model.ts';
import type { Db } from './audits.repository.ts';

export function commentsOn(db: Db, subjectType: CommentSubject, subjectId: number) {
  return db
    .selectFrom('comments as c')
    .leftJoin('users as u', 'u.id', 'c.author_id')
    .select(['c.id', 'c.body', 'c.created_at', 'c.author_id', 'u.email as author_email', 'u.name as author_name'])
    .where('c.subject_type', '=', subjectType)
    .where('c.subject_id', '=', subjectId)
    .orderBy('c.id')
    .execute();
}

export async function insertComment(
  db: Db,
  row: { subject_type: CommentSubject; subject_id: number; author_id: number | null; body: string; created_at: string },
): Promise<number> {
  return (await db.insertInto('comments').values(row).returning('id').executeTakeFirstOrThrow()).id;
}
