import type { AppContext } from '../context.ts';
import type { Routes } from '../http/routes.ts';
import { principalOf } from '../http/actor.ts';
import { parseInput } from '../http/validate.ts';
import { crosswalk } from './crosswalk.service.ts';
import { crosswalkQuery, requirementParams, slugParam } from './frameworks.schema.ts';
import { getFramework, getRequirement, listFrameworks, requirementTree, type RequirementNode } from './frameworks.service.ts';

/** The tree, flattened in catalogue order, for API clients. */
function flatten(nodes: RequirementNode[], out: Omit<RequirementNode, 'children' | 'unmappedBelow' | 'assessableBelow'>[] = []) {
  for (const { children, unmappedBelow: _u, assessableBelow: _a, ...node } of nodes) {
    out.push(node);
    flatten(children, out);
  }
  return out;
}

export function frameworkApi(routes: Routes, ctx: AppContext): void {
  routes.get('/api/v1/frameworks', 'catalog.read', async (req, res) => {
    res.json({ items: await listFrameworks(ctx, principalOf(req)) });
  });

  routes.get('/api/v1/frameworks/:slug', 'catalog.read', async (req, res) => {
    const { slug } = parseInput(slugParam, req.params);
    const [framework, tree] = await Promise.all([getFramework(ctx, principalOf(req), slug), requirementTree(ctx, principalOf(req), slug)]);
    res.json({ ...framework, requirements: flatten(tree) });
  });

  routes.get('/api/v1/frameworks/:slug/requirements/:ref', 'catalog.read', async (req, res) => {
    const { slug, ref } = parseInput(requirementParams, req.params);
    res.json(await getRequirement(ctx, principalOf(req), slug, ref));
  });

  routes.get('/api/v1/crosswalk', 'catalog.read', async (req, res) => {
    const input = parseInput(crosswalkQuery.omit({ format: true }), req.query);
    res.json(await crosswalk(ctx, principalOf(req), input.from, input.to));
  });
}
