import { withActivity } from '../activity/activity.service.ts';
import { authorize, can } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { inTransaction } from '../db/unit-of-work.ts';
import { getEvidence, listEvidence } from '../evidence/evidence.service.ts';
import { AppError } from '../http/errors.ts';
import type { RequestStatus } from './audits.model.ts';
import { auditOr404, openAuditOr409, throwProblems, inAudit } from './audits.rules.ts';
import { addComment } from './comments.service.ts';
import * as repo from './requests.repository.ts';
import { requestRefs, resolveRequests } from './requests.rules.ts';
import type { RequestInput } from './requests.schema.ts';

export interface LinkedEvidence {
  id: number;
  /** Null for those who may not read evidence: they see that evidence was provided, not what. */
  title: string | null;
  status: string;
  collectedAt: string;
  validUntil: string;
  current: boolean;
}

export interface EvidenceRequest {
  id: number;
  auditId: number;
  ref: string;
  title: string;
  description: string;
  requirement: { framework: string; ref: string; name: string } | null;
  control: { ref: string; title: string } | null;
  assignee: { id: number; email: string; name: string } | null;
  dueOn: string;
  status: RequestStatus;
  evidence: LinkedEvidence[];
  createdAt: string;
  updatedAt: string;
}

/** open → submitted → accepted, or returned and then submitted again. */
const requestMoves: Record<RequestStatus, RequestStatus[]> = { open: ['submitted'], submitted: ['accepted', 'returned'], returned: ['submitted'], accepted: [] };

