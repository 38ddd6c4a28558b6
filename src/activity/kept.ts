import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { newestActivityId } from './activity.repository.ts';

/**
 * Values derived from records that only change with a recorded action — every change is written
 * with its activity record in one transaction — kept per database until the newest activity record
 * moves (a sign-in moves it too, which costs one recomputation). A value computed just after a
 * change may be newer than the id it is kept under; the next change then recomputes it, so what
 * is served is never older than the trail. Inside a transaction nothing is kept: it may see
 * changes that are not committed.
 */
export class KeptUntilNextChange<T> {
  private readonly kept = new WeakMap<object, Map<string, T>>();

  /** `size`: how many keys each database keeps (the oldest dropped first). */
  constructor(private readonly size: number) {}

  async get(ctx: { db: Kysely<DB> }, key: string, compute: () => Promise<T>): Promise<T> {
    if (ctx.db.isTransaction) return compute();
    const at = `${await newestActivityId(ctx.db)}|${key}`;
    const kept = this.kept.get(ctx.db) ?? new Map<string, T>();
    this.kept.set(ctx.db, kept);
    const hit = kept.get(at);
    if (hit !== undefined) return hit;
    const value = await compute();
    kept.set(at, value);
    if (kept.size > this.size) kept.delete(kept.keys().next().value as string);
    return value;
  }
}
