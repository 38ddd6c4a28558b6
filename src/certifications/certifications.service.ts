import type { Transaction } from 'kysely';
import { withActivity } from '../activity/activity.service.ts';
import { authorize, can, permissions } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import type { DB } from '../db/schema.ts';
import { inTransaction } from '../db/unit-of-work.ts';
import { today } from '../dates.ts';
import { getEvidence } from '../evidence/evidence.service.ts';
import { AppError, type FieldError, isAppError } from '../http/errors.ts';
import { certificationKindLabels, type CertificationKind, type CertificationStatus } from './certifications.model.ts';
import * as repo from './certifications.repository.ts';
import { certificationStatus, overlappingPeriod, type Period } from './certifications.rules.ts';
import type { CertificationFilter, CertificationInput } from './certifications.schema.ts';
import { kindsForFramework } from './lifecycle.ts';

export interface Person {
  id: number;
  email: string;
  name: string;
}

export interface Certification {
  id: number;
  framework: { id: number; slug: string; name: string };
  kind: CertificationKind;
  number: string;
  issuer: string;
  scope: string;
  issuedOn: string | null;
  validFrom: string;
  validUntil: string;
  withdrawnOn: string | null;
  status: CertificationStatus;
  documentEvidenceId: number | null;
  owner: Person | null;
  createdAt: string;
  updatedAt: string;
}

export const person = (id: number | null, email: string | null, name: string | null): Person | null => (id !== null && email !== null ? { id, email, name: name ?? '' } : null);

