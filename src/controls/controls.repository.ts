import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB, Flag } from '../db/schema.ts';
import type { Frequency, ImplementationStatus, Relationship } from './controls.model.ts';
import { containsText } from '../db/text-match.ts';
import type { ControlRow } from './library.repository.ts';

type Db = Kysely<DB> | Transaction<DB>;

export interface ControlFilter {
  domain?: string | undefined;
  owner?: string | undefined;
  frequency?: Frequency | undefined;
  status?: ImplementationStatus | undefined;
  /** Only controls mapped to this framework. */
  framework?: string | undefined;
  q?: string | undefined;
  includeRetired?: boolean | undefined;
}

export async function listControls(
  db: Db,
  f: ControlFilter,
  page: { limit: number; offset: number },
): Promise<{ rows: (ControlRow & { domain_name: string; mapping_count: number })[]; total: number }> {
  let q = db.selectFrom('controls as c').innerJoin('control_domains as d', 'd.slug', 'c.domain');
  if (!f.includeRetired) q = q.where('c.retired_at', 'is', null);
  if (f.domain) q = q.where('c.domain', '=', f.domain);
  if (f.owner) q = q.where('c.owner', '=', f.owner);
  if (f.frequency) q = q.where('c.frequency', '=', f.frequency);
  if (f.status) q = q.where('c.status', '=', f.status);
  if (f.framework) {
    const slug = f.framework;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('mappings as m')
          .innerJoin('requirements as r', 'r.id', 'm.requirement_id')
          .innerJoin('frameworks as fw', 'fw.id', 'r.framework_id')
          .select(sql<number>`1`.as('one'))
          .whereRef('m.control_id', '=', 'c.id')
          .where('fw.slug', '=', slug),
      ),
    );
  }
  if (f.q) {
    q = q.where(containsText(f.q, ['c.ref', 'c.title', 'c.description']));
  }
  const [rows, count] = await Promise.all([
    q
      .selectAll('c')
      .select('d.name as domain_name')
      .select((eb) => eb.selectFrom('mappings as m').select(eb.fn.countAll<number>().as('n')).whereRef('m.control_id', '=', 'c.id').as('mapping_count'))
      .orderBy('c.ref')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map((r) => ({ ...r, mapping_count: Number(r.mapping_count ?? 0) })), total: Number(count.n) };
}

export function findControlByRef(db: Db, ref: string) {
  return db
    .selectFrom('controls as c')
    .innerJoin('control_domains as d', 'd.slug', 'c.domain')
    .selectAll('c')
    .select('d.name as domain_name')
    .where('c.ref', '=', ref)
    .executeTakeFirst();
}

export function mappingsOfControl(db: Db, controlId: number) {
  return db
    .selectFrom('mappings as m')
    .innerJoin('requirements as r', 'r.id', 'm.requirement_id')
    .innerJoin('frameworks as f', 'f.id', 'r.framework_id')
    .select(['m.id', 'm.relationship', 'm.strength', 'm.rationale', 'r.id as requirement_id', 'r.ref', 'r.name', 'r.position', 'f.slug', 'f.name as framework_name'])
    .where('m.control_id', '=', controlId)
    .orderBy('f.name')
    .orderBy('r.position')
    .execute();
}

/** Active controls with their domain's name, for choosing controls on a form (ordered as the picker lists them). */
export function activeControlChoices(db: Db) {
  return db
    .selectFrom('controls as c')
    .innerJoin('control_domains as d', 'd.slug', 'c.domain')
    .select(['c.ref', 'c.title', 'd.name as domain_name'])
    .where('c.retired_at', 'is', null)
    .orderBy('d.name')
    .orderBy('c.ref')
    .execute();
}

export function domains(db: Db) {
  return db.selectFrom('control_domains').selectAll().orderBy('name').execute();
}

export async function owners(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('controls').select('owner').distinct().where('retired_at', 'is', null).orderBy('owner').execute();
  return rows.map((r) => r.owner);
}

export function findAssessableRequirement(db: Db, slug: string, ref: string) {
  return db
    .selectFrom('requirements as r')
    .innerJoin('frameworks as f', 'f.id', 'r.framework_id')
    .select(['r.id', 'r.ref', 'r.assessable', 'f.slug', 'f.name as framework_name'])
    .where('f.slug', '=', slug)
    .where('r.ref', '=', ref)
    .executeTakeFirst();
}

export function findMapping(db: Db, controlId: number, requirementId: number) {
  return db.selectFrom('mappings').selectAll().where('control_id', '=', controlId).where('requirement_id', '=', requirementId).executeTakeFirst();
}

export function findMappingById(db: Db, id: number) {
  return db.selectFrom('mappings').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateControlColumns(
  db: Db,
  id: number,
  patch: { owner?: string; frequency?: Frequency; status?: ImplementationStatus; applicable?: Flag; applicability_note?: string | null; app_edited?: Flag; updated_at: string },
): Promise<void> {
  await db.updateTable('controls').set(patch).where('id', '=', id).execute();
}

export async function insertMapping(db: Db, row: { control_id: number; requirement_id: number; relationship: Relationship; rationale: string | null }): Promise<void> {
  await db
    .insertInto('mappings')
    .values({ ...row, strength: null })
    .execute();
}

export async function updateMapping(db: Db, id: number, patch: { relationship: Relationship; rationale: string | null }): Promise<void> {
  await db.updateTable('mappings').set(patch).where('id', '=', id).execute();
}

export async function deleteMapping(db: Db, id: number): Promise<void> {
  await db.deleteFrom('mappings').where('id', '=', id).execute();
}
