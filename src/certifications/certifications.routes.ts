import type { Request, Response } from 'express';
import { can } from '../auth/policy.ts';
import type { AppContext } from '../context.ts';
import { today } from '../dates.ts';
import { getEvidence } from '../evidence/evidence.service.ts';
import { principalOf } from '../http/actor.ts';
import { isAppError } from '../http/errors.ts';
import { setFlash } from '../http/flash.ts';
import { submitForm } from '../http/forms.ts';
import { pageView } from '../http/pagination.ts';
import type { Routes } from '../http/routes.ts';
import { parseInput } from '../http/validate.ts';
import { soc2Gaps } from './alerts.service.ts';
import { certificationKindLabels, certificationKinds, certificationStatuses } from './certifications.model.ts';
import { certificationStatusLabels, certificationView, eventView } from './certifications.presenter.ts';
import { certificationFilterSchema, certificationInputSchema, idParam, withdrawSchema } from './certifications.schema.ts';
import {
  certificationFormOptions,
  createCertification,
  getCertification,
  listCertifications,
  updateCertification,
  withdrawCertification,
  type Certification,
} from './certifications.service.ts';
import { demandRoutes } from './demand.routes.ts';
import { listEvents, planCertificationCycle } from './programme.service.ts';

const PER_PAGE = 50;

/** An item the principal may not open (or that is gone) is shown by number only; other failures go on. */
const refusedAsNull = (err: unknown) => {
  if (isAppError(err) && (err.code === 'forbidden' || err.code === 'not_found')) return null;
  throw err;
};

const options = <T extends string>(values: readonly T[], labels: Record<T, string>, selected?: unknown) =>
  values.map((v) => ({ value: v, label: labels[v], selected: v === selected }));

/** The select boxes of the certification and event forms. */
export async function formChoices(ctx: AppContext, req: Request, values: Record<string, unknown>) {
  const { frameworks, owners } = await certificationFormOptions(ctx, principalOf(req));
  const owner = String(values.owner_id ?? '');
  return {
    frameworks: frameworks.map((f) => ({ value: f.slug, label: f.name, selected: f.slug === values.framework })),
    owners: owners.map((u) => ({ value: String(u.id), label: u.name ? `${u.name} (${u.email})` : u.email, selected: String(u.id) === owner })),
  };
}

