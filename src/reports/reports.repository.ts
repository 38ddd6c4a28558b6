import type { Insertable, Kysely, Transaction, Updateable } from 'kysely';
import type { DB, ReportFilesTable, ReportsTable } from '../db/schema.ts';

// All SQL of the reports domain: issued reports and their files.

type Db = Kysely<DB> | Transaction<DB>;

const reportColumns = [
  'r.id',
  'r.kind',
  'r.title',
  'r.framework_id',
  'r.audit_id',
  'r.params',
  'r.as_of',
  'r.status',
  'r.progress_done',
  'r.progress_total',
  'r.error',
  'r.chain_head',
  'r.created_by',
  'r.created_label',
  'r.created_at',
  'r.finished_at',
] as const;

export type ReportRow = NonNullable<Awaited<ReturnType<typeof findReport>>>;

export async function insertReport(db: Db, row: Insertable<ReportsTable>): Promise<number> {
  return (await db.insertInto('reports').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export async function updateReport(db: Db, id: number, patch: Updateable<ReportsTable>): Promise<void> {
  await db.updateTable('reports').set(patch).where('id', '=', id).execute();
}

export function findReport(db: Db, id: number) {
  return db.selectFrom('reports as r').select(reportColumns).where('r.id', '=', id).executeTakeFirst();
}

export interface ReportFilter {
  auditId?: number | undefined;
  /** Only reports of these audits (an auditor's open assignments). */
  auditIds?: readonly number[] | undefined;
  kinds?: readonly string[] | undefined;
}

export async function listReports(db: Db, filter: ReportFilter, page: { limit: number; offset: number }) {
  let q = db.selectFrom('reports as r');
  if (filter.auditId !== undefined) q = q.where('r.audit_id', '=', filter.auditId);
  if (filter.auditIds) q = q.where('r.audit_id', 'in', filter.auditIds.length ? [...filter.auditIds] : [-1]);
  if (filter.kinds) q = q.where('r.kind', 'in', filter.kinds.length ? [...filter.kinds] : ['']);
  const [rows, count] = await Promise.all([
    q.select(reportColumns).orderBy('r.id', 'desc').limit(page.limit).offset(page.offset).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export async function insertFiles(db: Db, rows: Insertable<ReportFilesTable>[]): Promise<void> {
  if (rows.length) await db.insertInto('report_files').values(rows).execute();
}

export function filesOf(db: Db, reportIds: number[]) {
  if (reportIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('report_files').selectAll().where('report_id', 'in', reportIds).orderBy('id').execute();
}

/** Issued files with this content, with their reports. */
export function filesBySha256(db: Db, sha256: string) {
  return db
    .selectFrom('report_files as f')
    .innerJoin('reports as r', 'r.id', 'f.report_id')
    .select(['f.id as file_id', 'f.name', 'f.media_type', 'f.size', ...reportColumns])
    .where('f.sha256', '=', sha256)
    .where('r.status', '=', 'ready')
    .orderBy('r.id')
    .execute();
}
