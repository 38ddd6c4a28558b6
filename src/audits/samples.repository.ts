import type { Insertable, Kysely, Transaction } from 'kysely';
import type { DB, SamplesTable } from '../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

export async function insertSample(db: Db, row: Insertable<SamplesTable>): Promise<number> {
  return (await db.insertInto('samples').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

const columns = [
  's.id',
  's.audit_id',
  's.title',
  's.population',
  's.population_size',
  's.population_sha256',
  's.sample_size',
  's.seed',
  's.selected',
  's.created_at',
  'u.name as drawn_by_name',
  'u.email as drawn_by_email',
] as const;

export function samplesOf(db: Db, auditId: number) {
  return db.selectFrom('samples as s').leftJoin('users as u', 'u.id', 's.drawn_by').select(columns).where('s.audit_id', '=', auditId).orderBy('s.id', 'desc').execute();
}

export function findSample(db: Db, auditId: number, id: number) {
  return db.selectFrom('samples as s').leftJoin('users as u', 'u.id', 's.drawn_by').select(columns).where('s.audit_id', '=', auditId).where('s.id', '=', id).executeTakeFirst();
}
