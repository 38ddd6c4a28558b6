import type { AppContext } from '../context.ts';
import { principalOf } from '../http/actor.ts';
import { apiPageSize } from '../http/pagination.ts';
import type { Routes } from '../http/routes.ts';
import { parseInput } from '../http/validate.ts';
import { demandJson, planningJson } from './demand.presenter.ts';
import { demandIdParam, demandInputSchema, demandListSchema } from './demand.schema.ts';
import { demandPlanning, getDemand, listDemand, recordDemand, removeDemand } from './demand.service.ts';

/** /api/v1/certifications/demand… and the planning ranking; registered before /api/v1/certifications/:id. */
export function demandApi(routes: Routes, ctx: AppContext): void {
  routes.get('/api/v1/certifications/planning', 'demand.read', async (req, res) => {
    res.json({ items: (await demandPlanning(ctx, principalOf(req))).map(planningJson) });
  });

  routes.get('/api/v1/certifications/demand', 'demand.read', async (req, res) => {
    const { page } = parseInput(demandListSchema, req.query);
    const { limit } = parseInput(apiPageSize, req.query);
    const { items, total } = await listDemand(ctx, principalOf(req), { limit, offset: (page - 1) * limit });
    res.json({ items: items.map(demandJson), total, page, limit });
  });

  routes.post('/api/v1/certifications/demand', 'demand.record', async (req, res) => {
    const principal = principalOf(req);
    const { id } = await recordDemand(ctx, principal, parseInput(demandInputSchema, req.body));
    res
      .status(201)
      .location(`/api/v1/certifications/demand/${id}`)
      .json(demandJson(await getDemand(ctx, principal, id)));
  });

  routes.post('/api/v1/certifications/demand/:id/delete', 'demand.record', async (req, res) => {
    const { id } = parseInput(demandIdParam, req.params);
    await removeDemand(ctx, principalOf(req), id);
    res.json({ removed: id });
  });
}
