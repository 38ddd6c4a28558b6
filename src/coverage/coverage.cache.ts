import type { Kysely } from 'kysely';
import type { AppContext } from '../context.ts';
import type { DB } from '../db/schema.ts';
import { latestChangeId } from './coverage.repository.ts';
import { computeCoverage, today, type CoverageReport } from './coverage.service.ts';

const MAX_ENTRIES = 64;
const caches = new WeakMap<Kysely<DB>, Map<string, CoverageReport>>();

/**
 * computeCoverage, remembered until the next change. The key includes the newest activity id:
 * every change to controls, mappings, evidence or applicability appends an activity record in the
 * same transaction, so a new id means the answer may differ and is computed afresh. Used by the
 * pages that are read far more often than data changes (the dashboard).
 */
export async function cachedCoverage(ctx: AppContext, options: { asOf?: string | undefined; framework?: string | undefined; detail?: boolean }): Promise<CoverageReport> {
  const version = await latestChangeId(ctx.db);
  const key = [version, options.asOf ?? today(ctx), options.framework ?? '', options.detail ? 1 : 0].join('|');
  let cache = caches.get(ctx.db);
  if (!cache) {
    cache = new Map();
    caches.set(ctx.db, cache);
  }
  const hit = cache.get(key);
  if (hit) return hit;
  const report = await computeCoverage(ctx, { ...options, asOf: options.asOf ?? today(ctx) });
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(key, report);
  return report;
}
