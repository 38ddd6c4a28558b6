import { withActivity } from '../activity/activity.service.ts';
import { authorize, can } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { AppError, type FieldError } from '../http/errors.ts';
import type { FindingKind, FindingStatus } from './audits.model.ts';
import type { Db } from './audits.repository.ts';
import { auditOr404, controlsByRef, openAuditOr409, ownerOr422, parseRequirementNames, requirementsInScope, throwProblems, inAudit } from './audits.rules.ts';
import * as repo from './findings.repository.ts';
import type { FindingInput } from './findings.schema.ts';

export interface Finding {
  id: number;
  auditId: number;
  ref: string;
  kind: FindingKind;
  title: string;
  description: string;
  owner: { id: number; email: string; name: string };
  rootCause: string;
  correctiveAction: string;
  dueOn: string;
  status: FindingStatus;
  requirements: { framework: string; ref: string; name: string }[];
  controls: { ref: string; title: string }[];
  createdAt: string;
  updatedAt: string;
}

/** open → action_taken → verified → closed, one step at a time. */
const findingMoves: Record<FindingStatus, FindingStatus[]> = { open: ['action_taken'], action_taken: ['verified'], verified: ['closed'], closed: [] };

function toFinding(row: repo.FindingRow, links: Awaited<ReturnType<typeof repo.linksOf>>): Finding {
  const own = links.filter((l) => l.finding_id === row.id);
  return {
    id: row.id,
    auditId: row.audit_id,
    ref: row.ref,
    kind: row.kind,
    title: row.title,
    description: row.description,
    owner: { id: row.owner_id, email: row.owner_email, name: row.owner_name },
    rootCause: row.root_cause,
    correctiveAction: row.corrective_action,
    dueOn: row.due_on,
    status: row.status,
    requirements: own.filter((l) => l.requirement_ref !== null).map((l) => ({ framework: l.slug ?? '', ref: l.requirement_ref ?? '', name: l.requirement_name ?? '' })),
    controls: own.filter((l) => l.control_ref !== null).map((l) => ({ ref: l.control_ref ?? '', title: l.control_title ?? '' })),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function listFindings(ctx: AppContext, principal: Principal, auditId: number): Promise<Finding[]> {
  authorize(principal, 'audits.read', inAudit(ctx, auditId));
  await auditOr404(ctx.db, auditId);
  const rows = await repo.findingsOf(ctx.db, auditId);
  const links = await repo.linksOf(
    ctx.db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toFinding(r, links));
}

export async function getFinding(ctx: AppContext, principal: Principal, auditId: number, findingId: number): Promise<Finding> {
  authorize(principal, 'audits.read', inAudit(ctx, auditId));
  const row = await repo.findFinding(ctx.db, auditId, findingId);
  if (!row) throw AppError.notFound('Finding');
  return toFinding(row, await repo.linksOf(ctx.db, [row.id]));
}

/** Resolves owner, requirements (in scope) and controls, reporting every problem at once. */
async function resolve(db: Db, auditId: number, input: FindingInput) {
  const problems: FieldError[] = [];
  const collect = async <T>(work: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await work();
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'validation_failed') throw err;
      problems.push(...err.fields);
      return undefined;
    }
  };
  const owner = await collect(() => ownerOr422(db, input.owner, 'owner'));
  const requirements = await collect(() => requirementsInScope(db, auditId, parseRequirementNames(input.requirements, 'requirements'), 'requirements'));
  const controls = await collect(() => controlsByRef(db, input.controls, 'controls'));
  throwProblems(problems);
  return { ownerId: owner!.id, requirementIds: [...requirements!.values()], controlIds: controls!.map((c) => c.id) };
}

const columns = (input: FindingInput, ownerId: number) => ({
  kind: input.kind,
  title: input.title,
  description: input.description ?? '',
  owner_id: ownerId,
  root_cause: input.root_cause ?? '',
  corrective_action: input.corrective_action ?? '',
  due_on: input.due_on,
});

/** Records a finding on an open audit; its ref (F-1, F-2 …) is allocated inside the transaction. */
export async function recordFinding(ctx: AppContext, principal: Principal, auditId: number, input: FindingInput): Promise<number> {
  authorize(principal, 'audits.participate', inAudit(ctx, auditId));
  const now = ctx.clock().toISOString();
  const created = await withActivity(
    ctx,
    principal,
    async (trx) => {
      await openAuditOr409(trx, auditId);
      const r = await resolve(trx, auditId, input);
      const ref = nextFindingRef(await repo.refsOf(trx, auditId));
      const id = await repo.insertFinding(trx, { audit_id: auditId, ref, ...columns(input, r.ownerId), status: 'open', created_at: now, updated_at: now });
      await repo.replaceLinks(trx, id, r.requirementIds, r.controlIds);
      return { id, ref, ownerId: r.ownerId };
    },
    (c) => ({
      action: 'finding.recorded',
      subjectType: 'finding',
      subjectId: c.id,
      details: { audit_id: auditId, ref: c.ref, ...columns(input, c.ownerId), requirements: input.requirements, controls: input.controls },
    }),
  );
  return created.id;
}

function nextFindingRef(existing: string[]): string {
  const max = existing.reduce((m, r) => Math.max(m, Number(/^F-(\d+)$/.exec(r)?.[1] ?? 0)), 0);
  return `F-${max + 1}`;
}

