import { authorize } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { Kysely } from 'kysely';
import type { AppContext } from '../context.ts';
import type { DB } from '../db/schema.ts';
import { versionOf } from './intervals.repository.ts';
import { isAppError } from '../http/errors.ts';
import { errorsByField } from '../http/validate.ts';
import { askedCoverageDay, computeCoverage, type CoverageReport } from './coverage.service.ts';

const MAX_ENTRIES = 64;
const caches = new WeakMap<Kysely<DB>, Map<string, CoverageReport>>();

/**
 * computeCoverage, remembered until something it depends on changes. The key includes the coverage
 * version, which moves in the same transaction as every change that can alter coverage (catalogs,
 * applicability, controls, mappings, evidence decisions and versions; see coverageActions) and
 * only then — sign-ins, downloads and the rest leave it alone. Stored in the database, so several
 * server processes sharing one agree. Used by the dashboard, the framework pages and the API.
 */
export async function cachedCoverage(
  ctx: AppContext,
  principal: Principal,
  options: { asOf?: string | undefined; framework?: string | undefined; detail?: boolean },
): Promise<CoverageReport> {
  authorize(principal, 'catalog.read');
  const asOf = askedCoverageDay(ctx, options.asOf);
  const version = await versionOf(ctx.db, 'coverage');
  const key = [version, asOf, options.framework ?? '', options.detail ? 1 : 0].join('|');
  let cache = caches.get(ctx.db);
  if (!cache) {
    cache = new Map();
    caches.set(ctx.db, cache);
  }
  const hit = cache.get(key);
  if (hit) return hit;
  const report = await computeCoverage(ctx, principal, { ...options, asOf });
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(key, report);
  return report;
}

/**
 * Coverage for a page: the day asked for, or — when that day is refused (not a date, after today) —
 * today's coverage with the refusal for the date field, so the page still shows something true.
 */
export async function coverageOrToday(
  ctx: AppContext,
  principal: Principal,
  options: { asOf?: string | undefined; framework?: string | undefined; detail?: boolean },
): Promise<{ report: CoverageReport; errors: Record<string, string> | undefined }> {
  try {
    return { report: await cachedCoverage(ctx, principal, options), errors: undefined };
  } catch (err) {
    if (!isAppError(err) || err.code !== 'validation_failed' || err.fields[0]?.field !== 'as_of') throw err;
    return { report: await cachedCoverage(ctx, principal, { ...options, asOf: undefined }), errors: errorsByField(err.fields) };
  }
}
