import type { AppContext } from '../context.ts';
import type { Routes } from '../http/routes.ts';
import { principalOf } from '../http/actor.ts';
import { parseInput } from '../http/validate.ts';
import { coverageApiQuery } from './coverage.schema.ts';
import { cachedCoverage } from './coverage.cache.ts';

export function coverageApi(routes: Routes, ctx: AppContext): void {
  routes.get('/api/v1/coverage', 'catalog.read', async (req, res) => {
    const q = parseInput(coverageApiQuery, req.query);
    res.json(await cachedCoverage(ctx, principalOf(req), { asOf: q.as_of, framework: q.framework, detail: q.detail }));
  });
}