/**
 * Edits a finding. Follow-up (root cause, corrective action, owner, due date) goes on after the
 * audit closes, because corrective actions outlive the audit; a closed finding is a record.
 */
export async function updateFinding(ctx: AppContext, principal: Principal, auditId: number, findingId: number, input: FindingInput): Promise<void> {
  authorize(principal, 'audits.participate');
  await withActivity(
    ctx,
    principal,
    async (trx) => {
      await auditOr404(trx, auditId);
      const row = await repo.findFinding(trx, auditId, findingId);
      if (!row) throw AppError.notFound('Finding');
      if (row.status === 'closed') throw AppError.conflict('This finding is closed; it can no longer be changed.');
      const r = await resolve(trx, auditId, input);
      const next = columns(input, r.ownerId);
      const changes = Object.fromEntries(
        Object.entries(next)
          .filter(([k, v]) => row[k as keyof typeof row] !== v)
          .map(([k, v]) => [k, { from: row[k as keyof typeof row], to: v }]),
      );
      await repo.updateFinding(trx, findingId, { ...next, updated_at: ctx.clock().toISOString() });
      await repo.replaceLinks(trx, findingId, r.requirementIds, r.controlIds);
      return { ref: row.ref, changes };
    },
    (r) => ({
      action: 'finding.updated',
      subjectType: 'finding',
      subjectId: findingId,
      details: { audit_id: auditId, ref: r.ref, changes: r.changes, requirements: input.requirements, controls: input.controls },
    }),
  );
}

/** One step forward; taking action needs a corrective action written down first. */
export async function changeFindingStatus(ctx: AppContext, principal: Principal, auditId: number, findingId: number, to: FindingStatus): Promise<void> {
  authorize(principal, 'audits.participate', inAudit(ctx, auditId));
  await withActivity(
    ctx,
    principal,
    async (trx) => {
      await auditOr404(trx, auditId);
      const row = await repo.findFinding(trx, auditId, findingId);
      if (!row) throw AppError.notFound('Finding');
      if (!findingMoves[row.status].includes(to)) {
        const allowed = findingMoves[row.status];
        throw AppError.conflict(
          allowed.length ? `A finding that is ${row.status.replace('_', ' ')} can move to ${allowed[0]!.replace('_', ' ')} only.` : 'This finding is closed.',
          'status',
        );
      }
      if (to === 'action_taken' && row.corrective_action.trim() === '')
        throw AppError.invalid([{ field: 'corrective_action', message: 'Record the corrective action before marking it taken.' }]);
      if (!(await repo.moveStatus(trx, findingId, row.status, to, ctx.clock().toISOString())))
        throw AppError.conflict('The finding changed meanwhile; reload and try again.', 'status');
      return { from: row.status, ref: row.ref };
    },
    (r) => ({ action: 'finding.status_changed', subjectType: 'finding', subjectId: findingId, details: { audit_id: auditId, ref: r.ref, from: r.from, to } }),
  );
}

export interface OpenMajorFinding {
  auditId: number;
  findingId: number;
  ref: string;
  title: string;
}

/**
 * Open major nonconformities (not yet verified or closed) by the id of each requirement they name;
 * empty for those who may not read audits.
 */
export async function openMajorFindingsByRequirement(ctx: AppContext, principal: Principal): Promise<Map<number, OpenMajorFinding[]>> {
  const map = new Map<number, OpenMajorFinding[]>();
  if (!can(principal, 'audits.read')) return map;
  for (const row of await repo.openMajorFindings(ctx.db)) {
    map.set(row.requirement_id, [...(map.get(row.requirement_id) ?? []), { auditId: row.audit_id, findingId: row.id, ref: row.ref, title: row.title }]);
  }
  return map;
}

/** The same, for one framework, by requirement ref (what the coverage and requirement pages show). */
export async function openMajorFindingsOf(ctx: AppContext, principal: Principal, frameworkSlug: string): Promise<Map<string, OpenMajorFinding[]>> {
  const map = new Map<string, OpenMajorFinding[]>();
  if (!can(principal, 'audits.read')) return map;
  for (const row of await repo.openMajorFindings(ctx.db, frameworkSlug)) {
    map.set(row.requirement_ref, [...(map.get(row.requirement_ref) ?? []), { auditId: row.audit_id, findingId: row.id, ref: row.ref, title: row.title }]);
  }
  return map;
}

/** Open major nonconformities per framework slug (every loaded framework, 0 when none), for the dashboard. */
export async function openMajorFindingCounts(ctx: AppContext, principal: Principal): Promise<Record<string, number>> {
  if (!can(principal, 'audits.read')) return {};
  const [rows, slugs] = await Promise.all([repo.openMajorFindings(ctx.db), repo.frameworkSlugs(ctx.db)]);
  const counts: Record<string, number> = Object.fromEntries(slugs.map((s) => [s, 0]));
  const seen = new Set<string>();
  for (const r of rows) {
    if (seen.has(`${r.slug}/${r.id}`)) continue;
    seen.add(`${r.slug}/${r.id}`);
    counts[r.slug] = (counts[r.slug] ?? 0) + 1;
  }
  return counts;
}