function toRequest(row: repo.RequestRow, links: Awaited<ReturnType<typeof repo.linkedEvidence>>, seesEvidence: boolean): EvidenceRequest {
  return {
    id: row.id,
    auditId: row.audit_id,
    ref: row.ref,
    title: row.title,
    description: row.description,
    requirement: row.requirement_ref !== null ? { framework: row.framework_slug ?? '', ref: row.requirement_ref, name: row.requirement_name ?? '' } : null,
    control: row.control_ref !== null ? { ref: row.control_ref, title: row.control_title ?? '' } : null,
    assignee: row.assignee_id !== null && row.assignee_email !== null ? { id: row.assignee_id, email: row.assignee_email, name: row.assignee_name ?? '' } : null,
    dueOn: row.due_on,
    status: row.status,
    evidence: links
      .filter((l) => l.request_id === row.id)
      .map((l) => ({
        id: l.id,
        title: seesEvidence ? l.title : null,
        status: l.status,
        collectedAt: l.collected_at,
        validUntil: l.valid_until,
        current: l.superseded_by_id === null,
      })),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function listRequests(ctx: AppContext, principal: Principal, auditId: number): Promise<EvidenceRequest[]> {
  authorize(principal, 'audits.read', inAudit(ctx, auditId));
  await auditOr404(ctx.db, auditId);
  const rows = await repo.requestsOf(ctx.db, auditId);
  const links = await repo.linkedEvidence(
    ctx.db,
    rows.map((r) => r.id),
  );
  // Evidence linked to the audit's requests is the audit's: its assigned auditors see the titles too.
  return rows.map((r) => toRequest(r, links, can(principal, 'evidence.read', inAudit(ctx, auditId))));
}

export async function getRequest(ctx: AppContext, principal: Principal, auditId: number, requestId: number): Promise<EvidenceRequest> {
  authorize(principal, 'audits.read', inAudit(ctx, auditId));
  const row = await repo.findRequest(ctx.db, auditId, requestId);
  if (!row) throw AppError.notFound('Evidence request');
  return toRequest(row, await repo.linkedEvidence(ctx.db, [row.id]), can(principal, 'evidence.read', inAudit(ctx, auditId)));
}

/** Raises one request on an open audit; its ref (R-1 …) is allocated inside the transaction. */
export async function createRequest(ctx: AppContext, principal: Principal, auditId: number, input: RequestInput): Promise<number> {
  authorize(principal, 'audits.participate', inAudit(ctx, auditId));
  const now = ctx.clock().toISOString();
  const created = await withActivity(
    ctx,
    principal,
    async (trx) => {
      await openAuditOr409(trx, auditId);
      const { resolved, problems } = await resolveRequests(trx, auditId, [input]);
      throwProblems(problems[0] ?? []);
      const r = resolved[0]!;
      const ref = requestRefs(await repo.refsOf(trx, auditId))(0);
      const [id] = await repo.insertRequests(trx, [
        {
          audit_id: auditId,
          ref,
          title: input.title,
          description: input.description ?? '',
          requirement_id: r.requirementId,
          control_id: r.controlId,
          assignee_id: r.assigneeId,
          due_on: input.due_on,
          status: 'open',
          created_by: principal.userId,
          created_at: now,
          updated_at: now,
        },
      ]);
      return { id: id!, ref, assigneeId: r.assigneeId };
    },
    (c) => ({
      action: 'request.created',
      subjectType: 'evidence_request',
      subjectId: c.id,
      details: {
        audit_id: auditId,
        ref: c.ref,
        title: input.title,
        requirement: input.requirement ?? null,
        control: input.control ?? null,
        due_on: input.due_on,
        assignee_id: c.assigneeId,
      },
    }),
  );
  return created.id;
}

/**
 * Links existing evidence to the request; an open or returned request becomes submitted in the
 * same unit of work. The evidence is read through the evidence service inside that transaction.
 */
export async function linkEvidence(
  ctx: AppContext,
  principal: Principal,
  auditId: number,
  requestId: number,
  evidenceIds: number[],
): Promise<{ linked: number[]; submitted: boolean }> {
  authorize(principal, 'audits.participate');
  return withActivity(
    ctx,
    principal,
    async (trx) => {
      await openAuditOr409(trx, auditId);
      const row = await repo.findRequest(trx, auditId, requestId);
      if (!row) throw AppError.notFound('Evidence request');
      if (row.status === 'accepted') throw AppError.conflict('This request was accepted; it takes no more evidence.', 'evidence');
      const scoped = inTransaction(ctx, trx);
      const problems: string[] = [];
      for (const id of evidenceIds) {
        const e = await getEvidence(scoped, principal, id).catch((err: unknown) => {
          if (err instanceof AppError && err.code === 'not_found') return undefined;
          throw err;
        });
        if (!e) problems.push(`no evidence ${id}`);
        else if (!e.current) problems.push(`evidence ${id} has a newer version (${e.supersededById}); link that one`);
        else if (e.status === 'rejected') problems.push(`evidence ${id} was rejected`);
      }
      if (problems.length) throw AppError.invalid([{ field: 'evidence', message: `Cannot link: ${problems.slice(0, 5).join('; ')}.` }]);
      const already = new Set((await repo.linkedEvidence(trx, [requestId])).map((l) => l.id));
      const linked = [...new Set(evidenceIds)].filter((id) => !already.has(id));
      if (linked.length === 0) throw AppError.conflict('That evidence is already linked to this request.', 'evidence');
      await repo.linkEvidence(trx, requestId, linked);
      const submit = row.status === 'open' || row.status === 'returned';
      if (submit && !(await repo.moveStatus(trx, requestId, row.status, 'submitted', ctx.clock().toISOString())))
        throw AppError.conflict('The request changed meanwhile; reload and try again.');
      return { linked, submitted: submit, from: row.status, ref: row.ref };
    },
    (r) => [
      { action: 'request.evidence_linked', subjectType: 'evidence_request', subjectId: requestId, details: { audit_id: auditId, ref: r.ref, evidence_ids: r.linked } },
      ...(r.submitted
        ? [
            {
              action: 'request.status_changed' as const,
              subjectType: 'evidence_request',
              subjectId: requestId,
              details: { audit_id: auditId, ref: r.ref, from: r.from, to: 'submitted' },
            },
          ]
        : []),
    ],
  ).then((r) => ({ linked: r.linked, submitted: r.submitted }));
}

/**
 * Accepts, returns (with a reason, added to the thread in the same transaction) or resubmits a
 * request. Submitting needs linked evidence.
 */
export async function changeRequestStatus(
  ctx: AppContext,
  principal: Principal,
  auditId: number,
  requestId: number,
  input: { status: RequestStatus; comment?: string | undefined },
): Promise<void> {
  authorize(principal, 'audits.participate', inAudit(ctx, auditId));
  await withActivity(
    ctx,
    principal,
    async (trx) => {
      await openAuditOr409(trx, auditId);
      const row = await repo.findRequest(trx, auditId, requestId);
      if (!row) throw AppError.notFound('Evidence request');
      if (!requestMoves[row.status].includes(input.status)) {
        const allowed = requestMoves[row.status];
        throw AppError.conflict(allowed.length ? `A request that is ${row.status} can become ${allowed.join(' or ')} only.` : 'This request was accepted; it is done.', 'status');
      }
      if (input.status === 'submitted' && (await repo.linkedEvidence(trx, [requestId])).length === 0)
        throw AppError.invalid([{ field: 'evidence', message: 'Link evidence before submitting the request.' }]);
      if (!(await repo.moveStatus(trx, requestId, row.status, input.status, ctx.clock().toISOString())))
        throw AppError.conflict('The request changed meanwhile; reload and try again.', 'status');
      if (input.comment) await addComment(inTransaction(ctx, trx), principal, { type: 'evidence_request', auditId, id: requestId }, input.comment);
      return { from: row.status, ref: row.ref };
    },
    (r) => ({
      action: 'request.status_changed',
      subjectType: 'evidence_request',
      subjectId: requestId,
      details: { audit_id: auditId, ref: r.ref, from: r.from, to: input.status },
    }),
  );
}

/** Current evidence of the controls behind the request (its control, or those mapped to its requirement) that could fulfil it. */
export async function evidenceCandidates(ctx: AppContext, principal: Principal, auditId: number, requestId: number) {
  authorize(principal, 'audits.read');
  const row = await repo.findRequest(ctx.db, auditId, requestId);
  if (!row) throw AppError.notFound('Evidence request');
  const controls =
    row.control_ref !== null
      ? [{ ref: row.control_ref, title: row.control_title ?? '' }]
      : row.requirement_id !== null
        ? await repo.controlsMappedTo(ctx.db, row.requirement_id)
        : [];
  if (!can(principal, 'evidence.read')) return { controls, evidence: [] };
  const linked = new Set((await repo.linkedEvidence(ctx.db, [requestId])).map((l) => l.id));
  const seen = new Set<number>();
  const evidence = [];
  for (const c of controls.slice(0, 6)) {
    const { items } = await listEvidence(ctx, principal, { control: c.ref }, { limit: 10, offset: 0 });
    for (const e of items) {
      if (seen.has(e.id) || linked.has(e.id) || e.status === 'rejected') continue;
      seen.add(e.id);
      evidence.push({ id: e.id, title: e.title, status: e.status, collectedAt: e.collectedAt, validUntil: e.validUntil, controls: e.controls.map((x) => x.ref) });
    }
  }
  return { controls, evidence };
}
