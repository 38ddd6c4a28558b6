import type { Request, Response } from 'express';
import { can } from '../auth/policy.ts';
import type { AppContext } from '../context.ts';
import { today } from '../dates.ts';
import { principalOf } from '../http/actor.ts';
import { setFlash } from '../http/flash.ts';
import { submitForm } from '../http/forms.ts';
import type { Routes } from '../http/routes.ts';
import { parseInput } from '../http/validate.ts';
import { findingKindLabels, findingKinds, findingStatuses } from './audits.model.ts';
import { auditView, commentView, findingStatusLabels, findingView } from './audits.presenter.ts';
import { auditIdParam, commentSchema } from './audits.schema.ts';
import { auditFormOptions, getAudit } from './audits.service.ts';
import { addComment, listComments } from './comments.service.ts';
import { findingInputSchema, findingParams, findingStatusSchema } from './findings.schema.ts';
import { changeFindingStatus, getFinding, recordFinding, updateFinding, type Finding } from './findings.service.ts';
import { options, peopleOptions } from './audits.routes.ts';

const nextStatus = (f: Finding) => findingStatuses[findingStatuses.indexOf(f.status) + 1];

export function findingRoutes(routes: Routes, ctx: AppContext): void {
  const renderForm = async (
    req: Request,
    res: Response,
    status: number,
    model: { auditId: number; action: string; values: Record<string, unknown>; finding?: Finding; errors?: Record<string, string>; formError?: string | undefined },
  ) => {
    const principal = principalOf(req);
    const [audit, { staff }] = await Promise.all([getAudit(ctx, principal, model.auditId), auditFormOptions(ctx, principal)]);
    res.status(status).render('audits/finding-form', {
      title: model.finding ? `Edit ${model.finding.ref}` : 'Record a finding',
      section: 'audits',
      audit: auditView(audit),
      kinds: options(findingKinds, findingKindLabels, model.values.kind),
      owners: peopleOptions(staff, model.values.owner),
      ...model,
    });
  };

  routes.get('/audits/:id/findings/new', 'audits.participate', async (req, res) => {
    const { id } = parseInput(auditIdParam, req.params);
    await renderForm(req, res, 200, { auditId: id, action: `/audits/${id}/findings`, values: { kind: 'minor_nc' } });
  });

  routes.post('/audits/:id/findings', 'audits.participate', async (req, res) => {
    const { id } = parseInput(auditIdParam, req.params);
    await submitForm(
      async () => {
        const findingId = await recordFinding(ctx, principalOf(req), id, parseInput(findingInputSchema, req.body));
        setFlash(res, 'success', 'Finding recorded.');
        res.redirect(303, `/audits/${id}/findings/${findingId}`);
      },
      (f) => renderForm(req, res, f.status, { auditId: id, action: `/audits/${id}/findings`, values: req.body ?? {}, errors: f.errors, formError: f.message }),
    );
  });

  const renderShow = async (req: Request, res: Response, status = 200, extra: Record<string, unknown> = {}) => {
    const { id, findingId } = parseInput(findingParams, req.params);
    const principal = principalOf(req);
    const [audit, finding, comments] = await Promise.all([
      getAudit(ctx, principal, id),
      getFinding(ctx, principal, id, findingId),
      listComments(ctx, principal, { type: 'finding', auditId: id, id: findingId }),
    ]);
    const next = nextStatus(finding);
    const canFollowUp = can(principal, 'audits.participate') && finding.status !== 'closed';
    res.status(status).render('audits/finding', {
      title: `${finding.ref} ${finding.title}`,
      section: 'audits',
      audit: auditView(audit),
      finding: findingView(finding, today(ctx.clock)),
      comments: comments.map(commentView),
      next: canFollowUp && next ? { value: next, label: findingStatusLabels[next] } : null,
      canFollowUp,
      canComment: can(principal, 'audits.participate'),
      ...extra,
    });
  };

  routes.get('/audits/:id/findings/:findingId', 'audits.read', (req, res) => renderShow(req, res));

  routes.get('/audits/:id/findings/:findingId/edit', 'audits.participate', async (req, res) => {
    const { id, findingId } = parseInput(findingParams, req.params);
    const f = await getFinding(ctx, principalOf(req), id, findingId);
    const values = {
      kind: f.kind,
      title: f.title,
      description: f.description,
      requirements: f.requirements.map((r) => `${r.framework}:${r.ref}`).join(', '),
      controls: f.controls.map((c) => c.ref).join(', '),
      owner: f.owner.id,
      root_cause: f.rootCause,
      corrective_action: f.correctiveAction,
      due_on: f.dueOn,
    };
    await renderForm(req, res, 200, { auditId: id, action: `/audits/${id}/findings/${findingId}`, values, finding: f });
  });

  routes.post('/audits/:id/findings/:findingId', 'audits.participate', async (req, res) => {
    const { id, findingId } = parseInput(findingParams, req.params);
    const finding = await getFinding(ctx, principalOf(req), id, findingId);
    await submitForm(
      async () => {
        await updateFinding(ctx, principalOf(req), id, findingId, parseInput(findingInputSchema, req.body));
        setFlash(res, 'success', `${finding.ref} saved.`);
        res.redirect(303, `/audits/${id}/findings/${findingId}`);
      },
      (f) =>
        renderForm(req, res, f.status, { auditId: id, action: `/audits/${id}/findings/${findingId}`, values: req.body ?? {}, finding, errors: f.errors, formError: f.message }),
    );
  });

  routes.post('/audits/:id/findings/:findingId/status', 'audits.participate', async (req, res) => {
    const { id, findingId } = parseInput(findingParams, req.params);
    await submitForm(
      async () => {
        const { status } = parseInput(findingStatusSchema, req.body);
        await changeFindingStatus(ctx, principalOf(req), id, findingId, status);
        setFlash(res, 'success', `Finding marked ${findingStatusLabels[status].toLowerCase()}.`);
        res.redirect(303, `/audits/${id}/findings/${findingId}`);
      },
      (f) => renderShow(req, res, f.status, { statusError: Object.values(f.errors)[0] ?? f.message }),
    );
  });

  routes.post('/audits/:id/findings/:findingId/comments', 'audits.participate', async (req, res) => {
    const { id, findingId } = parseInput(findingParams, req.params);
    await submitForm(
      async () => {
        await addComment(ctx, principalOf(req), { type: 'finding', auditId: id, id: findingId }, parseInput(commentSchema, req.body).body);
        res.redirect(303, `/audits/${id}/findings/${findingId}#comments`);
      },
      (f) => renderShow(req, res, f.status, { commentError: Object.values(f.errors)[0] ?? f.message, commentValues: req.body }),
    );
  });
}
