import { withActivity } from '../activity/activity.service.ts';
import { authorize } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { AppError, type FieldError } from '../http/errors.ts';
import type { AuditKind, AuditStatus } from './audits.model.ts';
import * as repo from './audits.repository.ts';
import { auditMoves, auditOr404, openAuditOr409, ownerOr422, refuseOrphans, throwProblems, inAudit } from './audits.rules.ts';
import type { AuditFilter, AuditInput } from './audits.schema.ts';

export interface Person {
  id: number;
  email: string;
  name: string;
}

export interface Audit {
  id: number;
  kind: AuditKind;
  title: string;
  certificationId: number | null;
  firm: string;
  leadAuditor: string;
  periodFrom: string | null;
  periodTo: string | null;
  fieldworkFrom: string | null;
  fieldworkTo: string | null;
  status: AuditStatus;
  owner: Person | null;
  frameworks: { slug: string; name: string }[];
  createdAt: string;
  updatedAt: string;
}

function toAudit(row: repo.AuditRow, frameworks: { audit_id: number; slug: string; name: string }[]): Audit {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    certificationId: row.certification_id,
    firm: row.firm,
    leadAuditor: row.lead_auditor,
    periodFrom: row.period_from,
    periodTo: row.period_to,
    fieldworkFrom: row.fieldwork_from,
    fieldworkTo: row.fieldwork_to,
    status: row.status,
    owner: row.owner_id !== null && row.owner_email !== null ? { id: row.owner_id, email: row.owner_email, name: row.owner_name ?? '' } : null,
    frameworks: frameworks.filter((f) => f.audit_id === row.id).map((f) => ({ slug: f.slug, name: f.name })),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function listAudits(ctx: AppContext, principal: Principal, filter: Omit<AuditFilter, 'page'>, page: { limit: number; offset: number }) {
  authorize(principal, 'audits.read');
  const { rows, total } = await repo.listAudits(ctx.db, filter, page);
  const frameworks = await repo.frameworksOfAudits(
    ctx.db,
    rows.map((r) => r.id),
  );
  return { items: rows.map((r) => toAudit(r, frameworks)), total };
}

export async function getAudit(ctx: AppContext, principal: Principal, id: number): Promise<Audit> {
  authorize(principal, 'audits.read', inAudit(ctx, id));
  const row = await auditOr404(ctx.db, id);
  return toAudit(row, await repo.frameworksOfAudits(ctx.db, [id]));
}

/** What the audit forms offer: the loaded frameworks, the staff who can own work, the auditors. */
export async function auditFormOptions(ctx: AppContext, principal: Principal) {
  authorize(principal, 'audits.read');
  const [frameworks, staff, auditors] = await Promise.all([repo.allFrameworks(ctx.db), repo.staff(ctx.db), repo.activeAuditors(ctx.db)]);
  return { frameworks: frameworks.map((f) => ({ slug: f.slug, name: f.name })), staff, auditors };
}

/** Checks what the schema cannot (frameworks loaded, owner, certification), every problem at once. */
async function checkInput(db: repo.Db, input: AuditInput) {
  const problems: FieldError[] = [];
  const frameworks = (await repo.allFrameworks(db)).filter((f) => input.frameworks.includes(f.slug));
  const unknown = input.frameworks.filter((s) => !frameworks.some((f) => f.slug === s));
  if (unknown.length) problems.push({ field: 'frameworks', message: `Unknown framework${unknown.length > 1 ? 's' : ''}: ${unknown.slice(0, 5).join(', ')}.` });
  const owner = await ownerOr422(db, input.owner, 'owner').catch((err: unknown) => {
    if (!(err instanceof AppError)) throw err;
    problems.push(...err.fields);
    return undefined;
  });
  if (input.certification_id !== undefined && !(await repo.certificationExists(db, input.certification_id))) {
    problems.push({ field: 'certification_id', message: 'No such certification.' });
  }
  throwProblems(problems);
  return { frameworks, ownerId: owner!.id };
}

const columns = (input: AuditInput, ownerId: number) => ({
  kind: input.kind,
  title: input.title,
  certification_id: input.certification_id ?? null,
  firm: input.firm ?? '',
  lead_auditor: input.lead_auditor ?? '',
  period_from: input.period_from ?? null,
  period_to: input.period_to ?? null,
  fieldwork_from: input.fieldwork_from ?? null,
  fieldwork_to: input.fieldwork_to ?? null,
  owner_id: ownerId,
});

/** Default scope: every applicable (not excluded) assessable requirement of the frameworks. */
async function defaultScope(db: repo.Db, frameworkIds: number[]): Promise<number[]> {
  return (await repo.assessableRequirements(db, frameworkIds)).filter((r) => r.justification === null).map((r) => r.id);
}

export async function createAudit(ctx: AppContext, principal: Principal, input: AuditInput): Promise<number> {
  authorize(principal, 'audits.edit');
  const now = ctx.clock().toISOString();
  return withActivity(
    ctx,
    principal,
    async (trx) => {
      const { frameworks, ownerId } = await checkInput(trx, input);
      const values = columns(input, ownerId);
      const id = await repo.insertAudit(trx, { ...values, status: 'planned', created_at: now, updated_at: now });
      await repo.setFrameworks(
        trx,
        id,
        frameworks.map((f) => f.id),
      );
      const scope = await defaultScope(
        trx,
        frameworks.map((f) => f.id),
      );
      await repo.addScope(trx, id, scope);
      return { id, scope: scope.length, values };
    },
    ({ id, scope, values }) => ({ action: 'audit.created', subjectType: 'audit', subjectId: id, details: { ...values, frameworks: input.frameworks, scope_requirements: scope } }),
  ).then((r) => r.id);
}

/** Edits an open audit. Frameworks added bring their default scope; frameworks removed take theirs away. */
export async function updateAudit(ctx: AppContext, principal: Principal, id: number, input: AuditInput): Promise<void> {
  authorize(principal, 'audits.edit');
  const now = ctx.clock().toISOString();
  await withActivity(
    ctx,
    principal,
    async (trx) => {
      const row = await openAuditOr409(trx, id);
      const { frameworks, ownerId } = await checkInput(trx, input);
      const before = await repo.frameworksOfAudits(trx, [id]);
      const added = frameworks.filter((f) => !before.some((b) => b.id === f.id));
      const removed = before.filter((b) => !frameworks.some((f) => f.id === b.id));
      const dropped = (await repo.scopeOf(trx, id)).filter((s) => removed.some((r) => r.id === s.framework_id)).map((s) => s.id);
      await refuseOrphans(trx, id, dropped, 'frameworks');
      const next = columns(input, ownerId);
      const changes = Object.fromEntries(
        Object.entries(next)
          .filter(([k, v]) => row[k as keyof typeof row] !== v)
          .map(([k, v]) => [k, { from: row[k as keyof typeof row], to: v }]),
      );
      await repo.updateAudit(trx, id, { ...next, updated_at: now });
      await repo.setFrameworks(
        trx,
        id,
        frameworks.map((f) => f.id),
      );
      await repo.removeScope(trx, id, dropped);
      const gained = await defaultScope(
        trx,
        added.map((f) => f.id),
      );
      await repo.addScope(trx, id, gained);
      return { changes, added: added.map((f) => f.slug), removed: removed.map((f) => f.slug), gained: gained.length, dropped: dropped.length };
    },
    (r) => [
      { action: 'audit.updated', subjectType: 'audit', subjectId: id, details: { changes: r.changes, frameworks_added: r.added, frameworks_removed: r.removed } },
      ...(r.gained || r.dropped
        ? [{ action: 'audit.scope_changed' as const, subjectType: 'audit', subjectId: id, details: { added: r.gained, removed: r.dropped, reason: 'frameworks changed' } }]
        : []),
    ],
  );
}

/** One step forward at a time; back only from reporting to fieldwork; each change recorded. */
export async function changeAuditStatus(ctx: AppContext, principal: Principal, id: number, to: AuditStatus): Promise<void> {
  authorize(principal, 'audits.edit');
  await withActivity(
    ctx,
    principal,
    async (trx) => {
      const row = await openAuditOr409(trx, id);
      if (!auditMoves[row.status].includes(to)) {
        const allowed = auditMoves[row.status].join(' or ');
        throw AppError.conflict(`An audit in ${row.status} can move to ${allowed} only, one step at a time.`, 'status');
      }
      if (!(await repo.moveStatus(trx, id, row.status, to, ctx.clock().toISOString()))) throw AppError.conflict('The audit changed meanwhile; reload and try again.', 'status');
      return row.status;
    },
    (from) => ({ action: 'audit.status_changed', subjectType: 'audit', subjectId: id, details: { from, to } }),
  );
}
