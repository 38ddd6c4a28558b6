import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

export function listFrameworkRows(db: Db) {
  return db.selectFrom('frameworks').selectAll().orderBy('name').execute();
}

export function findFramework(db: Db, slug: string) {
  return db.selectFrom('frameworks').selectAll().where('slug', '=', slug).executeTakeFirst();
}

/** Every requirement's framework, assessability and exclusion: the basis of the framework counts. */
export function requirementFlags(db: Db) {
  return db
    .selectFrom('requirements as r')
    .leftJoin('requirement_exclusions as x', 'x.requirement_id', 'r.id')
    .select(['r.id', 'r.framework_id', 'r.assessable', 'x.requirement_id as excluded_id'])
    .execute();
}

/** Requirement ids mapped by an active (not retired) control, with the relationships used. */
export function activeMappingRelationships(db: Db) {
  return db
    .selectFrom('mappings as m')
    .innerJoin('controls as c', 'c.id', 'm.control_id')
    .select(['m.requirement_id', 'm.relationship'])
    .where('c.retired_at', 'is', null)
    .execute();
}

export function requirementRows(db: Db, frameworkId: number) {
  return db
    .selectFrom('requirements as r')
    .leftJoin('requirement_exclusions as x', 'x.requirement_id', 'r.id')
    .select(['r.id', 'r.ref', 'r.name', 'r.summary', 'r.parent_ref', 'r.assessable', 'r.position', 'x.justification'])
    .where('r.framework_id', '=', frameworkId)
    .orderBy('r.position')
    .execute();
}

/** Every assessable requirement with its framework, in the frameworks' own order. */
export function assessableRequirementRows(db: Db) {
  return db
    .selectFrom('requirements as r')
    .innerJoin('frameworks as f', 'f.id', 'r.framework_id')
    .select(['f.slug', 'r.ref', 'r.name'])
    .where('r.assessable', '=', 1)
    .orderBy('f.name')
    .orderBy('r.position')
    .execute();
}

export function findRequirement(db: Db, frameworkId: number, ref: string) {
  return db
    .selectFrom('requirements as r')
    .leftJoin('requirement_exclusions as x', 'x.requirement_id', 'r.id')
    .select(['r.id', 'r.ref', 'r.name', 'r.summary', 'r.parent_ref', 'r.assessable', 'x.justification'])
    .where('r.framework_id', '=', frameworkId)
    .where('r.ref', '=', ref)
    .executeTakeFirst();
}

/** Mappings of active controls to the given requirements. */
export function mappingsForRequirements(db: Db, requirementIds: number[]) {
  if (requirementIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('mappings as m')
    .innerJoin('controls as c', 'c.id', 'm.control_id')
    .select(['m.id', 'm.requirement_id', 'm.relationship', 'm.rationale', 'c.id as control_id', 'c.ref as control_ref', 'c.title as control_title'])
    .where('m.requirement_id', 'in', requirementIds)
    .where('c.retired_at', 'is', null)
    .orderBy('c.ref')
    .execute();
}

/** Every requirement, in any framework, that the given controls map to. */
export function requirementsOfControls(db: Db, controlIds: number[]) {
  if (controlIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('mappings as m')
    .innerJoin('requirements as r', 'r.id', 'm.requirement_id')
    .innerJoin('frameworks as f', 'f.id', 'r.framework_id')
    .select(['m.control_id', 'm.relationship', 'r.ref', 'r.name', 'r.position', 'f.slug', 'f.name as framework_name'])
    .where('m.control_id', 'in', controlIds)
    .orderBy('f.name')
    .orderBy('r.position')
    .execute();
}

export async function hasFrameworks(db: Db): Promise<boolean> {
  return (await db.selectFrom('frameworks').select('id').limit(1).executeTakeFirst()) !== undefined;
}
