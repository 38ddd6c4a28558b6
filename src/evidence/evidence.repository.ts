import { sql, type ExpressionBuilder, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DB, EvidenceFilesTable, EvidenceTable } from '../db/schema.ts';
import type { EvidenceScope } from '../auth/policy.ts';
import { containsText } from '../db/text-match.ts';
import type { EvidenceKind, EvidenceStatus } from './evidence.model.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type EvidenceRow = Selectable<EvidenceTable>;
export type EvidenceFileRow = Selectable<EvidenceFilesTable>;

const CHUNK = 200;

export async function insertEvidence(db: Db, row: Insertable<EvidenceTable>): Promise<number> {
  const inserted = await db.insertInto('evidence').values(row).returning('id').executeTakeFirstOrThrow();
  return inserted.id;
}

/** Many evidence rows at once (bulk import); returns their ids in order. */
export async function insertEvidenceBatch(db: Db, rows: Insertable<EvidenceTable>[]): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < rows.length; i += CHUNK) {
    const inserted = await db
      .insertInto('evidence')
      .values(rows.slice(i, i + CHUNK))
      .returning('id')
      .execute();
    ids.push(...inserted.map((r) => r.id));
  }
  return ids;
}

export async function setLineage(db: Db, id: number, lineageId: number): Promise<void> {
  await db.updateTable('evidence').set({ lineage_id: lineageId }).where('id', '=', id).execute();
}

/** Bulk-imported rows are first versions: each is its own lineage. */
/** Bulk-imported rows are first versions, each its own lineage; set per batch so no statement walks the whole import. */
export async function setOwnLineageOf(db: Db, ids: number[]): Promise<void> {
  if (ids.length) await db.updateTable('evidence').set({ lineage_id: sql<number>`id` }).where('id', 'in', ids).execute();
}

export async function setOwnLineage(db: Db, importId: string): Promise<void> {
  await db.updateTable('evidence').set({ lineage_id: sql<number>`id` }).where('import_id', '=', importId).execute();
}

export async function linkControls(db: Db, links: { evidence_id: number; control_id: number }[]): Promise<void> {
  for (let i = 0; i < links.length; i += CHUNK * 2) {
    await db
      .insertInto('evidence_controls')
      .values(links.slice(i, i + CHUNK * 2))
      .execute();
  }
}

export async function insertFiles(db: Db, rows: Insertable<EvidenceFilesTable>[]): Promise<void> {
  if (rows.length) await db.insertInto('evidence_files').values(rows).execute();
}

export function findEvidenceRow(db: Db, id: number) {
  return db
    .selectFrom('evidence as e')
    .leftJoin('users as s', 's.id', 'e.submitter_id')
    .leftJoin('users as r', 'r.id', 'e.reviewer_id')
    .selectAll('e')
    .select(['s.email as submitter_email', 's.name as submitter_name', 'r.email as reviewer_email', 'r.name as reviewer_name'])
    .where('e.id', '=', id)
    .executeTakeFirst();
}

