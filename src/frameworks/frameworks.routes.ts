import { openMajorFindingsOf } from '../audits/findings.service.ts';
import type { AppContext } from '../context.ts';
import { can } from '../auth/policy.ts';
import { relationshipLabels } from '../controls/controls.model.ts';
import { principalOf } from '../http/actor.ts';
import { submitForm } from '../http/forms.ts';
import type { Routes } from '../http/routes.ts';
import { parseInput } from '../http/validate.ts';
import { crosswalk, crosswalkCsv } from './crosswalk.service.ts';
import { crosswalkQuery, requirementParams, searchQuery, slugParam } from './frameworks.schema.ts';
import { getFramework, getRequirement, listFrameworks, requirementTree } from './frameworks.service.ts';
import { search } from './search.service.ts';

export function frameworkRoutes(routes: Routes, ctx: AppContext): void {
  routes.get('/frameworks', 'catalog.read', async (req, res) => {
    res.render('frameworks/list', { title: 'Frameworks', section: 'frameworks', frameworks: await listFrameworks(ctx, principalOf(req)) });
  });

  routes.get('/frameworks/:slug', 'catalog.read', async (req, res) => {
    const { slug } = parseInput(slugParam, req.params);
    const [framework, tree] = await Promise.all([getFramework(ctx, principalOf(req), slug), requirementTree(ctx, principalOf(req), slug)]);
    res.render('frameworks/show', { title: framework.name, section: 'frameworks', framework, tree, relationshipLabels });
  });

  routes.get('/frameworks/:slug/requirements/:ref', 'catalog.read', async (req, res) => {
    const { slug, ref } = parseInput(requirementParams, req.params);
    const principal = principalOf(req);
    const requirement = await getRequirement(ctx, principal, slug, ref);
    res.render('frameworks/requirement', {
      title: `${requirement.ref} ${requirement.name}`,
      section: 'frameworks',
      requirement,
      majorFindings: (await openMajorFindingsOf(ctx, principal, slug)).get(requirement.ref) ?? [],
      canEdit: can(principal, 'controls.edit'),
    });
  });

  routes.get('/crosswalk', 'catalog.read', async (req, res) => {
    const frameworks = await listFrameworks(ctx, principalOf(req));
    const query = req.query as Record<string, string | undefined>;
    const model = { title: 'Crosswalk', section: 'frameworks', frameworks, values: query };
    if (!query.from && !query.to) return res.render('frameworks/crosswalk', model);
    await submitForm(
      async () => {
        const input = parseInput(crosswalkQuery, query);
        const cw = await crosswalk(ctx, principalOf(req), input.from, input.to);
        if (input.format === 'csv') {
          res.attachment(`crosswalk-${cw.from.slug}-to-${cw.to.slug}.csv`).type('text/csv; charset=utf-8').send(crosswalkCsv(cw));
          return;
        }
        res.render('frameworks/crosswalk', {
          ...model,
          crosswalk: cw,
          csvHref: `/crosswalk?from=${encodeURIComponent(cw.from.slug)}&to=${encodeURIComponent(cw.to.slug)}&format=csv`,
        });
      },
      (failure) => res.status(failure.status).render('frameworks/crosswalk', { ...model, errors: failure.errors }),
      ['validation_failed'],
    );
  });

  routes.get('/search', 'catalog.read', async (req, res) => {
    const { q } = parseInput(searchQuery, req.query);
    const results = q.length >= 2 ? await search(ctx, principalOf(req), q) : undefined;
    res.render('frameworks/search', { title: q ? `Search: ${q}` : 'Search', section: 'frameworks', q, results, tooShort: q.length === 1 });
  });
}
