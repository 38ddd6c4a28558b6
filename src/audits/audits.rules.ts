import { dayOf } from '../dates.ts';
import { AppError, type FieldError } from '../http/errors.ts';
import type { AuditStatus } from './audits.model.ts';
import * as repo from './audits.repository.ts';
import { REQUIREMENT_NAME, type UserRef } from './audits.schema.ts';
import { findingsNaming } from './findings.repository.ts';
import { requestsNaming } from './requests.repository.ts';

// Rules the audits, findings and requests services share. Each runs inside the caller's unit of
// work (pass the transaction), so the check and the write it decides see the same rows.

/** Where an audit may go from each status: one step forward, and back from reporting to fieldwork. */
export const auditMoves: Record<AuditStatus, AuditStatus[]> = {
  planned: ['fieldwork'],
  fieldwork: ['reporting'],
  reporting: ['closed', 'fieldwork'],
  closed: [],
};

export async function auditOr404(db: repo.Db, id: number): Promise<repo.AuditRow> {
  const row = await repo.findAudit(db, id);
  if (!row) throw AppError.notFound('Audit');
  return row;
}

/** The audit, unless it is closed: a closed audit is a record and refuses changes (409). */
export async function openAuditOr409(db: repo.Db, id: number): Promise<repo.AuditRow> {
  const row = await auditOr404(db, id);
  if (row.status === 'closed') throw AppError.conflict('This audit is closed; it can no longer be changed.');
  return row;
}

export interface RequirementName {
  slug: string;
  ref: string;
  /** As the user wrote it, for messages. */
  text: string;
}

/** Splits `framework:ref` names; a malformed one is a 422 on `field`. */
export function parseRequirementNames(names: string[], field: string): RequirementName[] {
  const bad = names.filter((n) => !REQUIREMENT_NAME.test(n));
  if (bad.length) throw AppError.invalid([{ field, message: `Name requirements as framework:ref (iso27001-2022:A.5.15); not understood: ${bad.slice(0, 5).join(', ')}.` }]);
  return names.map((text) => {
    const [, slug, ref] = REQUIREMENT_NAME.exec(text)!;
    return { slug: slug!, ref: ref!, text };
  });
}

/**
 * How messages name requirements typed as framework:ref: by the framework's name, which people
 * read ("ISO/IEC 27001:2022 A.5.15"), not its slug. A slug that names no framework is said so.
 */
export interface RequirementWords {
  /** "ISO/IEC 27001:2022 A.5.15"; as typed when the framework does not exist. */
  label(n: RequirementName): string;
  /** "ISO/IEC 27001:2022 has no requirement Z.99", or "There is no framework "x" (in x:Z.99)". */
  missing(n: RequirementName): string;
  frameworkName(slug: string): string | undefined;
}

export async function requirementWords(db: repo.Db, names: RequirementName[]): Promise<RequirementWords> {
  const known = new Map(
    (
      await repo.frameworkNames(
        db,
        names.map((n) => n.slug),
      )
    ).map((f) => [f.slug, f.name]),
  );
  return {
    label: (n) => {
      const name = known.get(n.slug);
      return name ? `${name} ${n.ref}` : n.text;
    },
    missing: (n) => {
      const name = known.get(n.slug);
      return name ? `${name} has no requirement ${n.ref}` : `There is no framework "${n.slug}" (in ${n.text})`;
    },
    frameworkName: (slug) => known.get(slug),
  };
}

/**
 * The ids of named requirements that are in the audit's scope; names that do not exist or lie
 * outside the scope are a 422 on `field`, each named.
 */
export async function requirementsInScope(db: repo.Db, auditId: number, names: RequirementName[], field: string): Promise<Map<string, number>> {
  if (names.length === 0) return new Map();
  const [found, scope, words] = await Promise.all([repo.requirementsByName(db, names), repo.scopeOf(db, auditId), requirementWords(db, names)]);
  const inScope = new Set(scope.map((s) => s.id));
  const ids = new Map<string, number>();
  const problems: string[] = [];
  for (const n of names) {
    const row = found.find((r) => r.slug === n.slug && r.ref === n.ref);
    if (!row) problems.push(words.missing(n));
    else if (!inScope.has(row.id)) problems.push(`${words.label(n)} is not in this audit's scope`);
    else ids.set(n.text, row.id);
  }
  if (problems.length) throw AppError.invalid([{ field, message: `${problems.slice(0, 5).join('; ')}.` }]);
  return ids;
}

/** Active controls by ref; unknown or retired ones are a 422 on `field`. */
export async function controlsByRef(db: repo.Db, refs: string[], field: string) {
  if (refs.length === 0) return [];
  const wanted = [...new Set(refs.map((r) => r.toUpperCase()))];
  const rows = await repo.activeControls(db, wanted);
  const missing = wanted.filter((r) => !rows.some((c) => c.ref === r));
  if (missing.length) throw AppError.invalid([{ field, message: `Unknown or retired control${missing.length > 1 ? 's' : ''}: ${missing.slice(0, 5).join(', ')}.` }]);
  return rows;
}

/** A user who can own work: exists, active, not an external auditor. */
export async function ownerOr422(db: repo.Db, who: UserRef, field: string) {
  const user = 'id' in who ? await repo.findUser(db, who.id) : (await repo.usersByEmail(db, [who.email]))[0];
  if (!user || user.disabled_at !== null || user.role === 'auditor') throw AppError.invalid([{ field, message: 'Choose an active member of staff.' }]);
  return user;
}

/** Throws one 422 with every problem, or nothing. */
export function throwProblems(problems: FieldError[]): void {
  if (problems.length) throw AppError.invalid(problems);
}

/** A requirement named by a finding or a request stays in scope: removing it would orphan them. */
export async function refuseOrphans(db: repo.Db, auditId: number, requirementIds: number[], field: string): Promise<void> {
  const [findings, requests] = await Promise.all([findingsNaming(db, auditId, requirementIds), requestsNaming(db, auditId, requirementIds)]);
  const refs = [...new Set([...findings, ...requests].map((r) => r.ref))];
  if (refs.length) throw AppError.conflict(`Still named by ${refs.slice(0, 8).join(', ')}: those requirements must stay in scope.`, field);
}

/** The audit as a policy resource, today: auditors reach it only through an open assignment. */
export const inAudit = (ctx: { clock: () => Date }, id: number) => ({ kind: 'audit' as const, id, today: dayOf(ctx.clock()) });
