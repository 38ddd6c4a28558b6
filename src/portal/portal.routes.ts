import type { Request, Response } from 'express';
import { auditKindLabels, findingKindLabels, findingKinds } from '../audits/audits.model.ts';
import { options, peopleOptions } from '../audits/audits.routes.ts';
import { auditStatusLabels, auditView, commentView, findingView, requestView } from '../audits/audits.presenter.ts';
import { auditIdParam, commentSchema, dbId } from '../audits/audits.schema.ts';
import { getAudit } from '../audits/audits.service.ts';
import { addComment } from '../audits/comments.service.ts';
import { recordFinding } from '../audits/findings.service.ts';
import { findingInputSchema } from '../audits/findings.schema.ts';
import { requestInputSchema, requestParams, requestStatusSchema } from '../audits/requests.schema.ts';
import { changeRequestStatus, createRequest } from '../audits/requests.service.ts';
import { sampleInputSchema } from '../audits/samples.schema.ts';
import { drawSample } from '../audits/samples.service.ts';
import type { AppContext } from '../context.ts';
import { today } from '../dates.ts';
import { sendFile } from '../evidence/evidence.routes.ts';
import { principalOf } from '../http/actor.ts';
import { setFlash } from '../http/flash.ts';
import { submitForm } from '../http/forms.ts';
import type { Routes } from '../http/routes.ts';
import { parseInput } from '../http/validate.ts';
import { listReports } from '../reports/reports.service.ts';
import { z } from 'zod';
import { myAudits, portalAudit, portalEvidence, portalEvidenceList, portalFile, portalSample, portalScope } from './portal.service.ts';
import { pageQuery, pageView } from '../http/pagination.ts';

// The auditor's pages. Every handler goes through services that ask the policy with the audit, so
// an auditor outside their window or another audit gets 403, whichever URL they type.

const evidenceParams = z.object({ id: dbId, evidenceId: dbId });
const fileParams = z.object({ id: dbId, evidenceId: dbId, fileId: dbId });
const sampleParams = z.object({ id: dbId, sampleId: dbId });
const EVIDENCE_PER_PAGE = 50;
const evidenceListQuery = z.object({
  control: z.preprocess((v) => (v === '' ? undefined : v), z.string().trim().max(20, 'Choose a listed control.').optional()),
  q: z.preprocess((v) => (v === '' ? undefined : v), z.string().trim().max(200, 'At most 200 characters.').optional()),
  page: pageQuery,
});

/** Which form on the audit page failed, with its errors and what the auditor typed. */
type FormState = { form: 'request' | 'finding' | 'sample' | 'comment' | 'status'; errors: Record<string, string>; message: string | undefined; values: Record<string, unknown> };

