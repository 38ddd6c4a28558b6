import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { type Interval, mergeIntervals } from './intervals.ts';

// The SQL of the control intervals and of the coverage version.

type Db = Kysely<DB> | Transaction<DB>;

/** Accepted, current evidence ranges, per control (all controls, or the ones given). */
async function evidenceRanges(db: Db, controlIds?: number[]): Promise<Map<number, Interval[]>> {
  let q = db
    .selectFrom('evidence as e')
    .innerJoin('evidence_controls as ec', 'ec.evidence_id', 'e.id')
    .select(['ec.control_id', 'e.collected_at', 'e.valid_until'])
    .where('e.status', '=', 'accepted')
    .where('e.superseded_by_id', 'is', null);
  if (controlIds) q = q.where('ec.control_id', 'in', controlIds);
  const out = new Map<number, Interval[]>();
  for (const r of await q.execute()) {
    const list = out.get(r.control_id) ?? [];
    list.push({ from: r.collected_at, until: r.valid_until });
    out.set(r.control_id, list);
  }
  return out;
}

/** The intervals as evidence says they should be, merged, per control. */
export async function computeIntervals(db: Db, controlIds?: number[]): Promise<Map<number, Interval[]>> {
  const ranges = await evidenceRanges(db, controlIds);
  const out = new Map<number, Interval[]>();
  for (const [id, items] of ranges) out.set(id, mergeIntervals(items));
  return out;
}

/** The intervals as stored, per control, in order. */
export async function storedIntervals(db: Db): Promise<Map<number, Interval[]>> {
  const rows = await db.selectFrom('control_intervals').selectAll().orderBy('control_id').orderBy('valid_from').orderBy('valid_until').execute();
  const out = new Map<number, Interval[]>();
  for (const r of rows) {
    const list = out.get(r.control_id) ?? [];
    list.push({ from: r.valid_from, until: r.valid_until });
    out.set(r.control_id, list);
  }
  return out;
}

export async function replaceIntervals(db: Db, controlIds: number[], intervals: Map<number, Interval[]>): Promise<void> {
  for (let i = 0; i < controlIds.length; i += 500) {
    await db
      .deleteFrom('control_intervals')
      .where('control_id', 'in', controlIds.slice(i, i + 500))
      .execute();
  }
  const rows = controlIds.flatMap((id) => (intervals.get(id) ?? []).map((iv) => ({ control_id: id, valid_from: iv.from, valid_until: iv.until })));
  for (let i = 0; i < rows.length; i += 300)
    await db
      .insertInto('control_intervals')
      .values(rows.slice(i, i + 300))
      .execute();
}

export async function clearIntervals(db: Db): Promise<void> {
  await db.deleteFrom('control_intervals').execute();
}

/** Controls whose intervals cover `day`, with the end of the covering interval. */
export function intervalsOnDay(db: Kysely<DB>, day: string) {
  return db
    .selectFrom('control_intervals')
    .select((eb) => ['control_id', eb.fn.max('valid_until').as('valid_until')])
    .where('valid_until', '>=', day)
    .where('valid_from', '<=', day)
    .groupBy('control_id')
    .execute();
}

export async function bumpVersion(db: Db, scope: 'coverage'): Promise<void> {
  await db
    .updateTable('change_versions')
    .set((eb) => ({ version: eb('version', '+', 1) }))
    .where('scope', '=', scope)
    .execute();
}

export async function versionOf(db: Db, scope: 'coverage'): Promise<number> {
  const row = await db.selectFrom('change_versions').select('version').where('scope', '=', scope).executeTakeFirst();
  return row?.version ?? 0;
}

export function controlIdsOfEvidence(db: Db, evidenceIds: number[]) {
  if (evidenceIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('evidence_controls').select('control_id').distinct().where('evidence_id', 'in', evidenceIds).execute();
}
