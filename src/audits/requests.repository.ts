import { sql, type Insertable } from 'kysely';
import type { EvidenceRequestsTable } from '../db/schema.ts';
import type { RequestStatus } from './audits.model.ts';
import type { Db } from './audits.repository.ts';

const requestColumns = [
  'q.id',
  'q.audit_id',
  'q.ref',
  'q.title',
  'q.description',
  'q.requirement_id',
  'q.control_id',
  'q.assignee_id',
  'q.due_on',
  'q.status',
  'q.created_at',
  'q.updated_at',
  'u.email as assignee_email',
  'u.name as assignee_name',
  'r.ref as requirement_ref',
  'r.name as requirement_name',
  'fw.slug as framework_slug',
  'c.ref as control_ref',
  'c.title as control_title',
] as const;

function base(db: Db) {
  return db
    .selectFrom('evidence_requests as q')
    .leftJoin('users as u', 'u.id', 'q.assignee_id')
    .leftJoin('requirements as r', 'r.id', 'q.requirement_id')
    .leftJoin('frameworks as fw', 'fw.id', 'r.framework_id')
    .leftJoin('controls as c', 'c.id', 'q.control_id');
}

export type RequestRow = NonNullable<Awaited<ReturnType<typeof findRequest>>>;

export function findRequest(db: Db, auditId: number, id: number) {
  return base(db).select(requestColumns).where('q.audit_id', '=', auditId).where('q.id', '=', id).executeTakeFirst();
}

export function requestsOf(db: Db, auditId: number) {
  return base(db).select(requestColumns).where('q.audit_id', '=', auditId).orderBy('q.id').execute();
}

export async function refsOf(db: Db, auditId: number): Promise<string[]> {
  return (await db.selectFrom('evidence_requests').select('ref').where('audit_id', '=', auditId).execute()).map((r) => r.ref);
}

/** Inserts the rows in order and returns their ids. */
export async function insertRequests(db: Db, rows: Insertable<EvidenceRequestsTable>[]): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < rows.length; i += 200) {
    const inserted = await db
      .insertInto('evidence_requests')
      .values(rows.slice(i, i + 200))
      .returning('id')
      .execute();
    ids.push(...inserted.map((r) => r.id));
  }
  return ids;
}

export async function moveStatus(db: Db, id: number, from: RequestStatus, to: RequestStatus, at: string): Promise<boolean> {
  const r = await db.updateTable('evidence_requests').set({ status: to, updated_at: at }).where('id', '=', id).where('status', '=', from).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export function linkedEvidence(db: Db, requestIds: number[]) {
  if (requestIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('evidence_request_links as l')
    .innerJoin('evidence as e', 'e.id', 'l.evidence_id')
    .select(['l.request_id', 'e.id', 'e.title', 'e.status', 'e.collected_at', 'e.valid_until', 'e.superseded_by_id'])
    .where('l.request_id', 'in', requestIds)
    .orderBy('e.id')
    .execute();
}

export async function linkEvidence(db: Db, requestId: number, evidenceIds: number[]): Promise<void> {
  if (evidenceIds.length)
    await db
      .insertInto('evidence_request_links')
      .values(evidenceIds.map((evidence_id) => ({ request_id: requestId, evidence_id })))
      .execute();
}

/** Requests of the audit tied to any of the requirements (a scope change must not orphan them). */
export function requestsNaming(db: Db, auditId: number, requirementIds: number[]) {
  if (requirementIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('evidence_requests').select(['ref', 'requirement_id']).where('audit_id', '=', auditId).where('requirement_id', 'in', requirementIds).execute();
}

/** Controls mapped to a requirement, those that satisfy it fully first: where its evidence would come from. */
export function controlsMappedTo(db: Db, requirementId: number) {
  return db
    .selectFrom('mappings as m')
    .innerJoin('controls as c', 'c.id', 'm.control_id')
    .select(['c.ref', 'c.title'])
    .where('m.requirement_id', '=', requirementId)
    .where('c.retired_at', 'is', null)
    .orderBy(sql`case when m.relationship in ('equal', 'superset') then 0 else 1 end`)
    .orderBy('c.ref')
    .execute();
}
