import { withActivity } from '../activity/activity.service.ts';
import { authorize } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { AppError } from '../http/errors.ts';
import * as repo from './audits.repository.ts';
import { auditOr404, openAuditOr409 } from './audits.rules.ts';
import type { UserRef } from './audits.schema.ts';

export interface Assignment {
  id: number;
  user: { id: number; email: string; name: string };
  accessFrom: string;
  accessUntil: string;
  createdAt: string;
}

/** The auditors assigned to the audit (removed assignments are kept in the table, not shown). */
export async function listAssignments(ctx: AppContext, principal: Principal, auditId: number): Promise<Assignment[]> {
  authorize(principal, 'audits.read');
  await auditOr404(ctx.db, auditId);
  const rows = await repo.assignmentsOf(ctx.db, auditId);
  return rows.map((r) => ({ id: r.id, user: { id: r.user_id, email: r.email, name: r.name }, accessFrom: r.access_from, accessUntil: r.access_until, createdAt: r.created_at }));
}

/** Gives an external auditor access to the audit for a window of days; recorded. */
export async function assignAuditor(ctx: AppContext, principal: Principal, auditId: number, input: { user: UserRef; access_from: string; access_until: string }): Promise<number> {
  authorize(principal, 'audits.edit');
  return withActivity(
    ctx,
    principal,
    async (trx) => {
      await openAuditOr409(trx, auditId);
      const user = 'id' in input.user ? await repo.findUser(trx, input.user.id) : (await repo.usersByEmail(trx, [input.user.email]))[0];
      if (!user || user.disabled_at !== null || user.role !== 'auditor')
        throw AppError.invalid([{ field: 'user', message: 'Choose an active user with the external auditor role.' }]);
      const current = await repo.assignmentsOf(trx, auditId);
      if (current.some((a) => a.user_id === user.id))
        throw AppError.conflict(`${user.email} is already assigned to this audit; remove the assignment first to change its window.`, 'user');
      const id = await repo.insertAssignment(trx, {
        audit_id: auditId,
        user_id: user.id,
        access_from: input.access_from,
        access_until: input.access_until,
        created_at: ctx.clock().toISOString(),
      });
      return { id, email: user.email, userId: user.id };
    },
    (r) => ({
      action: 'audit.auditor_assigned',
      subjectType: 'audit',
      subjectId: auditId,
      details: { assignment_id: r.id, user_id: r.userId, email: r.email, access_from: input.access_from, access_until: input.access_until },
    }),
  ).then((r) => r.id);
}

/** Ends an assignment now; the row stays (removed_at), so the trail keeps who had access when. */
export async function removeAssignment(ctx: AppContext, principal: Principal, auditId: number, assignmentId: number): Promise<void> {
  authorize(principal, 'audits.edit');
  await withActivity(
    ctx,
    principal,
    async (trx) => {
      // Revoking access stays possible on a closed audit.
      await auditOr404(trx, auditId);
      const ended = await repo.endAssignment(trx, auditId, assignmentId, ctx.clock().toISOString());
      if (!ended) throw AppError.notFound('Assignment');
      return ended;
    },
    (r) => ({ action: 'audit.auditor_removed', subjectType: 'audit', subjectId: auditId, details: { assignment_id: assignmentId, user_id: r.user_id } }),
  );
}