export function portalRoutes(routes: Routes, ctx: AppContext): void {
  routes.get('/portal', 'portal.use', async (req, res) => {
    const audits = await myAudits(ctx, principalOf(req));
    res.render('portal/home', {
      title: 'My audits',
      section: 'portal',
      audits: audits.map((a) => ({
        ...a,
        kindLabel: auditKindLabels[a.kind as keyof typeof auditKindLabels] ?? a.kind,
        statusLabel: auditStatusLabels[a.status as keyof typeof auditStatusLabels] ?? a.status,
      })),
      today: today(ctx.clock),
    });
  });

  const renderAudit = async (req: Request, res: Response, status = 200, failed?: FormState) => {
    const { id } = parseInput(auditIdParam, req.params);
    const principal = principalOf(req);
    const day = today(ctx.clock);
    const view = await portalAudit(ctx, principal, id);
    const reports = await listReports(ctx, principal, { auditId: id }, { limit: 20, offset: 0 });
    const values = failed?.values ?? {};
    const errorsOf = (form: FormState['form']) => (failed?.form === form ? failed.errors : {});
    res.set('Cache-Control', 'no-store');
    res.status(status).render('portal/audit', {
      title: view.audit.title,
      section: 'portal',
      audit: auditView(view.audit),
      access: view.access,
      scope: view.scope,
      requirementCount: view.scope.reduce((n, f) => n + f.requirements.length, 0),
      evidenceCount: view.evidence.length,
      requests: view.requests.map((r) => requestView(r, day)),
      findings: view.findings.map((f) => findingView(f, day)),
      samples: view.samples,
      comments: view.comments.map(commentView),
      reports: reports.items,
      open: view.audit.status !== 'closed',
      staff: peopleOptions(view.staff, failed?.form === 'finding' ? values.owner : view.audit.owner?.id),
      assignees: peopleOptions(view.staff, failed?.form === 'request' ? values.assignee : ''),
      findingKinds: options(findingKinds, findingKindLabels, failed?.form === 'finding' ? values.kind : 'observation'),
      failed: failed ? { [failed.form]: { errors: failed.errors, message: failed.message } } : {},
      values: {
        request: failed?.form === 'request' ? values : {},
        finding: failed?.form === 'finding' ? values : {},
        sample: failed?.form === 'sample' ? values : { size: 25 },
        comment: failed?.form === 'comment' ? values : {},
      },
      errors: { request: errorsOf('request'), finding: errorsOf('finding'), sample: errorsOf('sample'), comment: errorsOf('comment') },
    });
  };

  routes.get('/portal/audits/:id', 'portal.use', (req, res) => renderAudit(req, res));

  routes.get('/portal/audits/:id/scope', 'portal.use', async (req, res) => {
    const { id } = parseInput(auditIdParam, req.params);
    const { audit, scope } = await portalScope(ctx, principalOf(req), id);
    res.set('Cache-Control', 'no-store');
    res.render('portal/scope', { title: `Scope · ${audit.title}`, section: 'portal', audit: auditView(audit), scope });
  });

  routes.get('/portal/audits/:id/evidence', 'portal.use', async (req, res) => {
    const { id } = parseInput(auditIdParam, req.params);
    const query = parseInput(evidenceListQuery, req.query);
    const { audit, items, total, controls, window } = await portalEvidenceList(ctx, principalOf(req), id, query, {
      limit: EVIDENCE_PER_PAGE,
      offset: (query.page - 1) * EVIDENCE_PER_PAGE,
    });
    res.set('Cache-Control', 'no-store');
    res.render('portal/evidence-list', {
      title: `Evidence · ${audit.title}`,
      section: 'portal',
      audit: auditView(audit),
      evidence: items,
      window,
      query,
      filtered: Boolean(query.control || query.q),
      controlOptions: controls.map((c) => ({ value: c, selected: c === query.control })),
      pagination: pageView(total, query.page, EVIDENCE_PER_PAGE, req.query as Record<string, string | undefined>),
    });
  });

  /** Runs a form's work; on refusal shows the audit page again with that form's errors and values kept. */
  const act = (form: FormState['form'], work: (req: Request, res: Response, id: number) => Promise<string>) => async (req: Request, res: Response) => {
    const { id } = parseInput(auditIdParam, req.params);
    await submitForm(
      async () => res.redirect(303, await work(req, res, id)),
      (f) => renderAudit(req, res, f.status, { form, errors: f.errors, message: f.message, values: (req.body ?? {}) as Record<string, unknown> }),
    );
  };

  routes.post(
    '/portal/audits/:id/requests',
    'portal.use',
    act('request', async (req, res, id) => {
      const requestId = await createRequest(ctx, principalOf(req), id, parseInput(requestInputSchema, req.body));
      setFlash(res, 'success', 'Evidence request raised; the assignee sees it in their reminders.');
      return `/portal/audits/${id}#request-${requestId}`;
    }),
  );

  routes.post('/portal/audits/:id/requests/:requestId/status', 'portal.use', async (req, res) => {
    const { id, requestId } = parseInput(requestParams, req.params);
    await submitForm(
      async () => {
        const input = parseInput(requestStatusSchema, req.body);
        await changeRequestStatus(ctx, principalOf(req), id, requestId, input);
        setFlash(res, 'success', input.status === 'accepted' ? 'Request accepted.' : 'Request returned with your comment.');
        res.redirect(303, `/portal/audits/${id}#request-${requestId}`);
      },
      (f) => renderAudit(req, res, f.status, { form: 'status', errors: f.errors, message: f.message, values: {} }),
    );
  });

  routes.post(
    '/portal/audits/:id/findings',
    'portal.use',
    act('finding', async (req, res, id) => {
      const findingId = await recordFinding(ctx, principalOf(req), id, parseInput(findingInputSchema, req.body));
      setFlash(res, 'success', 'Finding recorded.');
      return `/portal/audits/${id}#finding-${findingId}`;
    }),
  );

  routes.post(
    '/portal/audits/:id/samples',
    'portal.use',
    act('sample', async (req, _res, id) => {
      const sampleId = await drawSample(ctx, principalOf(req), id, parseInput(sampleInputSchema, req.body));
      return `/portal/audits/${id}/samples/${sampleId}`;
    }),
  );

  routes.post(
    '/portal/audits/:id/comments',
    'portal.use',
    act('comment', async (req, _res, id) => {
      await addComment(ctx, principalOf(req), { type: 'audit', auditId: id, id }, parseInput(commentSchema, req.body).body);
      return `/portal/audits/${id}#comments`;
    }),
  );

  routes.get('/portal/audits/:id/samples/:sampleId', 'portal.use', async (req, res) => {
    const { id, sampleId } = parseInput(sampleParams, req.params);
    const principal = principalOf(req);
    const [audit, sample] = await Promise.all([getAudit(ctx, principal, id), portalSample(ctx, principal, id, sampleId)]);
    res.set('Cache-Control', 'no-store');
    res.render('portal/sample', { title: `Sample: ${sample.title}`, section: 'portal', audit: auditView(audit), sample });
  });

  routes.get('/portal/audits/:id/evidence/:evidenceId', 'portal.use', async (req, res) => {
    const { id, evidenceId } = parseInput(evidenceParams, req.params);
    const principal = principalOf(req);
    const evidence = await portalEvidence(ctx, principal, id, evidenceId);
    const audit = await getAudit(ctx, principal, id);
    res.set('Cache-Control', 'no-store');
    res.render('portal/evidence', { title: evidence.title, section: 'portal', audit: auditView(audit), evidence });
  });

  routes.get('/portal/audits/:id/evidence/:evidenceId/files/:fileId', 'portal.use', async (req, res) => {
    const { id, evidenceId, fileId } = parseInput(fileParams, req.params);
    const { file, content } = await portalFile(ctx, principalOf(req), id, evidenceId, fileId);
    sendFile(res, file, content);
  });
}
