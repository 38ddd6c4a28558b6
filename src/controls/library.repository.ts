import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { ControlsTable, DB, MappingsTable, RequirementsTable } from '../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type RequirementRow = Selectable<RequirementsTable>;
export type ControlRow = Selectable<ControlsTable>;

// Keeps multi-row inserts under SQLite's and PostgreSQL's bound-parameter limits.
const CHUNK = 200;

async function insertChunked<T extends keyof DB>(db: Db, table: T, rows: Insertable<DB[T]>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    // Kysely cannot narrow a generic table name; the rows are typed by the caller.
    await db
      .insertInto(table)
      .values(rows.slice(i, i + CHUNK) as never)
      .execute();
  }
}

export function findFrameworkBySlug(db: Db, slug: string) {
  return db.selectFrom('frameworks').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export async function upsertFramework(
  db: Db,
  row: { slug: string; name: string; edition: string; publisher: string; source: string; numbering: 'publisher' | 'provisional'; loaded_at: string },
): Promise<{ id: number; changed: boolean; created: boolean }> {
  const existing = await findFrameworkBySlug(db, row.slug);
  if (!existing) {
    const inserted = await db.insertInto('frameworks').values(row).returning('id').executeTakeFirstOrThrow();
    return { id: inserted.id, changed: true, created: true };
  }
  const changed = (['name', 'edition', 'publisher', 'source', 'numbering'] as const).some((k) => existing[k] !== row[k]);
  if (changed) await db.updateTable('frameworks').set(row).where('id', '=', existing.id).execute();
  return { id: existing.id, changed, created: false };
}

export function requirementsOf(db: Db, frameworkId: number): Promise<RequirementRow[]> {
  return db.selectFrom('requirements').selectAll().where('framework_id', '=', frameworkId).orderBy('position').execute();
}

export function insertRequirements(db: Db, rows: Insertable<RequirementsTable>[]): Promise<void> {
  return insertChunked(db, 'requirements', rows);
}

export async function updateRequirement(db: Db, id: number, patch: Partial<Insertable<RequirementsTable>>): Promise<void> {
  await db.updateTable('requirements').set(patch).where('id', '=', id).execute();
}

export async function deleteRequirements(db: Db, ids: number[]): Promise<void> {
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    await db.deleteFrom('mappings').where('requirement_id', 'in', chunk).execute();
    await db.deleteFrom('requirement_exclusions').where('requirement_id', 'in', chunk).execute();
    await db.deleteFrom('requirements').where('id', 'in', chunk).execute();
  }
}

/** framework slug + ref → requirement id, for resolving mappings and exclusions. */
export async function requirementIndex(db: Db): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('requirements')
    .innerJoin('frameworks', 'frameworks.id', 'requirements.framework_id')
    .select(['requirements.id', 'requirements.ref', 'frameworks.slug'])
    .execute();
  return new Map(rows.map((r) => [`${r.slug}\u0000${r.ref}`, r.id]));
}

export function allExclusions(db: Db) {
  return db
    .selectFrom('requirement_exclusions')
    .innerJoin('requirements', 'requirements.id', 'requirement_exclusions.requirement_id')
    .innerJoin('frameworks', 'frameworks.id', 'requirements.framework_id')
    .select(['requirement_exclusions.requirement_id', 'requirement_exclusions.justification', 'requirements.ref', 'frameworks.slug'])
    .execute();
}

export async function setExclusion(db: Db, requirementId: number, justification: string, now: string): Promise<void> {
  await db
    .insertInto('requirement_exclusions')
    .values({ requirement_id: requirementId, justification, updated_at: now })
    .onConflict((oc) => oc.column('requirement_id').doUpdateSet({ justification, updated_at: now }))
    .execute();
}

export async function deleteExclusion(db: Db, requirementId: number): Promise<void> {
  await db.deleteFrom('requirement_exclusions').where('requirement_id', '=', requirementId).execute();
}

export async function upsertDomain(db: Db, slug: string, name: string): Promise<void> {
  await db
    .insertInto('control_domains')
    .values({ slug, name })
    .onConflict((oc) => oc.column('slug').doUpdateSet({ name }))
    .execute();
}

export function allControls(db: Db): Promise<ControlRow[]> {
  return db.selectFrom('controls').selectAll().orderBy('ref').execute();
}

export interface MappingWithTarget {
  control_id: number;
  requirement_id: number;
  relationship: string;
  strength: number | null;
  rationale: string | null;
  framework: string;
  ref: string;
}

export function allMappings(db: Db): Promise<MappingWithTarget[]> {
  return db
    .selectFrom('mappings')
    .innerJoin('requirements', 'requirements.id', 'mappings.requirement_id')
    .innerJoin('frameworks', 'frameworks.id', 'requirements.framework_id')
    .select([
      'mappings.control_id',
      'mappings.requirement_id',
      'mappings.relationship',
      'mappings.strength',
      'mappings.rationale',
      'frameworks.slug as framework',
      'requirements.ref',
    ])
    .execute();
}

export async function insertControl(db: Db, row: Insertable<ControlsTable>): Promise<number> {
  const inserted = await db.insertInto('controls').values(row).returning('id').executeTakeFirstOrThrow();
  return inserted.id;
}

export async function updateControl(db: Db, id: number, patch: Partial<Insertable<ControlsTable>>): Promise<void> {
  await db.updateTable('controls').set(patch).where('id', '=', id).execute();
}

export async function replaceMappings(db: Db, controlId: number, rows: Omit<Insertable<MappingsTable>, 'control_id'>[]): Promise<void> {
  await db.deleteFrom('mappings').where('control_id', '=', controlId).execute();
  await insertChunked(
    db,
    'mappings',
    rows.map((r) => ({ ...r, control_id: controlId })),
  );
}

/**
 * Links every evidence item of one control to another as well (a merge): the old links stay, so the
 * retired control's history still reads as it happened. Returns the evidence ids newly linked.
 */
export async function linkEvidenceOfControl(db: Db, fromId: number, toId: number): Promise<number[]> {
  const from = await db.selectFrom('evidence_controls').select('evidence_id').where('control_id', '=', fromId).execute();
  const already = new Set((await db.selectFrom('evidence_controls').select('evidence_id').where('control_id', '=', toId).execute()).map((r) => r.evidence_id));
  const ids = from.map((r) => r.evidence_id).filter((id) => !already.has(id));
  for (let i = 0; i < ids.length; i += 500) {
    await db
      .insertInto('evidence_controls')
      .values(ids.slice(i, i + 500).map((evidence_id) => ({ evidence_id, control_id: toId })))
      .execute();
  }
  return ids;
}

/** Old → new requirement refs of catalogs a team replaced, per framework slug (null: no successor). */
export async function refMaps(db: Db): Promise<Map<string, Map<string, string | null>>> {
  const rows = await db.selectFrom('requirement_ref_map as m').innerJoin('frameworks as f', 'f.id', 'm.framework_id').select(['f.slug', 'm.old_ref', 'm.new_ref']).execute();
  const out = new Map<string, Map<string, string | null>>();
  for (const r of rows) {
    const map = out.get(r.slug) ?? new Map<string, string | null>();
    map.set(r.old_ref, r.new_ref);
    out.set(r.slug, map);
  }
  return out;
}
