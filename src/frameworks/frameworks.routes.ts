import { openMajorFindingsOf } from '../audits/findings.service.ts';
import type { AppContext } from '../context.ts';
import { can } from '../auth/policy.ts';
import { relationshipLabels } from '../controls/controls.model.ts';
import { asOfQuery } from '../coverage/coverage.schema.ts';
import { cachedCoverage } from '../coverage/coverage.cache.ts';
import { today } from '../dates.ts';
import { principalOf } from '../http/actor.ts';
import { submitForm } from '../http/forms.ts';
import type { Routes } from '../http/routes.ts';
import { pageSlice, pageView } from '../http/pagination.ts';
import { parseInput } from '../http/validate.ts';
import { crosswalk, crosswalkCsv } from './crosswalk.service.ts';
import { crosswalkPageQuery, requirementParams, searchQuery, slugParam } from './frameworks.schema.ts';
import { requirementView, treeView } from './frameworks.presenter.ts';
import { getFramework, getRequirement, listFrameworks, requirementTree } from './frameworks.service.ts';
import { search } from './search.service.ts';

const CROSSWALK_PER_PAGE = 50;

export function frameworkRoutes(routes: Routes, ctx: AppContext): void {
  routes.get('/frameworks', 'catalog.read', async (req, res) => {
    res.render('frameworks/list', { title: 'Frameworks', section: 'frameworks', frameworks: await listFrameworks(ctx, principalOf(req)) });
  });

  routes.get('/frameworks/:slug', 'catalog.read', async (req, res) => {
    const { slug } = parseInput(slugParam, req.params);
    const principal = principalOf(req);
    const [framework, tree] = await Promise.all([getFramework(ctx, principal, slug), requirementTree(ctx, principal, slug)]);
    const model = { title: framework.name, section: 'frameworks', framework, relationshipLabels };
    await submitForm(
      async () => {
        const { as_of } = parseInput(asOfQuery, req.query);
        // The coverage page's report for the same day (cached, and checked the same way): one status per requirement.
        const report = await cachedCoverage(ctx, principal, { asOf: as_of, framework: slug, detail: true });
        const statusByRef = new Map((report.frameworks[0]?.requirements ?? []).map((r) => [r.ref, r.status]));
        res.render('frameworks/show', { ...model, tree: treeView(tree, statusByRef), asOf: report.asOf, isToday: report.asOf === today(ctx.clock) });
      },
      (failure) =>
        res
          .status(failure.status)
          .render('frameworks/show', { ...model, tree: treeView(tree, new Map()), errors: failure.errors, asOf: String(req.query.as_of ?? '').slice(0, 10) }),
      ['validation_failed'],
    );
  });

  routes.get('/frameworks/:slug/requirements/:ref', 'catalog.read', async (req, res) => {
    const { slug, ref } = parseInput(requirementParams, req.params);
    const principal = principalOf(req);
    const requirement = await getRequirement(ctx, principal, slug, ref);
    res.render('frameworks/requirement', {
      title: `${requirement.ref} ${requirement.name}`,
      section: 'frameworks',
      requirement: requirementView(requirement),
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
        const input = parseInput(crosswalkPageQuery, query);
        const cw = await crosswalk(ctx, principalOf(req), input.from, input.to);
        if (input.format === 'csv') {
          res.attachment(`crosswalk-${cw.from.slug}-to-${cw.to.slug}.csv`).type('text/csv; charset=utf-8').send(crosswalkCsv(cw));
          return;
        }
        // Every pair is derived anyway (the CSV needs them all); the page shows one slice of them.
        const shown = pageSlice(cw.pairs, input.page, CROSSWALK_PER_PAGE);
        res.render('frameworks/crosswalk', {
          ...model,
          crosswalk: cw,
          pairs: shown.items,
          pagination: pageView(cw.pairs.length, shown.page, CROSSWALK_PER_PAGE, { from: cw.from.slug, to: cw.to.slug }),
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
