import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Relationship } from '../controls/controls.model.ts';

// The SQL of bringing in a team's catalog: what points at a framework's requirements, and moving
// those records to the requirements that succeed them.

type Db = Kysely<DB> | Transaction<DB>;

export function frameworkBySlug(db: Db, slug: string) {
  return db.selectFrom('frameworks').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export function requirementsOf(db: Db, frameworkId: number) {
  return db.selectFrom('requirements').select(['id', 'ref']).where('framework_id', '=', frameworkId).execute();
}

/** Every record that points at one of these requirements, by kind. */
export async function referencesTo(db: Db, requirementIds: number[]) {
  if (requirementIds.length === 0) return { mappings: [], exclusions: [], scope: [], findings: [], requests: [] };
  const ids = requirementIds;
  const [mappings, exclusions, scope, findings, requests] = await Promise.all([
    db
      .selectFrom('mappings as m')
      .innerJoin('controls as c', 'c.id', 'm.control_id')
      .select(['m.id', 'm.control_id', 'm.requirement_id', 'm.relationship', 'm.strength', 'm.rationale', 'c.ref as control_ref'])
      .where('m.requirement_id', 'in', ids)
      .execute(),
    db.selectFrom('requirement_exclusions').selectAll().where('requirement_id', 'in', ids).execute(),
    db.selectFrom('audit_scope').selectAll().where('requirement_id', 'in', ids).execute(),
    db.selectFrom('finding_links').select(['finding_id', 'requirement_id']).where('requirement_id', 'in', ids).execute(),
    db.selectFrom('evidence_requests').select(['id', 'audit_id', 'ref', 'requirement_id']).where('requirement_id', 'in', ids).execute(),
  ]);
  return { mappings, exclusions, scope, findings, requests };
}

export async function insertFramework(db: Db, row: { slug: string; name: string; edition: string; publisher: string; source: string; loaded_at: string }): Promise<number> {
  return (
    await db
      .insertInto('frameworks')
      .values({ ...row, origin: 'imported', numbering: 'publisher' })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
}

export async function updateFramework(db: Db, id: number, patch: { name?: string; edition?: string; publisher?: string; source: string; loaded_at: string }) {
  await db
    .updateTable('frameworks')
    .set({ ...patch, origin: 'imported', numbering: 'publisher' })
    .where('id', '=', id)
    .execute();
}

export async function insertRequirement(
  db: Db,
  row: { framework_id: number; ref: string; name: string; summary: string; parent_ref: string | null; assessable: 0 | 1; position: number },
): Promise<number> {
  return (await db.insertInto('requirements').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export async function updateRequirement(db: Db, id: number, row: { name: string; summary: string; parent_ref: string | null; assessable: 0 | 1; position: number }) {
  await db.updateTable('requirements').set(row).where('id', '=', id).execute();
}

export async function deleteRequirement(db: Db, id: number) {
  await db.deleteFrom('mappings').where('requirement_id', '=', id).execute();
  await db.deleteFrom('requirement_exclusions').where('requirement_id', '=', id).execute();
  await db.deleteFrom('requirements').where('id', '=', id).execute();
}

export async function deleteMappingsOf(db: Db, requirementIds: number[]) {
  if (requirementIds.length) await db.deleteFrom('mappings').where('requirement_id', 'in', requirementIds).execute();
}

export async function insertMapping(db: Db, row: { control_id: number; requirement_id: number; relationship: Relationship; strength: number | null; rationale: string | null }) {
  await db.insertInto('mappings').values(row).execute();
}

export async function deleteExclusionsOf(db: Db, requirementIds: number[]) {
  if (requirementIds.length) await db.deleteFrom('requirement_exclusions').where('requirement_id', 'in', requirementIds).execute();
}

export async function insertExclusion(db: Db, row: { requirement_id: number; justification: string; updated_at: string }) {
  await db.insertInto('requirement_exclusions').values(row).execute();
}

export async function moveScope(db: Db, auditId: number, from: number, to: number) {
  await db.deleteFrom('audit_scope').where('audit_id', '=', auditId).where('requirement_id', '=', from).execute();
  const has = await db.selectFrom('audit_scope').select('audit_id').where('audit_id', '=', auditId).where('requirement_id', '=', to).executeTakeFirst();
  if (!has) await db.insertInto('audit_scope').values({ audit_id: auditId, requirement_id: to }).execute();
}

export async function moveFindingLink(db: Db, findingId: number, from: number, to: number) {
  await db.updateTable('finding_links').set({ requirement_id: to }).where('finding_id', '=', findingId).where('requirement_id', '=', from).execute();
}

export async function moveRequest(db: Db, requestId: number, to: number) {
  await db.updateTable('evidence_requests').set({ requirement_id: to }).where('id', '=', requestId).execute();
}

export function refMapOf(db: Db, frameworkId: number) {
  return db.selectFrom('requirement_ref_map').select(['old_ref', 'new_ref']).where('framework_id', '=', frameworkId).execute();
}

export async function replaceRefMap(db: Db, frameworkId: number, rows: { old_ref: string; new_ref: string | null }[]) {
  await db.deleteFrom('requirement_ref_map').where('framework_id', '=', frameworkId).execute();
  for (let i = 0; i < rows.length; i += 300) {
    await db
      .insertInto('requirement_ref_map')
      .values(rows.slice(i, i + 300).map((r) => ({ framework_id: frameworkId, ...r })))
      .execute();
  }
}
