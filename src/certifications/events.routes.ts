import type { Request, Response } from 'express';
import type { AppContext } from '../context.ts';
import { principalOf } from '../http/actor.ts';
import { setFlash } from '../http/flash.ts';
import { submitForm } from '../http/forms.ts';
import type { Routes } from '../http/routes.ts';
import { parseInput } from '../http/validate.ts';
import { eventKindLabels, eventKinds, type EventStatus } from './certifications.model.ts';
import { eventStatusOptions } from './certifications.presenter.ts';
import { eventInputSchema, eventParams, eventStatusSchema, idParam } from './certifications.schema.ts';
import { getCertification, type Certification } from './certifications.service.ts';
import { formChoices } from './certifications.routes.ts';
import { addEvent, deleteEvent, getEvent, updateEvent, type ProgrammeEvent } from './programme.service.ts';

const statusWords: Record<EventStatus, string> = { planned: 'planned again', done: 'done', cancelled: 'cancelled' };

/** Adding, editing, completing and deleting single events of a certification's programme. */
export function eventRoutes(routes: Routes, ctx: AppContext): void {
  const renderForm = async (
    req: Request,
    res: Response,
    status: number,
    model: {
      certification: Certification;
      event?: ProgrammeEvent;
      action: string;
      values: Record<string, unknown>;
      errors?: Record<string, string>;
      formError?: string | undefined;
    },
  ) => {
    const values = model.values;
    res.status(status).render('certifications/event-form', {
      title: model.event ? 'Edit event' : 'Add an event',
      section: 'certifications',
      kinds: eventKinds.map((k) => ({ value: k, label: eventKindLabels[k], selected: k === values.kind })),
      statuses: eventStatusOptions(typeof values.status === 'string' ? values.status : 'planned'),
      ...(await formChoices(ctx, req, values)),
      ...model,
    });
  };

  routes.get('/certifications/:id/events/new', 'certifications.edit', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const certification = await getCertification(ctx, principalOf(req), id);
    await renderForm(req, res, 200, {
      certification,
      action: `/certifications/${id}/events`,
      values: { kind: 'internal_audit', owner_id: certification.owner ? String(certification.owner.id) : '' },
    });
  });

  routes.post('/certifications/:id/events', 'certifications.edit', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const certification = await getCertification(ctx, principalOf(req), id);
    await submitForm(
      async () => {
        await addEvent(ctx, principalOf(req), id, parseInput(eventInputSchema, req.body));
        setFlash(res, 'success', 'Event added.');
        res.redirect(303, `/certifications/${id}#events`);
      },
      (failure) => renderForm(req, res, 422, { certification, action: `/certifications/${id}/events`, values: req.body ?? {}, errors: failure.errors, formError: failure.message }),
    );
  });

  const loaded = async (req: Request) => {
    const { id, eventId } = parseInput(eventParams, req.params);
    const principal = principalOf(req);
    const certification = await getCertification(ctx, principal, id);
    return { id, eventId, certification, event: await getEvent(ctx, principal, id, eventId) };
  };

  routes.get('/certifications/:id/events/:eventId/edit', 'certifications.edit', async (req, res) => {
    const { id, eventId, certification, event } = await loaded(req);
    const values = {
      kind: event.kind,
      title: event.title,
      starts_on: event.startsOn,
      ends_on: event.endsOn ?? '',
      owner_id: event.owner ? String(event.owner.id) : '',
      status: event.status,
    };
    await renderForm(req, res, 200, { certification, event, action: `/certifications/${id}/events/${eventId}`, values });
  });

  routes.post('/certifications/:id/events/:eventId', 'certifications.edit', async (req, res) => {
    const { id, eventId, certification, event } = await loaded(req);
    await submitForm(
      async () => {
        await updateEvent(ctx, principalOf(req), id, eventId, parseInput(eventInputSchema, req.body));
        setFlash(res, 'success', 'Event saved.');
        res.redirect(303, `/certifications/${id}#events`);
      },
      (failure) =>
        renderForm(req, res, 422, {
          certification,
          event,
          action: `/certifications/${id}/events/${eventId}`,
          values: req.body ?? {},
          errors: failure.errors,
          formError: failure.message,
        }),
    );
  });

  routes.post('/certifications/:id/events/:eventId/status', 'certifications.edit', async (req, res) => {
    const { id, eventId } = await loaded(req);
    const { status } = parseInput(eventStatusSchema, req.body);
    await updateEvent(ctx, principalOf(req), id, eventId, { status });
    setFlash(res, 'success', `Event marked ${statusWords[status]}.`);
    res.redirect(303, `/certifications/${id}#events`);
  });

  routes.post('/certifications/:id/events/:eventId/delete', 'certifications.edit', async (req, res) => {
    const { id, eventId } = parseInput(eventParams, req.params);
    await deleteEvent(ctx, principalOf(req), id, eventId);
    setFlash(res, 'success', 'Event deleted.');
    res.redirect(303, `/certifications/${id}#events`);
  });
}
