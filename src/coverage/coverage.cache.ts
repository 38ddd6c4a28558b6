import { authorize } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { Kysely } from 'kysely';
import type { AppContext } from '../context.ts';
import type { DB } from '../db/schema.ts';
import { latestChangeId } from './coverage.repository.ts';
import { today } from '../dates.ts';
import { computeCoverage, type CoverageReport } from './coverage.service.ts';

const MAX_ENTRIES = 64;
const caches = new WeakMap<Kysely<DB>, Map<string, CoverageReport>>();

/**
 * computeCoverage, remembered until the next change. The key includes the newest activity id:
 * every change to controls, mappings, evidence or applicability appends an activity record in the
 * same transaction, so a new id means the answer may differ and is computed afresh. Used by the
 * pages that are read far more often than data changes (the dashboard).
 */
export async function cachedCoverage(
  ctx: AppContext,
  principal: Principal,
  options: { asOf?: string | undefined; framework?: string | undefined; detail?: boolean },
): Promise<CoverageReport> {
  authorize(principal, 'catalog.read');
  const version = await latestChangeId(ctx.db);
  const key = [version, options.asOf ?? today(ctx.clock), options.framework ?? '', options.detail ? 1 : 0].join('|');
  let cache = caches.get(ctx.db);
  if (!cache) {
    cache = new Map();
    caches.set(ctx.db, cache);
  }
  const hit = cache.get(key);
  if (hit) return hit;
  const report = await computeCoverage(ctx, principal, { ...options, asOf: options.asOf ?? today(ctx.clock) });
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(key, report);
  return report;
}
