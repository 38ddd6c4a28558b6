import { openMajorFindingsOf } from '../audits/findings.service.ts';
import { can } from '../auth/policy.ts';
import { evidenceStatesByRef } from '../evidence/freshness.service.ts';
import type { AppContext } from '../context.ts';
import { today } from '../dates.ts';
import { principalOf } from '../http/actor.ts';
import { AppError, isAppError } from '../http/errors.ts';
import type { Routes } from '../http/routes.ts';
import { errorsByField, parseInput } from '../http/validate.ts';
import { coveragePageQuery } from './coverage.schema.ts';
import { coverageOrToday } from './coverage.cache.ts';
import { heavyPage, yieldToEventLoop } from '../http/yield.ts';

export function coverageRoutes(routes: Routes, ctx: AppContext): void {
  routes.get('/coverage/:slug', 'catalog.read', async (req, res) => {
    const query = req.query as Record<string, string | undefined>;
    const { as_of, status } = parseInput(coveragePageQuery, query);
    const slug = String(req.params.slug).slice(0, 60);
    try {
      // Coverage pages take turns with the dashboard (see heavyPage) so cheap requests are not queued behind them.
      await yieldToEventLoop();
      const { report, errors } = await heavyPage(() => coverageOrToday(ctx, principalOf(req), { asOf: as_of, framework: slug, detail: true }));
      const framework = report.frameworks[0]!;
      // Open major nonconformities are shown wherever coverage is (empty for those who may not read audits).
      const majors = await openMajorFindingsOf(ctx, principalOf(req), framework.slug);
      // On today's page each control carries its evidence state, told as everywhere else ("awaiting
      // review" rather than a bare "not effective"), for those who may read evidence.
      const isToday = report.asOf === today(ctx.clock);
      const states = isToday && can(principalOf(req), 'evidence.read') ? await evidenceStatesByRef(ctx, principalOf(req)) : new Map();
      const requirements = (framework.requirements ?? [])
        .filter((r) => !status || r.status === status)
        .map((r) => ({ ...r, majorFindings: majors.get(r.ref) ?? [], controls: r.controls.map((c) => ({ ...c, state: states.get(c.ref) })) }));
      // A refused day (after today, not a date) shows today's coverage with the message on the field.
      res.status(errors ? 422 : 200).render('coverage/framework', {
        title: `Coverage: ${framework.name}`,
        section: 'dashboard',
        asOf: report.asOf,
        asked: errors ? query.as_of : report.asOf,
        errors,
        today: today(ctx.clock),
        framework,
        requirements,
        status,
        isToday,
      });
    } catch (err) {
      if (!isAppError(err) || err.code !== 'validation_failed') throw err;
      if (err.fields[0]?.field === 'framework') throw AppError.notFound(`Framework ${slug}`);
      res.status(422).render('coverage/framework', {
        title: 'Coverage',
        section: 'dashboard',
        errors: errorsByField(err.fields),
        asOf: query.as_of,
        asked: query.as_of,
        today: today(ctx.clock),
        framework: { slug, name: slug },
        requirements: [],
      });
    }
  });
}
