import { withActivity } from '../activity/activity.service.ts';
import { authorize } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { AppError } from '../http/errors.ts';
import type { CommentSubject } from './audits.model.ts';
import type { Db } from './audits.repository.ts';
import { auditOr404, inAudit } from './audits.rules.ts';
import * as repo from './comments.repository.ts';
import { findFinding } from './findings.repository.ts';
import { findRequest } from './requests.repository.ts';

export interface CommentSubjectRef {
  type: CommentSubject;
  auditId: number;
  /** The audit's id for type 'audit'; the finding's or the request's otherwise. */
  id: number;
}

export interface Comment {
  id: number;
  body: string;
  author: { id: number | null; email: string | null; name: string | null };
  createdAt: string;
}

/** The subject exists and belongs to the audit; its ref, for the trail. */
async function subjectOr404(db: Db, s: CommentSubjectRef): Promise<{ ref: string; auditClosed: boolean }> {
  const audit = await auditOr404(db, s.auditId);
  const closed = audit.status === 'closed';
  if (s.type === 'audit') return { ref: `audit ${audit.id}`, auditClosed: closed };
  const row = s.type === 'finding' ? await findFinding(db, s.auditId, s.id) : await findRequest(db, s.auditId, s.id);
  if (!row) throw AppError.notFound(s.type === 'finding' ? 'Finding' : 'Evidence request');
  return { ref: row.ref, auditClosed: closed };
}

export async function listComments(ctx: AppContext, principal: Principal, subject: CommentSubjectRef): Promise<Comment[]> {
  authorize(principal, 'audits.read', inAudit(ctx, subject.auditId));
  await subjectOr404(ctx.db, subject);
  const rows = await repo.commentsOn(ctx.db, subject.type, subject.type === 'audit' ? subject.auditId : subject.id);
  return rows.map((r) => ({ id: r.id, body: r.body, author: { id: r.author_id, email: r.author_email, name: r.author_name }, createdAt: r.created_at }));
}

/**
 * Adds a comment; recorded. A closed audit's thread and its requests' threads are closed with it;
 * findings stay open to comments, since their follow-up outlives the audit.
 */
export async function addComment(ctx: AppContext, principal: Principal, subject: CommentSubjectRef, body: string): Promise<number> {
  authorize(principal, 'audits.participate', inAudit(ctx, subject.auditId));
  return withActivity(
    ctx,
    principal,
    async (trx) => {
      const { ref, auditClosed } = await subjectOr404(trx, subject);
      if (auditClosed && subject.type !== 'finding') throw AppError.conflict('This audit is closed; its threads are closed too.', 'body');
      const id = await repo.insertComment(trx, {
        subject_type: subject.type,
        subject_id: subject.type === 'audit' ? subject.auditId : subject.id,
        author_id: principal.userId,
        body,
        created_at: ctx.clock().toISOString(),
      });
      return { id, ref };
    },
    (c) => ({
      action: 'comment.added',
      subjectType: subject.type,
      subjectId: subject.type === 'audit' ? subject.auditId : subject.id,
      details: { comment_id: c.id, audit_id: subject.auditId, ref: c.ref, body },
    }),
  ).then((c) => c.id);
}
