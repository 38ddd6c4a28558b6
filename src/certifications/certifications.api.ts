import type { AppContext } from '../context.ts';
import { principalOf } from '../http/actor.ts';
import { apiPageSize } from '../http/pagination.ts';
import type { Routes } from '../http/routes.ts';
import { parseInput } from '../http/validate.ts';
import { certificationAlerts, soc2Gaps } from './alerts.service.ts';
import { certificationJson, eventJson } from './certifications.presenter.ts';
import { certificationFilterSchema, certificationInputSchema, eventInputSchema, eventParams, idParam, withdrawSchema } from './certifications.schema.ts';
import { createCertification, getCertification, listCertifications, updateCertification, withdrawCertification } from './certifications.service.ts';
import { demandApi } from './demand.api.ts';
import { addEvent, deleteEvent, getEvent, listEvents, planCertificationCycle, updateEvent } from './programme.service.ts';

/** /api/v1/certifications…: the register, its events, alerts and SOC 2 gaps (demand first: its paths would match :id). */
export function certificationApi(routes: Routes, ctx: AppContext): void {
  demandApi(routes, ctx);

  routes.get('/api/v1/certifications', 'certifications.read', async (req, res) => {
    const filter = parseInput(certificationFilterSchema, req.query);
    const { limit } = parseInput(apiPageSize, req.query);
    const { items, total } = await listCertifications(ctx, principalOf(req), filter, { limit, offset: (filter.page - 1) * limit });
    res.json({ items: items.map(certificationJson), total, page: filter.page, limit });
  });

  routes.post('/api/v1/certifications', 'certifications.edit', async (req, res) => {
    const principal = principalOf(req);
    const id = await createCertification(ctx, principal, parseInput(certificationInputSchema, req.body));
    res
      .status(201)
      .location(`/api/v1/certifications/${id}`)
      .json(certificationJson(await getCertification(ctx, principal, id)));
  });

  routes.get('/api/v1/certifications/alerts', 'certifications.read', async (req, res) => {
    res.json(await certificationAlerts(ctx, principalOf(req)));
  });

  routes.get('/api/v1/certifications/soc2-gaps', 'certifications.read', async (req, res) => {
    res.json({ items: await soc2Gaps(ctx, principalOf(req)) });
  });

  routes.get('/api/v1/certifications/:id', 'certifications.read', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    res.json(certificationJson(await getCertification(ctx, principalOf(req), id)));
  });

  routes.post('/api/v1/certifications/:id', 'certifications.edit', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const principal = principalOf(req);
    await getCertification(ctx, principal, id);
    await updateCertification(ctx, principal, id, parseInput(certificationInputSchema, req.body));
    res.json(certificationJson(await getCertification(ctx, principal, id)));
  });

  routes.post('/api/v1/certifications/:id/withdraw', 'certifications.edit', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const principal = principalOf(req);
    await withdrawCertification(ctx, principal, id, parseInput(withdrawSchema, req.body));
    res.json(certificationJson(await getCertification(ctx, principal, id)));
  });

  routes.post('/api/v1/certifications/:id/plan', 'certifications.edit', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const principal = principalOf(req);
    const result = await planCertificationCycle(ctx, principal, id);
    res.json({ ...result, events: (await listEvents(ctx, principal, id)).map(eventJson) });
  });

  routes.get('/api/v1/certifications/:id/events', 'certifications.read', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    res.json({ items: (await listEvents(ctx, principalOf(req), id)).map(eventJson) });
  });

  routes.post('/api/v1/certifications/:id/events', 'certifications.edit', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const principal = principalOf(req);
    await getCertification(ctx, principal, id);
    const eventId = await addEvent(ctx, principal, id, parseInput(eventInputSchema, req.body));
    res.status(201).json(eventJson(await getEvent(ctx, principal, id, eventId)));
  });

  routes.post('/api/v1/certifications/:id/events/:eventId', 'certifications.edit', async (req, res) => {
    const { id, eventId } = parseInput(eventParams, req.params);
    const principal = principalOf(req);
    await getEvent(ctx, principal, id, eventId);
    await updateEvent(ctx, principal, id, eventId, parseInput(eventInputSchema, req.body));
    res.json(eventJson(await getEvent(ctx, principal, id, eventId)));
  });

  routes.post('/api/v1/certifications/:id/events/:eventId/delete', 'certifications.edit', async (req, res) => {
    const { id, eventId } = parseInput(eventParams, req.params);
    await deleteEvent(ctx, principalOf(req), id, eventId);
    res.json({ deleted: eventId });
  });
}
