import type { AppContext } from '../context.ts';
import { AppError, isAppError } from '../http/errors.ts';
import { can } from '../auth/policy.ts';
import type { Routes } from '../http/routes.ts';
import { errorsByField, parseInput } from '../http/validate.ts';
import { cachedCoverage } from './coverage.cache.ts';
import { coverageChartSvg } from './coverage.chart.ts';
import { coveragePageQuery } from './coverage.schema.ts';
import { computeCoverage, today } from './coverage.service.ts';

export function coverageRoutes(routes: Routes, ctx: AppContext): void {
  routes.get('/', 'app.use', async (req, res) => {
    const user = req.user!;
    const query = req.query as Record<string, string | undefined>;
    const base = { title: 'Dashboard', section: 'dashboard', user, today: today(ctx) };
    // Auditors see the catalogue only through their audit's scope (a later part of Attest).
    if (!can(user.role, 'catalog.read')) return res.render('home/dashboard', { ...base, noCoverage: true });
    try {
      const { as_of } = parseInput(coveragePageQuery, query);
      const report = await cachedCoverage(ctx, { asOf: as_of });
      const nothingEffective = report.frameworks.every((f) => f.counts.met + f.counts.partial === 0);
      res.render('home/dashboard', { ...base, report, nothingEffective, chart: coverageChartSvg(report.frameworks), isToday: report.asOf === today(ctx) });
    } catch (err) {
      if (!isAppError(err) || err.code !== 'validation_failed') throw err;
      res.status(422).render('home/dashboard', { ...base, errors: errorsByField(err.fields), values: query });
    }
  });

  routes.get('/coverage/:slug', 'catalog.read', async (req, res) => {
    const query = req.query as Record<string, string | undefined>;
    const { as_of, status } = parseInput(coveragePageQuery, query);
    const slug = String(req.params.slug).slice(0, 60);
    try {
      const report = await computeCoverage(ctx, { asOf: as_of, framework: slug, detail: true });
      const framework = report.frameworks[0]!;
      const requirements = (framework.requirements ?? []).filter((r) => !status || r.status === status);
      res.render('coverage/framework', { title: `Coverage: ${framework.name}`, section: 'dashboard', asOf: report.asOf, framework, requirements, status, isToday: report.asOf === today(ctx) });
    } catch (err) {
      if (!isAppError(err) || err.code !== 'validation_failed') throw err;
      if (err.fields[0]?.field === 'framework') throw AppError.notFound(`Framework ${slug}`);
      res.status(422).render('coverage/framework', { title: 'Coverage', section: 'dashboard', errors: errorsByField(err.fields), asOf: query.as_of, framework: { slug, name: slug }, requirements: [] });
    }
  });
}
