import fs from 'node:fs/promises';
import type { Request, Response } from 'express';
import { can } from '../auth/policy.ts';
import type { AppContext } from '../context.ts';
import { addDays, today } from '../dates.ts';
import { fileStore, type UploadedFile } from '../evidence/evidence.service.ts';
import { principalOf } from '../http/actor.ts';
import { isAppError } from '../http/errors.ts';
import { setFlash } from '../http/flash.ts';
import { submitForm } from '../http/forms.ts';
import type { Routes } from '../http/routes.ts';
import { uploadParser } from '../http/upload.ts';
import { parseInput } from '../http/validate.ts';
import { auditView, commentView, requestView } from './audits.presenter.ts';
import { peopleOptions } from './audits.routes.ts';
import { auditIdParam, commentSchema } from './audits.schema.ts';
import { auditFormOptions, getAudit } from './audits.service.ts';
import { addComment, listComments } from './comments.service.ts';
import { REQUEST_COLUMNS, importRequests } from './requests.import.ts';
import { sampleCsv, sampleXlsx } from './requests.presenter.ts';
import { linkSchema, requestInputSchema, requestParams, requestStatusSchema } from './requests.schema.ts';
import { changeRequestStatus, createRequest, evidenceCandidates, getRequest, linkEvidence } from './requests.service.ts';
import { auditScope } from './scope.service.ts';