export function toCertification(row: NonNullable<repo.CertificationRow>, day: string, windowDays: number): Certification {
  return {
    id: row.id,
    framework: { id: row.framework_id, slug: row.framework_slug, name: row.framework_name },
    kind: row.kind,
    number: row.number,
    issuer: row.issuer,
    scope: row.scope,
    issuedOn: row.issued_on,
    validFrom: row.valid_from,
    validUntil: row.valid_until,
    withdrawnOn: row.withdrawn_on,
    status: certificationStatus({ validFrom: row.valid_from, validUntil: row.valid_until, withdrawnOn: row.withdrawn_on }, day, windowDays),
    documentEvidenceId: row.document_evidence_id,
    owner: person(row.owner_id, row.owner_email, row.owner_name),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export const asPeriod = (r: { id: number; framework_id: number; kind: CertificationKind; valid_from: string; valid_until: string; withdrawn_on: string | null }): Period => ({
  id: r.id,
  frameworkId: r.framework_id,
  kind: r.kind,
  validFrom: r.valid_from,
  validUntil: r.valid_until,
  withdrawnOn: r.withdrawn_on,
});

/** The certification or a 404; read inside the caller's transaction when given one. */
export async function findOrThrow(ctx: Pick<AppContext, 'db' | 'clock' | 'config'>, id: number): Promise<Certification> {
  const row = await repo.findCertification(ctx.db, id);
  if (!row) throw AppError.notFound('Certification');
  return toCertification(row, today(ctx.clock), ctx.config.certExpiryWindowDays);
}

export async function getCertification(ctx: AppContext, principal: Principal, id: number): Promise<Certification> {
  authorize(principal, 'certifications.read');
  return findOrThrow(ctx, id);
}

export async function listCertifications(ctx: AppContext, principal: Principal, filter: Omit<CertificationFilter, 'page'>, page: { limit: number; offset: number }) {
  authorize(principal, 'certifications.read');
  const day = today(ctx.clock);
  const window = ctx.config.certExpiryWindowDays;
  const { rows, total } = await repo.listCertifications(ctx.db, { frameworkSlug: filter.framework, status: filter.status, q: filter.q }, day, window, page);
  return { items: rows.map((r) => toCertification(r, day, window)), total };
}

/**
 * What the register's filter and the forms offer: the loaded frameworks, and (to those who may edit)
 * the people who may own the work.
 */
export async function certificationFormOptions(ctx: AppContext, principal: Principal) {
  authorize(principal, 'certifications.read');
  const [frameworks, owners] = await Promise.all([
    repo.frameworkRows(ctx.db),
    can(principal, 'certifications.edit') ? repo.ownerCandidates(ctx.db, permissions['certifications.edit']) : Promise.resolve([]),
  ]);
  return { frameworks, owners };
}

/** An owner must be an active user who may edit certifications; problems are added to `problems`. */
export async function checkOwner(db: AppContext['db'], ownerId: number | undefined, problems: FieldError[]): Promise<void> {
  if (ownerId === undefined) return;
  const user = await repo.findUser(db, ownerId);
  if (!user || user.disabled_at !== null || !(permissions['certifications.edit'] as readonly string[]).includes(user.role)) {
    problems.push({ field: 'owner_id', message: 'Choose an active GRC user or administrator as the owner.' });
  }
}

/**
 * Checks what the schema cannot, inside the write's transaction, and reports every problem at once:
 * a loaded framework, a kind that fits it, the owner, the document's evidence item, an issue date
 * not in the future, and no overlap with another SOC 2 Type II period of the framework.
 */
async function checkInput(ctx: AppContext, principal: Principal, input: CertificationInput, id: number | null) {
  const problems: FieldError[] = [];
  const framework = await repo.frameworkBySlug(ctx.db, input.framework);
  if (!framework) problems.push({ field: 'framework', message: `Unknown framework ${input.framework}; choose one of the loaded frameworks.` });
  const kinds = framework ? kindsForFramework(framework.slug) : null;
  if (kinds && !kinds.includes(input.kind)) {
    problems.push({ field: 'kind', message: `${framework?.name} is attested by: ${kinds.map((k) => certificationKindLabels[k]).join(' or ')}.` });
  }
  await checkOwner(ctx.db, input.owner_id, problems);
  if (input.document_evidence_id !== undefined) {
    try {
      await getEvidence(ctx, principal, input.document_evidence_id);
    } catch (err) {
      if (!isAppError(err) || !['not_found', 'forbidden'].includes(err.code)) throw err;
      problems.push({ field: 'document_evidence_id', message: `No evidence item #${input.document_evidence_id} that you may see; log the document as evidence first.` });
    }
  }
  if (input.issued_on && input.issued_on > today(ctx.clock)) problems.push({ field: 'issued_on', message: 'The issue date cannot be in the future.' });
  if (framework) {
    const periods = (await repo.certificationsOfFramework(ctx.db, framework.id)).map(asPeriod);
    const clash = overlappingPeriod({ id, frameworkId: framework.id, kind: input.kind, validFrom: input.valid_from, validUntil: input.valid_until, withdrawnOn: null }, periods);
    if (clash) {
      problems.push({
        field: 'valid_from',
        message: `This period overlaps the SOC 2 Type II period ${clash.validFrom} – ${clash.validUntil} (certification #${clash.id}); periods of one framework follow each other.`,
      });
    }
  }
  if (problems.length || !framework) throw AppError.invalid(problems);
  return framework;
}

const stored = (input: CertificationInput, frameworkId: number) => ({
  framework_id: frameworkId,
  kind: input.kind,
  number: input.number ?? '',
  issuer: input.issuer,
  scope: input.scope ?? '',
  issued_on: input.issued_on ?? null,
  valid_from: input.valid_from,
  valid_until: input.valid_until,
  owner_id: input.owner_id ?? null,
  document_evidence_id: input.document_evidence_id ?? null,
});

type Stored = ReturnType<typeof stored>;

export async function createCertification(ctx: AppContext, principal: Principal, input: CertificationInput): Promise<number> {
  authorize(principal, 'certifications.edit');
  const now = ctx.clock().toISOString();
  return withActivity(
    ctx,
    principal,
    async (trx) => {
      const framework = await checkInput(inTransaction(ctx, trx), principal, input, null);
      return repo.insertCertification(trx, { ...stored(input, framework.id), created_at: now, updated_at: now });
    },
    (id) => {
      const { framework_id: _id, ...fields } = stored(input, 0);
      return { action: 'certification.created', subjectType: 'certification', subjectId: id, details: { framework: input.framework, ...fields } };
    },
  );
}

/**
 * Changes a certification; the activity record holds each changed field before and after. Optional
 * fields missing from `input` keep their value.
 */
export async function updateCertification(ctx: AppContext, principal: Principal, id: number, input: CertificationInput): Promise<{ changed: string[] }> {
  authorize(principal, 'certifications.edit');
  const changes: { before: Record<string, unknown>; after: Record<string, unknown> } = { before: {}, after: {} };
  return withActivity(
    ctx,
    principal,
    async (trx: Transaction<DB>) => {
      const current = await repo.findCertification(trx, id);
      if (!current) throw AppError.notFound('Certification');
      const framework = await checkInput(inTransaction(ctx, trx), principal, input, id);
      const next = stored(input, framework.id);
      // Optional fields left out of the input (an API call) keep their value; sent empty, they are cleared.
      for (const key of ['number', 'scope', 'issued_on', 'owner_id', 'document_evidence_id'] as const) {
        if (!(key in input)) Object.assign(next, { [key]: current[key] });
      }
      for (const key of Object.keys(next) as (keyof Stored)[]) {
        if (current[key] === next[key]) continue;
        changes.before[key === 'framework_id' ? 'framework' : key] = key === 'framework_id' ? current.framework_slug : current[key];
        changes.after[key === 'framework_id' ? 'framework' : key] = key === 'framework_id' ? framework.slug : next[key];
      }
      if (Object.keys(changes.after).length) await repo.updateCertification(trx, id, { ...next, updated_at: ctx.clock().toISOString() });
      return { changed: Object.keys(changes.after) };
    },
    // Saving without a change writes nothing, so nothing is recorded.
    (result) => (result.changed.length ? { action: 'certification.updated', subjectType: 'certification', subjectId: id, details: changes } : []),
  );
}

/**
 * Withdraws a certification (the body withdrew or suspended it, or the company gave it up). Its
 * still-planned events from the withdrawal day on are cancelled in the same change.
 */
export async function withdrawCertification(
  ctx: AppContext,
  principal: Principal,
  id: number,
  input: { withdrawn_on?: string | undefined; reason?: string | undefined },
): Promise<void> {
  authorize(principal, 'certifications.edit');
  const day = input.withdrawn_on ?? today(ctx.clock);
  if (day > today(ctx.clock)) throw AppError.invalid([{ field: 'withdrawn_on', message: 'The withdrawal date cannot be in the future.' }]);
  const cancelled: number[] = [];
  await withActivity(
    ctx,
    principal,
    async (trx) => {
      const current = await repo.findCertification(trx, id);
      if (!current) throw AppError.notFound('Certification');
      if (current.withdrawn_on !== null) throw AppError.conflict(`This certification was already withdrawn on ${current.withdrawn_on}.`);
      const now = ctx.clock().toISOString();
      await repo.updateCertification(trx, id, { withdrawn_on: day, updated_at: now });
      for (const e of await repo.eventsOf(trx, id)) {
        if (e.status !== 'planned' || e.starts_on < day) continue;
        await repo.updateEvent(trx, e.id, { status: 'cancelled', updated_at: now });
        cancelled.push(e.id);
      }
    },
    () => ({
      action: 'certification.withdrawn',
      subjectType: 'certification',
      subjectId: id,
      details: { withdrawn_on: day, reason: input.reason ?? '', cancelled_events: cancelled },
    }),
  );
}