/** Pages of the register. The demand pages are registered first: /certifications/planning would match /certifications/:id. */
export function certificationRoutes(routes: Routes, ctx: AppContext): void {
  demandRoutes(routes, ctx);

  routes.get('/certifications', 'certifications.read', async (req, res) => {
    const principal = principalOf(req);
    const query = req.query as Record<string, string | undefined>;
    const filter = parseInput(certificationFilterSchema, query);
    const { items, total } = await listCertifications(ctx, principal, filter, { limit: PER_PAGE, offset: (filter.page - 1) * PER_PAGE });
    const { frameworks } = await certificationFormOptions(ctx, principal);
    const { page: _p, ...kept } = query;
    const day = today(ctx.clock);
    res.render('certifications/list', {
      title: 'Certifications',
      section: 'certifications',
      items: items.map((c) => certificationView(c, day)),
      values: filter,
      frameworks: frameworks.map((f) => ({ value: f.slug, label: f.name, selected: f.slug === filter.framework })),
      statuses: options(certificationStatuses, certificationStatusLabels, filter.status),
      pagination: pageView(total, filter.page, PER_PAGE, kept),
      filtered: Object.entries(kept).some(([k, v]) => k !== 'page' && Boolean(v)),
      canEdit: can(principal, 'certifications.edit'),
      canPlan: can(principal, 'demand.read'),
      windowDays: ctx.config.certExpiryWindowDays,
    });
  });

  const renderForm = async (
    req: Request,
    res: Response,
    status: number,
    model: { action: string; values: Record<string, unknown>; certification?: Certification; errors?: Record<string, string>; formError?: string | undefined },
  ) => {
    res.status(status).render('certifications/form', {
      title: model.certification ? 'Edit certification' : 'Record a certification',
      section: 'certifications',
      kinds: options(certificationKinds, certificationKindLabels, model.values.kind ?? 'iso_certificate'),
      ...(await formChoices(ctx, req, model.values)),
      ...model,
    });
  };

  routes.get('/certifications/new', 'certifications.edit', (req, res) => renderForm(req, res, 200, { action: '/certifications', values: {} }));

  routes.post('/certifications', 'certifications.edit', async (req, res) => {
    await submitForm(
      async () => {
        const id = await createCertification(ctx, principalOf(req), parseInput(certificationInputSchema, req.body));
        setFlash(res, 'success', 'Certification recorded. Plan its cycle to put its audits and deadlines on the calendar.');
        res.redirect(303, `/certifications/${id}`);
      },
      (failure) => renderForm(req, res, 422, { action: '/certifications', values: req.body ?? {}, errors: failure.errors, formError: failure.message }),
    );
  });

  const renderShow = async (req: Request, res: Response, status = 200, extra: Record<string, unknown> = {}) => {
    const { id } = parseInput(idParam, req.params);
    const principal = principalOf(req);
    const cert = await getCertification(ctx, principal, id);
    const day = today(ctx.clock);
    const events = await listEvents(ctx, principal, id);
    const gaps = (await soc2Gaps(ctx, principal)).filter((g) => g.beforeId === id || g.afterId === id);
    let document: { id: number; title: string | null } | null = null;
    if (cert.documentEvidenceId !== null) {
      // Whoever may not open the evidence (viewers; customer staff for internal items) sees its number only.
      const evidence = can(principal, 'evidence.read') ? await getEvidence(ctx, principal, cert.documentEvidenceId).catch(refusedAsNull) : null;
      document = { id: cert.documentEvidenceId, title: evidence?.title ?? null };
    }
    const canEdit = can(principal, 'certifications.edit');
    res.status(status).render('certifications/show', {
      title: `${cert.framework.name} · ${certificationKindLabels[cert.kind]}`,
      section: 'certifications',
      cert: certificationView(cert, day),
      events: events.map((e) => eventView(e, day)),
      gaps,
      document,
      canEdit,
      canPlan: canEdit && cert.withdrawnOn === null,
      canSeeHistory: can(principal, 'activity.read'),
      withdrawValues: { withdrawn_on: day },
      ...extra,
    });
  };

  routes.get('/certifications/:id', 'certifications.read', (req, res) => renderShow(req, res));

  const editValues = (c: Certification) => ({
    framework: c.framework.slug,
    kind: c.kind,
    number: c.number,
    issuer: c.issuer,
    scope: c.scope,
    issued_on: c.issuedOn ?? '',
    valid_from: c.validFrom,
    valid_until: c.validUntil,
    owner_id: c.owner ? String(c.owner.id) : '',
    document_evidence_id: c.documentEvidenceId === null ? '' : String(c.documentEvidenceId),
  });

  routes.get('/certifications/:id/edit', 'certifications.edit', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const certification = await getCertification(ctx, principalOf(req), id);
    await renderForm(req, res, 200, { action: `/certifications/${id}`, values: editValues(certification), certification });
  });

  routes.post('/certifications/:id', 'certifications.edit', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const certification = await getCertification(ctx, principalOf(req), id);
    await submitForm(
      async () => {
        const { changed } = await updateCertification(ctx, principalOf(req), id, parseInput(certificationInputSchema, req.body));
        setFlash(res, 'success', changed.length ? 'Certification saved. If its dates changed, plan the cycle again to move its planned events.' : 'Nothing changed.');
        res.redirect(303, `/certifications/${id}`);
      },
      (failure) => renderForm(req, res, 422, { action: `/certifications/${id}`, values: req.body ?? {}, certification, errors: failure.errors, formError: failure.message }),
    );
  });

  routes.post('/certifications/:id/withdraw', 'certifications.edit', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    await submitForm(
      async () => {
        await withdrawCertification(ctx, principalOf(req), id, parseInput(withdrawSchema, req.body));
        setFlash(res, 'success', 'Certification withdrawn. Its planned events from that day on were cancelled.');
        res.redirect(303, `/certifications/${id}`);
      },
      (failure) => renderShow(req, res, failure.status, { withdrawError: Object.values(failure.errors)[0] ?? failure.message, withdrawValues: req.body ?? {}, withdrawOpen: true }),
    );
  });

  routes.post('/certifications/:id/plan', 'certifications.edit', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    await submitForm(
      async () => {
        const result = await planCertificationCycle(ctx, principalOf(req), id);
        const n = result.created.length;
        const replaced = result.replaced.length ? `, replacing ${result.replaced.length} planned earlier` : '';
        const past = result.past.length ? ` ${result.past.length} that led up to the certificate ${result.past.length === 1 ? 'is' : 'are'} recorded as done.` : '';
        setFlash(res, 'success', `Cycle planned: ${n} event${n === 1 ? '' : 's'} added${replaced}.${past}`);
        res.redirect(303, `/certifications/${id}#events`);
      },
      (failure) => renderShow(req, res, failure.status, { planError: failure.message }),
    );
  });
}