export function requestRoutes(routes: Routes, ctx: AppContext): void {
  const upload = uploadParser({ tmpDir: () => fileStore(ctx).tmpDir, maxBytes: ctx.config.uploadMaxBytes, field: 'file', maxFiles: 1 });

  const renderForm = async (
    req: Request,
    res: Response,
    status: number,
    auditId: number,
    values: Record<string, unknown>,
    failure?: { errors: Record<string, string>; message: string | undefined },
  ) => {
    const principal = principalOf(req);
    const [audit, { staff }] = await Promise.all([getAudit(ctx, principal, auditId), auditFormOptions(ctx, principal)]);
    res.status(status).render('audits/request-form', {
      title: 'Add an evidence request',
      section: 'audits',
      audit: auditView(audit),
      action: `/audits/${auditId}/requests`,
      values,
      assignees: peopleOptions(staff, values.assignee),
      errors: failure?.errors,
      formError: failure?.message,
    });
  };

  routes.get('/audits/:id/requests/new', 'audits.participate', async (req, res) => {
    const { id } = parseInput(auditIdParam, req.params);
    const requirement = typeof req.query.requirement === 'string' ? req.query.requirement.slice(0, 100) : '';
    await renderForm(req, res, 200, id, { requirement, due_on: addDays(today(ctx.clock), 14) });
  });

  routes.post('/audits/:id/requests', 'audits.participate', async (req, res) => {
    const { id } = parseInput(auditIdParam, req.params);
    await submitForm(
      async () => {
        const requestId = await createRequest(ctx, principalOf(req), id, parseInput(requestInputSchema, req.body));
        setFlash(res, 'success', 'Evidence request added.');
        res.redirect(303, `/audits/${id}/requests/${requestId}`);
      },
      (f) => renderForm(req, res, f.status, id, req.body ?? {}, f),
    );
  });

  // Import: registered before /audits/:id/requests/:requestId.
  const importModel = async (req: Request, auditId: number) => ({
    title: 'Import evidence requests',
    section: 'audits',
    audit: auditView(await getAudit(ctx, principalOf(req), auditId)),
    columns: REQUEST_COLUMNS,
    maxMb: Math.round(ctx.config.uploadMaxBytes / 1024 / 1024),
  });

  routes.get('/audits/:id/requests/import', 'audits.participate', async (req, res) => {
    const { id } = parseInput(auditIdParam, req.params);
    res.render('audits/import', await importModel(req, id));
  });

  routes.post('/audits/:id/requests/import', 'audits.participate', async (req, res) => {
    const { id } = parseInput(auditIdParam, req.params);
    let files: UploadedFile[];
    try {
      files = await upload(req, res);
    } catch (err) {
      if (!isAppError(err)) throw err;
      return res.status(err.status).render('audits/import', { ...(await importModel(req, id)), error: err.fields[0]?.message ?? err.message });
    }
    try {
      const model = await importModel(req, id);
      const file = files[0];
      if (!file) return res.status(422).render('audits/import', { ...model, error: 'Choose a CSV or xlsx file to import.' });
      const result = await importRequests(ctx, principalOf(req), id, await fs.readFile(file.path), file.originalName);
      res.status(result.ok ? 201 : 422).render('audits/import', { ...model, result, filename: file.originalName });
    } finally {
      await Promise.all(files.map((f) => fs.rm(f.path, { force: true })));
    }
  });

  /** A sample list naming this audit's own scope, so it imports as it is. */
  const sample = async (req: Request) => {
    const { id } = parseInput(auditIdParam, req.params);
    const principal = principalOf(req);
    const scope = await auditScope(ctx, principal, id);
    const first = scope.find((f) => f.inScope.length);
    const requirement = first ? `${first.slug}:${first.inScope[0]!.ref}` : null;
    return { id, example: { requirement, control: null, due: addDays(today(ctx.clock), 14), assignee: req.user?.email ?? null } };
  };

  routes.get('/audits/:id/requests/import/sample.csv', 'audits.participate', async (req, res) => {
    const { id, example } = await sample(req);
    res.attachment(`audit-${id}-requests-sample.csv`).type('text/csv; charset=utf-8').send(sampleCsv(example));
  });

  routes.get('/audits/:id/requests/import/sample.xlsx', 'audits.participate', async (req, res) => {
    const { id, example } = await sample(req);
    res
      .attachment(`audit-${id}-requests-sample.xlsx`)
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .send(await sampleXlsx(example));
  });

  const renderShow = async (req: Request, res: Response, status = 200, extra: Record<string, unknown> = {}) => {
    const { id, requestId } = parseInput(requestParams, req.params);
    const principal = principalOf(req);
    const [audit, request, comments, candidates] = await Promise.all([
      getAudit(ctx, principal, id),
      getRequest(ctx, principal, id, requestId),
      listComments(ctx, principal, { type: 'evidence_request', auditId: id, id: requestId }),
      evidenceCandidates(ctx, principal, id, requestId),
    ]);
    const open = audit.status !== 'closed' && can(principal, 'audits.participate');
    res.status(status).render('audits/request', {
      title: `${request.ref} ${request.title}`,
      section: 'audits',
      audit: auditView(audit),
      request: requestView(request, today(ctx.clock)),
      comments: comments.map(commentView),
      candidates: candidates.evidence,
      controls: candidates.controls,
      canLink: open && request.status !== 'accepted',
      canReview: open && request.status === 'submitted',
      canResubmit: open && request.status === 'returned' && request.evidence.length > 0,
      canComment: open,
      canLogEvidence: can(principal, 'evidence.log'),
      ...extra,
    });
  };

  routes.get('/audits/:id/requests/:requestId', 'audits.read', (req, res) => renderShow(req, res));

  routes.post('/audits/:id/requests/:requestId/link', 'audits.participate', async (req, res) => {
    const { id, requestId } = parseInput(requestParams, req.params);
    await submitForm(
      async () => {
        const r = await linkEvidence(ctx, principalOf(req), id, requestId, parseInput(linkSchema, req.body).evidence);
        setFlash(res, 'success', `Evidence linked${r.submitted ? '; the request is now submitted to the auditors' : ''}.`);
        res.redirect(303, `/audits/${id}/requests/${requestId}`);
      },
      (f) => renderShow(req, res, f.status, { linkError: Object.values(f.errors)[0] ?? f.message, linkValues: req.body }),
    );
  });

  routes.post('/audits/:id/requests/:requestId/status', 'audits.participate', async (req, res) => {
    const { id, requestId } = parseInput(requestParams, req.params);
    await submitForm(
      async () => {
        const input = parseInput(requestStatusSchema, req.body);
        await changeRequestStatus(ctx, principalOf(req), id, requestId, input);
        setFlash(
          res,
          'success',
          input.status === 'accepted' ? 'Request accepted.' : input.status === 'returned' ? 'Request returned with your comment.' : 'Request submitted again.',
        );
        res.redirect(303, `/audits/${id}/requests/${requestId}`);
      },
      (f) => renderShow(req, res, f.status, { statusError: Object.values(f.errors)[0] ?? f.message, statusValues: req.body }),
    );
  });

  routes.post('/audits/:id/requests/:requestId/comments', 'audits.participate', async (req, res) => {
    const { id, requestId } = parseInput(requestParams, req.params);
    await submitForm(
      async () => {
        await addComment(ctx, principalOf(req), { type: 'evidence_request', auditId: id, id: requestId }, parseInput(commentSchema, req.body).body);
        res.redirect(303, `/audits/${id}/requests/${requestId}#comments`);
      },
      (f) => renderShow(req, res, f.status, { commentError: Object.values(f.errors)[0] ?? f.message, commentValues: req.body }),
    );
  });
}
