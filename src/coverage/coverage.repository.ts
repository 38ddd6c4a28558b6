import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

/**
 * Per control: the accepted, current-version evidence valid on `day` (collected_at ≤ day ≤
 * valid_until). Days are YYYY-MM-DD text, so comparing them as text compares them as dates.
 */
export function validEvidenceByControl(db: Kysely<DB>, day: string) {
  return db
    .selectFrom('evidence as e')
    .innerJoin('evidence_controls as ec', 'ec.evidence_id', 'e.id')
    .select((eb) => ['ec.control_id', eb.fn.max('e.valid_until').as('valid_until'), eb.fn.countAll<number>().as('items')])
    .where('e.status', '=', 'accepted')
    .where('e.superseded_by_id', 'is', null)
    .where('e.valid_until', '>=', day)
    .where('e.collected_at', '<=', day)
    .groupBy('ec.control_id')
    .execute();
}

/** Per control: the last day covered by accepted evidence that had expired by `day`. */
export function expiredEvidenceByControl(db: Kysely<DB>, day: string, controlIds: number[]) {
  if (controlIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('evidence as e')
    .innerJoin('evidence_controls as ec', 'ec.evidence_id', 'e.id')
    .select((eb) => ['ec.control_id', eb.fn.max('e.valid_until').as('valid_until')])
    .where('e.status', '=', 'accepted')
    .where('e.superseded_by_id', 'is', null)
    .where('e.valid_until', '<', day)
    .where('ec.control_id', 'in', controlIds)
    .groupBy('ec.control_id')
    .execute();
}

/** Per control: evidence submitted on or before `day` that still awaits review. */
export function pendingEvidenceByControl(db: Kysely<DB>, controlIds: number[]) {
  if (controlIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('evidence as e')
    .innerJoin('evidence_controls as ec', 'ec.evidence_id', 'e.id')
    .select((eb) => ['ec.control_id', eb.fn.countAll<number>().as('items')])
    .where('e.status', '=', 'submitted')
    .where('e.superseded_by_id', 'is', null)
    .where('ec.control_id', 'in', controlIds)
    .groupBy('ec.control_id')
    .execute();
}

export function controlStates(db: Kysely<DB>) {
  return db.selectFrom('controls').select(['id', 'ref', 'title', 'status', 'applicable', 'retired_at']).execute();
}

export function frameworkRows(db: Kysely<DB>, slug?: string) {
  let q = db.selectFrom('frameworks').select(['id', 'slug', 'name']).orderBy('name');
  if (slug) q = q.where('slug', '=', slug);
  return q.execute();
}

/** Assessable requirements of the given frameworks, with their exclusion if any. */
export function assessableRequirements(db: Kysely<DB>, frameworkIds: number[]) {
  if (frameworkIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('requirements as r')
    .leftJoin('requirement_exclusions as x', 'x.requirement_id', 'r.id')
    .select(['r.id', 'r.framework_id', 'r.ref', 'r.name', 'r.position', 'x.justification'])
    .where('r.assessable', '=', 1)
    .where('r.framework_id', 'in', frameworkIds)
    .orderBy('r.position')
    .execute();
}

/** Mappings onto the given frameworks' requirements. */
export function mappingsOf(db: Kysely<DB>, frameworkIds: number[]) {
  if (frameworkIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('mappings as m')
    .innerJoin('requirements as r', 'r.id', 'm.requirement_id')
    .select(['m.requirement_id', 'm.control_id', 'm.relationship'])
    .where('r.framework_id', 'in', frameworkIds)
    .execute();
}

/**
 * The id of the newest activity record. Every change writes one in its own transaction, so this
 * number changes whenever anything coverage depends on may have changed.
 */
export async function latestChangeId(db: Kysely<DB>): Promise<number> {
  const row = await db.selectFrom('activity').select('id').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row?.id ?? 0;
}
