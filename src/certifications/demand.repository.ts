import type { Insertable, Kysely, Transaction } from 'kysely';
import type { CertificationRequestsTable, DB } from '../db/schema.ts';
import type { DemandSource } from './certifications.model.ts';

// All SQL of customers' demand for certifications (the certification_requests table).

type Db = Kysely<DB> | Transaction<DB>;

const demandColumns = [
  'r.id',
  'r.customer',
  'r.framework_id',
  'r.scheme',
  'r.requested_on',
  'r.note',
  'r.contract_value',
  'r.source',
  'r.source_ref',
  'r.created_by',
  'r.created_at',
  'f.slug as framework_slug',
  'f.name as framework_name',
  'u.email as created_by_email',
] as const;

function demand(db: Db) {
  return db.selectFrom('certification_requests as r').leftJoin('frameworks as f', 'f.id', 'r.framework_id').leftJoin('users as u', 'u.id', 'r.created_by');
}

export type DemandRow = Awaited<ReturnType<typeof allDemand>>[number];

export async function insertDemand(db: Db, row: Insertable<CertificationRequestsTable>): Promise<number> {
  return (await db.insertInto('certification_requests').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export function findDemand(db: Db, id: number) {
  return demand(db).select(demandColumns).where('r.id', '=', id).executeTakeFirst();
}

/** A request an automatic source already recorded (same source reference, customer and scheme). */
export function findDemandFromSource(db: Db, source: DemandSource, sourceRef: string) {
  return db.selectFrom('certification_requests').select(['id', 'customer', 'framework_id', 'scheme']).where('source', '=', source).where('source_ref', '=', sourceRef).execute();
}

export async function deleteDemand(db: Db, id: number): Promise<void> {
  await db.deleteFrom('certification_requests').where('id', '=', id).execute();
}

export async function listDemand(db: Db, page: { limit: number; offset: number }) {
  const [rows, count] = await Promise.all([
    demand(db).select(demandColumns).orderBy('r.requested_on', 'desc').orderBy('r.id', 'desc').limit(page.limit).offset(page.offset).execute(),
    db
      .selectFrom('certification_requests')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** Every request, for the planning ranking (grouped in the service). */
export function allDemand(db: Db) {
  return demand(db).select(demandColumns).orderBy('r.requested_on', 'desc').orderBy('r.id', 'desc').execute();
}
