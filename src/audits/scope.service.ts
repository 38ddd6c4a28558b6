import { withActivity } from '../activity/activity.service.ts';
import { authorize } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { AppError, type FieldError } from '../http/errors.ts';
import * as repo from './audits.repository.ts';
import { auditOr404, inAudit, openAuditOr409, parseRequirementNames, refuseOrphans, requirementWords, throwProblems, type RequirementName } from './audits.rules.ts';

export interface ScopeRequirement {
  ref: string;
  name: string;
  /** Excluded as not applicable (a justification in the statement of applicability). */
  excluded: boolean;
}

export interface FrameworkScope {
  slug: string;
  name: string;
  inScope: ScopeRequirement[];
  /** Assessable requirements of the framework left out of this audit. */
  outOfScope: ScopeRequirement[];
}

/** The audit's scope per framework: the requirements in it, and those that could be added. */
export async function auditScope(ctx: AppContext, principal: Principal, auditId: number): Promise<FrameworkScope[]> {
  authorize(principal, 'audits.read', inAudit(ctx, auditId));
  await auditOr404(ctx.db, auditId);
  const frameworks = await repo.frameworksOfAudits(ctx.db, [auditId]);
  const [scope, assessable] = await Promise.all([
    repo.scopeOf(ctx.db, auditId),
    repo.assessableRequirements(
      ctx.db,
      frameworks.map((f) => f.id),
    ),
  ]);
  const inScope = new Set(scope.map((s) => s.id));
  return frameworks.map((f) => {
    const own = assessable.filter((r) => r.framework_id === f.id);
    const shown = (r: (typeof own)[number]) => ({ ref: r.ref, name: r.name, excluded: r.justification !== null });
    return { slug: f.slug, name: f.name, inScope: own.filter((r) => inScope.has(r.id)).map(shown), outOfScope: own.filter((r) => !inScope.has(r.id)).map(shown) };
  });
}

/** Requirements in scope per framework slug, for the audit page's summary. */
export async function scopeCounts(ctx: AppContext, principal: Principal, auditId: number): Promise<{ slug: string; name: string; inScope: number; assessable: number }[]> {
  authorize(principal, 'audits.read', inAudit(ctx, auditId));
  return (await auditScope(ctx, principal, auditId)).map((f) => ({ slug: f.slug, name: f.name, inScope: f.inScope.length, assessable: f.inScope.length + f.outOfScope.length }));
}

/**
 * Adds and removes requirements (named framework:ref). Added ones must be assessable requirements
 * of the audit's frameworks; removed ones must not be named by a finding or a request.
 */
export async function changeScope(
  ctx: AppContext,
  principal: Principal,
  auditId: number,
  change: { add: string[]; remove: string[] },
): Promise<{ added: number; removed: number }> {
  authorize(principal, 'audits.edit');
  const add = parseRequirementNames(change.add, 'add');
  const remove = parseRequirementNames(change.remove, 'remove');
  return withActivity(
    ctx,
    principal,
    async (trx) => {
      await openAuditOr409(trx, auditId);
      const frameworks = await repo.frameworksOfAudits(trx, [auditId]);
      const [found, scope, words] = await Promise.all([repo.requirementsByName(trx, [...add, ...remove]), repo.scopeOf(trx, auditId), requirementWords(trx, [...add, ...remove])]);
      const inScope = new Set(scope.map((s) => s.id));
      const problems: FieldError[] = [];
      const resolve = (n: RequirementName, field: string) => {
        const row = found.find((r) => r.slug === n.slug && r.ref === n.ref);
        const framework = words.frameworkName(n.slug);
        if (!framework) problems.push({ field, message: `${words.missing(n)}.` });
        else if (!frameworks.some((f) => f.slug === n.slug)) problems.push({ field, message: `${words.label(n)}: ${framework} is not one of this audit's frameworks.` });
        else if (!row) problems.push({ field, message: `${words.missing(n)}.` });
        else if (row.assessable !== 1) problems.push({ field, message: `${words.label(n)} is a heading, not an assessable requirement.` });
        else return row;
        return undefined;
      };
      const toAdd = add.map((n) => resolve(n, 'add')).filter((r) => r !== undefined);
      const toRemove = remove.map((n) => resolve(n, 'remove')).filter((r) => r !== undefined);
      for (const r of toAdd)
        if (r.justification !== null) problems.push({ field: 'add', message: `${r.framework_name} ${r.ref} is excluded as not applicable; it cannot be audited.` });
      if (toAdd.some((r) => toRemove.some((x) => x.id === r.id))) problems.push({ field: 'add', message: 'A requirement cannot be added and removed at once.' });
      throwProblems(problems);
      const adding = [...new Set(toAdd.filter((r) => !inScope.has(r.id)).map((r) => r.id))];
      const removing = [...new Set(toRemove.filter((r) => inScope.has(r.id)).map((r) => r.id))];
      if (adding.length + removing.length === 0) throw AppError.conflict('Nothing to change: those requirements are already as asked.', 'add');
      await refuseOrphans(trx, auditId, removing, 'remove');
      await repo.addScope(trx, auditId, adding);
      await repo.removeScope(trx, auditId, removing);
      const named = (ids: number[]) => found.filter((r) => ids.includes(r.id)).map((r) => `${r.slug}:${r.ref}`);
      return { added: adding.length, removed: removing.length, addedNames: named(adding), removedNames: named(removing) };
    },
    (r) => ({ action: 'audit.scope_changed', subjectType: 'audit', subjectId: auditId, details: { added: r.addedNames, removed: r.removedNames } }),
  ).then((r) => ({ added: r.added, removed: r.removed }));
}
