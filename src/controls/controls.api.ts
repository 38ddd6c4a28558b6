import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { requirementTree } from '../frameworks/frameworks.service.ts';
import { principalOf } from '../http/actor.ts';
import { apiPageSize } from '../http/pagination.ts';
import type { Routes } from '../http/routes.ts';
import { parseInput } from '../http/validate.ts';
import { controlFilterSchema, controlRefParam } from './controls.schema.ts';
import { controlJson, mappingJson } from './controls.presenter.ts';
import { getControl, listControls } from './controls.service.ts';

const mappingsQuery = z
  .object({ control: controlRefParam.shape.ref.optional(), framework: z.string().trim().min(1).max(60).optional() })
  .refine((q) => Boolean(q.control) !== Boolean(q.framework), { path: ['control'], message: 'Give either control=REF or framework=SLUG.' });

export function controlApi(routes: Routes, ctx: AppContext): void {
  routes.get('/api/v1/controls', 'catalog.read', async (req, res) => {
    const filter = parseInput(controlFilterSchema, req.query);
    const { limit } = parseInput(apiPageSize, req.query);
    const { items, total } = await listControls(ctx, principalOf(req), { ...filter, includeRetired: filter.retired === 'include' }, { limit, offset: (filter.page - 1) * limit });
    res.json({ items: items.map((c) => ({ ...controlJson(c), mappingCount: c.mappingCount })), total, page: filter.page, limit });
  });

  routes.get('/api/v1/controls/:ref', 'catalog.read', async (req, res) => {
    const { ref } = parseInput(controlRefParam, req.params);
    const { control, mappings } = await getControl(ctx, principalOf(req), ref);
    res.json({ control: controlJson(control), mappings: mappings.map(mappingJson) });
  });

  routes.get('/api/v1/mappings', 'catalog.read', async (req, res) => {
    const query = parseInput(mappingsQuery, req.query);
    if (query.control) {
      const { mappings } = await getControl(ctx, principalOf(req), query.control);
      res.json({ control: query.control, items: mappings.map(mappingJson) });
      return;
    }
    const tree = await requirementTree(ctx, principalOf(req), query.framework!);
    const items: { requirement: string; control: string; relationship: string; rationale: string | null }[] = [];
    const walk = (nodes: typeof tree) => {
      for (const n of nodes) {
        for (const c of n.controls) items.push({ requirement: n.ref, control: c.controlRef, relationship: c.relationship, rationale: c.rationale });
        walk(n.children);
      }
    };
    walk(tree);
    res.json({ framework: query.framework, items });
  });
}
