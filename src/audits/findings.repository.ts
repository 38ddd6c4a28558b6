import type { Insertable, Updateable } from 'kysely';
import type { FindingsTable } from '../db/schema.ts';
import type { FindingStatus } from './audits.model.ts';
import type { Db } from './audits.repository.ts';

const findingColumns = [
  'f.id',
  'f.audit_id',
  'f.ref',
  'f.kind',
  'f.title',
  'f.description',
  'f.owner_id',
  'f.root_cause',
  'f.corrective_action',
  'f.due_on',
  'f.status',
  'f.created_at',
  'f.updated_at',
  'u.email as owner_email',
  'u.name as owner_name',
] as const;

export type FindingRow = NonNullable<Awaited<ReturnType<typeof findFinding>>>;

export function findFinding(db: Db, auditId: number, id: number) {
  return db
    .selectFrom('findings as f')
    .innerJoin('users as u', 'u.id', 'f.owner_id')
    .select(findingColumns)
    .where('f.audit_id', '=', auditId)
    .where('f.id', '=', id)
    .executeTakeFirst();
}

export function findingsOf(db: Db, auditId: number) {
  return db.selectFrom('findings as f').innerJoin('users as u', 'u.id', 'f.owner_id').select(findingColumns).where('f.audit_id', '=', auditId).orderBy('f.id').execute();
}

export async function refsOf(db: Db, auditId: number): Promise<string[]> {
  return (await db.selectFrom('findings').select('ref').where('audit_id', '=', auditId).execute()).map((r) => r.ref);
}

export async function insertFinding(db: Db, row: Insertable<FindingsTable>): Promise<number> {
  return (await db.insertInto('findings').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export async function updateFinding(db: Db, id: number, patch: Updateable<FindingsTable>): Promise<void> {
  await db.updateTable('findings').set(patch).where('id', '=', id).execute();
}

export async function moveStatus(db: Db, id: number, from: FindingStatus, to: FindingStatus, at: string): Promise<boolean> {
  const r = await db.updateTable('findings').set({ status: to, updated_at: at }).where('id', '=', id).where('status', '=', from).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function replaceLinks(db: Db, findingId: number, requirementIds: number[], controlIds: number[]): Promise<void> {
  await db.deleteFrom('finding_links').where('finding_id', '=', findingId).execute();
  const rows = [
    ...requirementIds.map((requirement_id) => ({ finding_id: findingId, requirement_id, control_id: null })),
    ...controlIds.map((control_id) => ({ finding_id: findingId, requirement_id: null, control_id })),
  ];
  if (rows.length) await db.insertInto('finding_links').values(rows).execute();
}

/** Requirement and control links of the findings, each with what a page shows of it. */
export function linksOf(db: Db, findingIds: number[]) {
  if (findingIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('finding_links as l')
    .leftJoin('requirements as r', 'r.id', 'l.requirement_id')
    .leftJoin('frameworks as fw', 'fw.id', 'r.framework_id')
    .leftJoin('controls as c', 'c.id', 'l.control_id')
    .select([
      'l.finding_id',
      'l.requirement_id',
      'r.ref as requirement_ref',
      'r.name as requirement_name',
      'fw.slug',
      'l.control_id',
      'c.ref as control_ref',
      'c.title as control_title',
    ])
    .where('l.finding_id', 'in', findingIds)
    .execute();
}

/** Findings of the audit that name any of the requirements (a scope change must not orphan them). */
export function findingsNaming(db: Db, auditId: number, requirementIds: number[]) {
  if (requirementIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('finding_links as l')
    .innerJoin('findings as f', 'f.id', 'l.finding_id')
    .select(['f.ref', 'l.requirement_id'])
    .where('f.audit_id', '=', auditId)
    .where('l.requirement_id', 'in', requirementIds)
    .execute();
}

/** Major nonconformities still open (not yet verified or closed), with the requirements they name. */
export function openMajorFindings(db: Db, frameworkSlug?: string) {
  let q = db
    .selectFrom('findings as f')
    .innerJoin('finding_links as l', 'l.finding_id', 'f.id')
    .innerJoin('requirements as r', 'r.id', 'l.requirement_id')
    .innerJoin('frameworks as fw', 'fw.id', 'r.framework_id')
    .select(['f.id', 'f.audit_id', 'f.ref', 'f.title', 'r.id as requirement_id', 'r.ref as requirement_ref', 'fw.slug'])
    .where('f.kind', '=', 'major_nc')
    .where('f.status', 'in', ['open', 'action_taken']);
  if (frameworkSlug) q = q.where('fw.slug', '=', frameworkSlug);
  return q.orderBy('f.id').execute();
}

export async function frameworkSlugs(db: Db): Promise<string[]> {
  return (await db.selectFrom('frameworks').select('slug').orderBy('slug').execute()).map((r) => r.slug);
}
