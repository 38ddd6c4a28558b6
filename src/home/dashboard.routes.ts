import { can } from '../auth/policy.ts';
import type { AppContext } from '../context.ts';
import { cachedCoverage } from '../coverage/coverage.cache.ts';
import { coverageChartSvg } from '../coverage/coverage.chart.ts';
import { coveragePageQuery } from '../coverage/coverage.schema.ts';
import { today } from '../dates.ts';
import { principalOf } from '../http/actor.ts';
import { submitForm } from '../http/forms.ts';
import type { Routes } from '../http/routes.ts';
import { parseInput } from '../http/validate.ts';

/**
 * The landing page. It belongs to no single domain: it asks each one (today coverage; later
 * certifications, audits, the inbox) for what the signed-in principal may see.
 */
export function dashboardRoutes(routes: Routes, ctx: AppContext): void {
  routes.get('/', 'app.use', async (req, res) => {
    const principal = principalOf(req);
    const query = req.query as Record<string, string | undefined>;
    const base = { title: 'Dashboard', section: 'dashboard', user: req.user, today: today(ctx.clock) };
    // Auditors see the catalogue only through their audit's scope (a later part of Attest).
    if (!can(principal, 'catalog.read')) return res.render('home/dashboard', { ...base, noCoverage: true });
    await submitForm(
      async () => {
        const { as_of } = parseInput(coveragePageQuery, query);
        const report = await cachedCoverage(ctx, principal, { asOf: as_of });
        const nothingEffective = report.frameworks.every((f) => f.counts.met + f.counts.partial === 0);
        res.render('home/dashboard', { ...base, report, nothingEffective, chart: coverageChartSvg(report.frameworks), isToday: report.asOf === base.today });
      },
      (failure) => res.status(failure.status).render('home/dashboard', { ...base, errors: failure.errors, values: query }),
      ['validation_failed'],
    );
  });
}
