import type { Request, Response } from 'express';
import { can } from '../auth/policy.ts';
import type { AppContext } from '../context.ts';
import { today } from '../dates.ts';
import { principalOf } from '../http/actor.ts';
import { setFlash } from '../http/flash.ts';
import { submitForm } from '../http/forms.ts';
import { pageView } from '../http/pagination.ts';
import type { Routes } from '../http/routes.ts';
import { parseInput } from '../http/validate.ts';
import { demandView, planningView } from './demand.presenter.ts';
import { demandIdParam, demandInputSchema, demandListSchema, MAX_CONTRACT_VALUE } from './demand.schema.ts';
import { demandFormOptions, demandPlanning, listDemand, recordDemand, removeDemand } from './demand.service.ts';

const PER_PAGE = 50;

/** The planning page (demand ranked beside readiness), the demand form and removal. */
export function demandRoutes(routes: Routes, ctx: AppContext): void {
  routes.get('/certifications/planning', 'demand.read', async (req, res) => {
    const principal = principalOf(req);
    const { page } = parseInput(demandListSchema, req.query);
    const [ranking, records] = await Promise.all([demandPlanning(ctx, principal), listDemand(ctx, principal, { limit: PER_PAGE, offset: (page - 1) * PER_PAGE })]);
    res.render('certifications/planning', {
      title: 'Certification planning',
      section: 'certifications',
      ranking: ranking.map(planningView),
      records: records.items.map(demandView),
      pagination: pageView(records.total, page, PER_PAGE, {}),
      canRecord: can(principal, 'demand.record'),
    });
  });

  const renderForm = async (req: Request, res: Response, status: number, model: Record<string, unknown>) => {
    const values = (model.values ?? {}) as Record<string, unknown>;
    const frameworks = await demandFormOptions(ctx, principalOf(req));
    res.status(status).render('certifications/demand-form', {
      title: 'Record certification demand',
      section: 'certifications',
      frameworks: frameworks.map((f) => ({ value: f.slug, label: f.name, selected: f.slug === values.framework })),
      maxValue: MAX_CONTRACT_VALUE.toLocaleString('en-US'),
      today: today(ctx.clock),
      ...model,
    });
  };

  routes.get('/certifications/demand/new', 'demand.record', (req, res) => renderForm(req, res, 200, { values: { requested_on: today(ctx.clock) } }));

  routes.post('/certifications/demand', 'demand.record', async (req, res) => {
    await submitForm(
      async () => {
        await recordDemand(ctx, principalOf(req), parseInput(demandInputSchema, req.body));
        setFlash(res, 'success', 'Demand recorded.');
        res.redirect(303, '/certifications/planning');
      },
      (failure) => renderForm(req, res, 422, { values: req.body ?? {}, errors: failure.errors, formError: failure.message }),
    );
  });

  routes.post('/certifications/demand/:id/delete', 'demand.record', async (req, res) => {
    const { id } = parseInput(demandIdParam, req.params);
    await removeDemand(ctx, principalOf(req), id);
    setFlash(res, 'success', 'Demand record removed.');
    res.redirect(303, '/certifications/planning#records');
  });
}