export function controlsOfEvidence(db: Db, evidenceIds: number[]) {
  if (evidenceIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('evidence_controls as ec')
    .innerJoin('controls as c', 'c.id', 'ec.control_id')
    .select(['ec.evidence_id', 'c.id', 'c.ref', 'c.title', 'c.frequency', 'c.owner'])
    .where('ec.evidence_id', 'in', evidenceIds)
    .orderBy('c.ref')
    .execute();
}

export function filesOfEvidence(db: Db, evidenceIds: number[]) {
  if (evidenceIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('evidence_files').selectAll().where('evidence_id', 'in', evidenceIds).orderBy('id').execute();
}

export function versionsOf(db: Db, lineageId: number, scope: EvidenceScope) {
  return db
    .selectFrom('evidence as e')
    .leftJoin('users as s', 's.id', 'e.submitter_id')
    .select(['e.id', 'e.version', 'e.title', 'e.status', 'e.submitted_at', 'e.collected_at', 'e.valid_until', 'e.superseded_by_id', 's.email as submitter_email'])
    .where('e.lineage_id', '=', lineageId)
    .where(scopeCondition(scope))
    .orderBy('e.version', 'desc')
    .execute();
}

export async function markSuperseded(db: Db, id: number, byId: number, at: string): Promise<boolean> {
  // Only the current version can be superseded; the condition makes a concurrent second attempt fail.
  const result = await db.updateTable('evidence').set({ superseded_by_id: byId, superseded_at: at }).where('id', '=', id).where('superseded_by_id', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function setShareable(db: Db, id: number, shareable: boolean): Promise<void> {
  await db
    .updateTable('evidence')
    .set({ shareable: shareable ? 1 : 0 })
    .where('id', '=', id)
    .execute();
}

export async function recordReview(
  db: Db,
  id: number,
  review: { status: EvidenceStatus; reviewer_id: number | null; reviewed_at: string; review_comment: string | null },
): Promise<boolean> {
  const result = await db.updateTable('evidence').set(review).where('id', '=', id).where('status', '=', 'submitted').where('superseded_by_id', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export function findFile(db: Db, evidenceId: number, fileId: number) {
  return db.selectFrom('evidence_files').selectAll().where('id', '=', fileId).where('evidence_id', '=', evidenceId).executeTakeFirst();
}

export interface EvidenceFilter {
  status?: EvidenceStatus | 'superseded' | undefined;
  kind?: EvidenceKind | undefined;
  control?: string | undefined;
  q?: string | undefined;
}

/** The policy's evidence scope as a condition on `e` (see evidenceScope in src/auth/policy.ts). */
function scopeCondition(scope: EvidenceScope) {
  return (eb: ExpressionBuilder<DB & { e: EvidenceTable }, 'e'>) => (scope === 'all' ? eb.lit(true) : scope === 'shareable' ? eb('e.shareable', '=', 1) : eb.lit(false));
}

export async function listEvidence(db: Db, f: EvidenceFilter, page: { limit: number; offset: number }, scope: EvidenceScope) {
  let q = db.selectFrom('evidence as e').leftJoin('users as s', 's.id', 'e.submitter_id').where(scopeCondition(scope));
  if (f.status === 'superseded') q = q.where('e.superseded_by_id', 'is not', null);
  else {
    q = q.where('e.superseded_by_id', 'is', null);
    if (f.status) q = q.where('e.status', '=', f.status);
  }
  if (f.kind) q = q.where('e.kind', '=', f.kind);
  if (f.control) {
    const ref = f.control;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('evidence_controls as ec')
          .innerJoin('controls as c', 'c.id', 'ec.control_id')
          .select(sql<number>`1`.as('one'))
          .whereRef('ec.evidence_id', '=', 'e.id')
          .where('c.ref', '=', ref),
      ),
    );
  }
  if (f.q) {
    q = q.where(containsText(f.q, ['e.title', 'e.description']));
  }
  const [rows, count] = await Promise.all([
    q.selectAll('e').select('s.email as submitter_email').orderBy('e.id', 'desc').limit(page.limit).offset(page.offset).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** Current accepted evidence whose validity ends between `from` and `to`, with its controls' owners. */
export function expiringBetween(db: Db, from: string, to: string) {
  return db
    .selectFrom('evidence as e')
    .innerJoin('evidence_controls as ec', 'ec.evidence_id', 'e.id')
    .innerJoin('controls as c', 'c.id', 'ec.control_id')
    .select(['e.id', 'e.title', 'e.valid_until', 'c.ref', 'c.title as control_title', 'c.owner'])
    .where('e.status', '=', 'accepted')
    .where('e.superseded_by_id', 'is', null)
    .where('e.valid_until', '>=', from)
    .where('e.valid_until', '<=', to)
    .where('c.retired_at', 'is', null)
    .orderBy('e.valid_until')
    .execute();
}

/** Per active control: the last day its accepted evidence covers (null if it never had any). */
export function lastValidDayByControl(db: Db) {
  return db
    .selectFrom('controls as c')
    .leftJoin(
      (eb) =>
        // The control's coverage intervals are built from exactly its accepted, current evidence, so
        // their last day is that evidence's latest valid_until, read from a few hundred rows rather
        // than from every evidence item.
        eb
          .selectFrom('control_intervals as ci')
          .select((x) => ['ci.control_id', x.fn.max('ci.valid_until').as('last_day')])
          .groupBy('ci.control_id')
          .as('v'),
      (join) => join.onRef('v.control_id', '=', 'c.id'),
    )
    .select(['c.id', 'c.ref', 'c.title', 'c.owner', 'c.frequency', 'c.status', 'c.applicable', 'v.last_day'])
    .where('c.retired_at', 'is', null)
    .orderBy('c.ref')
    .execute();
}

/** Every version of every evidence item of one control, newest collection first. */
export function timelineOfControl(db: Db, controlId: number) {
  return db
    .selectFrom('evidence as e')
    .innerJoin('evidence_controls as ec', 'ec.evidence_id', 'e.id')
    .select(['e.id', 'e.title', 'e.kind', 'e.status', 'e.collected_at', 'e.valid_until', 'e.version', 'e.superseded_by_id', 'e.shareable'])
    .where('ec.control_id', '=', controlId)
    .orderBy('e.collected_at', 'desc')
    .orderBy('e.id', 'desc')
    .execute();
}

export function activeControlsByRef(db: Db, refs: string[]) {
  if (refs.length === 0) return Promise.resolve([]);
  return db.selectFrom('controls').select(['id', 'ref', 'frequency', 'retired_at']).where('ref', 'in', refs).execute();
}

export function allControlRefs(db: Db) {
  return db.selectFrom('controls').select(['id', 'ref', 'frequency', 'retired_at']).execute();
}

/**
 * The evidence-due facts of every applicable, implemented, active control: the last day its current
 * accepted evidence covers (null when never evidenced), when that was last reviewed, and the
 * framework slugs it maps to. Two small queries: ~250 controls, a few thousand mappings.
 */
export async function evidenceDueByControl(db: Db) {
  const [controls, frameworks] = await Promise.all([
    db
      .selectFrom('controls as c')
      .leftJoin(
        (eb) =>
          eb
            .selectFrom('evidence_controls as ec')
            .innerJoin('evidence as e', 'e.id', 'ec.evidence_id')
            .select((x) => ['ec.control_id', x.fn.max('e.valid_until').as('last_day'), x.fn.max('e.reviewed_at').as('reviewed_at')])
            .where('e.status', '=', 'accepted')
            .where('e.superseded_by_id', 'is', null)
            .groupBy('ec.control_id')
            .as('v'),
        (join) => join.onRef('v.control_id', '=', 'c.id'),
      )
      .select(['c.id', 'c.ref', 'c.title', 'c.owner', 'c.updated_at', 'v.last_day', 'v.reviewed_at'])
      .where('c.retired_at', 'is', null)
      .where('c.applicable', '=', 1)
      .where('c.status', '=', 'implemented')
      .orderBy('c.ref')
      .execute(),
    db
      .selectFrom('mappings as m')
      .innerJoin('requirements as r', 'r.id', 'm.requirement_id')
      .innerJoin('frameworks as f', 'f.id', 'r.framework_id')
      .select(['m.control_id', 'f.slug'])
      .distinct()
      .execute(),
  ]);
  const slugs = new Map<number, string[]>();
  for (const f of frameworks) slugs.set(f.control_id, [...(slugs.get(f.control_id) ?? []), f.slug]);
  return controls.map((c) => ({
    ref: c.ref,
    title: c.title,
    owner: c.owner,
    updatedAt: c.updated_at,
    lastDay: c.last_day === null ? null : String(c.last_day),
    reviewedAt: c.reviewed_at === null ? null : String(c.reviewed_at),
    frameworks: (slugs.get(c.id) ?? []).sort(),
  }));
}

/**
 * Accepted evidence (current versions) valid on `day` (collected_at ≤ day ≤ valid_until), one row
 * per item and control, with its reviewer: the evidence a report lists for each control on a day.
 * Filtered by the caller's evidence scope like any list.
 */
export function acceptedValidOn(db: Db, day: string, scope: EvidenceScope) {
  return db
    .selectFrom('evidence as e')
    .innerJoin('evidence_controls as ec', 'ec.evidence_id', 'e.id')
    .innerJoin('controls as c', 'c.id', 'ec.control_id')
    .leftJoin('users as r', 'r.id', 'e.reviewer_id')
    .select(['e.id', 'e.title', 'e.kind', 'e.collected_at', 'e.valid_until', 'e.reviewed_at', 'r.email as reviewer_email', 'r.name as reviewer_name', 'c.ref as control_ref'])
    .where(scopeCondition(scope))
    .where('e.status', '=', 'accepted')
    .where('e.superseded_by_id', 'is', null)
    .where('e.valid_until', '>=', day)
    .where('e.collected_at', '<=', day)
    .execute();
}

/** Per control ref: the last day covered by accepted evidence (current versions) collected by `day`. */
export function coveredUntilByControl(db: Db, day: string, scope: EvidenceScope) {
  return db
    .selectFrom('evidence as e')
    .innerJoin('evidence_controls as ec', 'ec.evidence_id', 'e.id')
    .innerJoin('controls as c', 'c.id', 'ec.control_id')
    .select((eb) => ['c.ref as control_ref', eb.fn.max('e.valid_until').as('covered_until')])
    .where(scopeCondition(scope))
    .where('e.status', '=', 'accepted')
    .where('e.superseded_by_id', 'is', null)
    .where('e.collected_at', '<=', day)
    .groupBy('c.ref')
    .execute();
}

/** The newest accepted, current evidence of a control collected by `day` (the demo answers audit requests with it). */
export async function latestAcceptedOfControl(db: Kysely<DB>, controlRef: string, day: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('evidence as e')
    .innerJoin('evidence_controls as ec', 'ec.evidence_id', 'e.id')
    .innerJoin('controls as c', 'c.id', 'ec.control_id')
    .select('e.id')
    .where('c.ref', '=', controlRef)
    .where('e.status', '=', 'accepted')
    .where('e.superseded_by_id', 'is', null)
    .where('e.collected_at', '<=', day)
    .orderBy('e.collected_at', 'desc')
    .orderBy('e.id', 'desc')
    .executeTakeFirst();
  return row?.id;
}

/**
 * Evidence that may go to a customer on `day`: shareable, accepted, current, collected by then and
 * valid that day, for the given controls — with each item's files. For answer packs' appendices.
 */
export async function shareableCurrentOfControls(db: Db, refs: string[], day: string) {
  if (refs.length === 0) return [];
  const items = await db
    .selectFrom('evidence as e')
    .innerJoin('evidence_controls as ec', 'ec.evidence_id', 'e.id')
    .innerJoin('controls as c', 'c.id', 'ec.control_id')
    .select(['e.id', 'e.title', 'e.kind', 'e.collected_at', 'e.valid_until', 'c.ref as control_ref'])
    .where('c.ref', 'in', refs)
    .where('e.shareable', '=', 1)
    .where('e.status', '=', 'accepted')
    .where('e.superseded_by_id', 'is', null)
    .where('e.collected_at', '<=', day)
    .where('e.valid_until', '>=', day)
    .orderBy('c.ref')
    .orderBy('e.collected_at', 'desc')
    .execute();
  const ids = [...new Set(items.map((i) => i.id))];
  const files = ids.length
    ? await db.selectFrom('evidence_files').select(['evidence_id', 'filename', 'sha256', 'size']).where('evidence_id', 'in', ids).orderBy('id').execute()
    : [];
  return items.map((i) => ({ ...i, files: files.filter((f) => f.evidence_id === i.id) }));
}

/** Current evidence awaiting review that this user did not submit (four eyes), oldest first. */
export async function reviewQueue(db: Db, notSubmittedBy: number, limit: number) {
  const q = db
    .selectFrom('evidence as e')
    .leftJoin('users as s', 's.id', 'e.submitter_id')
    .where('e.status', '=', 'submitted')
    .where('e.superseded_by_id', 'is', null)
    .where((eb) => eb.or([eb('e.submitter_id', 'is', null), eb('e.submitter_id', '!=', notSubmittedBy)]));
  const [rows, count] = await Promise.all([
    q.select(['e.id', 'e.title', 'e.submitted_at', 's.name as submitter_name', 's.email as submitter_email']).orderBy('e.submitted_at').orderBy('e.id').limit(limit).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/**
 * This user's rejected items not redone yet, newest decision first: no newer version replaced it,
 * and no evidence for one of its controls was submitted after the rejection (people often log a
 * fresh item rather than a version; either way the work is done).
 */
export async function rejectedToRedo(db: Db, submitterId: number, limit: number) {
  const q = db
    .selectFrom('evidence as e')
    .where('e.status', '=', 'rejected')
    .where('e.superseded_by_id', 'is', null)
    .where('e.submitter_id', '=', submitterId)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('evidence_controls as mine')
            .innerJoin('evidence_controls as theirs', 'theirs.control_id', 'mine.control_id')
            .innerJoin('evidence as later', 'later.id', 'theirs.evidence_id')
            .select(sql<number>`1`.as('one'))
            .whereRef('mine.evidence_id', '=', 'e.id')
            .whereRef('later.id', '!=', 'e.id')
            .whereRef('later.submitted_at', '>', 'e.reviewed_at'),
        ),
      ),
    );
  const [rows, count] = await Promise.all([
    q.select(['e.id', 'e.title', 'e.reviewed_at', 'e.review_comment']).orderBy('e.reviewed_at', 'desc').orderBy('e.id', 'desc').limit(limit).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** The control refs of the given evidence items. */
export function controlRefsOf(db: Db, evidenceIds: number[]) {
  if (evidenceIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('evidence_controls as ec')
    .innerJoin('controls as c', 'c.id', 'ec.control_id')
    .select(['ec.evidence_id', 'c.ref', 'c.owner'])
    .where('ec.evidence_id', 'in', evidenceIds)
    .orderBy('c.ref')
    .execute();
}

/** Per control: current items submitted and not yet reviewed. */
export function awaitingReviewByControl(db: Db) {
  return db
    .selectFrom('evidence as e')
    .innerJoin('evidence_controls as ec', 'ec.evidence_id', 'e.id')
    .select((eb) => ['ec.control_id', eb.fn.countAll<number>().as('n')])
    .where('e.status', '=', 'submitted')
    .where('e.superseded_by_id', 'is', null)
    .groupBy('ec.control_id')
    .execute();
}
