import type { Request, Response } from 'express';
import type { AppContext } from '../context.ts';
import { principalOf } from '../http/actor.ts';
import { apiPageSize } from '../http/pagination.ts';
import type { Routes } from '../http/routes.ts';
import { parseInput } from '../http/validate.ts';
import type { CommentSubjectRef } from './comments.service.ts';
import { auditJson, commentJson, findingJson, requestJson } from './audits.presenter.ts';
import { auditFilterSchema, auditIdParam, auditInputSchema, commentSchema, statusChangeSchema } from './audits.schema.ts';
import { changeAuditStatus, createAudit, getAudit, listAudits } from './audits.service.ts';
import { addComment, listComments } from './comments.service.ts';
import { findingInputSchema, findingParams, findingStatusSchema } from './findings.schema.ts';
import { changeFindingStatus, getFinding, listFindings, recordFinding, updateFinding } from './findings.service.ts';
import { linkSchema, requestInputSchema, requestParams, requestStatusSchema } from './requests.schema.ts';
import { changeRequestStatus, createRequest, getRequest, linkEvidence, listRequests } from './requests.service.ts';
import { auditScope } from './scope.service.ts';

export function auditApi(routes: Routes, ctx: AppContext): void {
  routes.get('/api/v1/audits', 'audits.read', async (req, res) => {
    const filter = parseInput(auditFilterSchema, req.query);
    const { limit } = parseInput(apiPageSize, req.query);
    const { items, total } = await listAudits(ctx, principalOf(req), filter, { limit, offset: (filter.page - 1) * limit });
    res.json({ items: items.map(auditJson), total, page: filter.page, limit });
  });

  routes.post('/api/v1/audits', 'audits.edit', async (req, res) => {
    const principal = principalOf(req);
    const id = await createAudit(ctx, principal, parseInput(auditInputSchema, req.body));
    res
      .status(201)
      .location(`/api/v1/audits/${id}`)
      .json(auditJson(await getAudit(ctx, principal, id)));
  });

  routes.get('/api/v1/audits/:id', 'audits.read', async (req, res) => {
    const { id } = parseInput(auditIdParam, req.params);
    const principal = principalOf(req);
    const audit = await getAudit(ctx, principal, id);
    const scope = await auditScope(ctx, principal, id);
    res.json({ ...auditJson(audit), scope: scope.flatMap((f) => f.inScope.map((r) => `${f.slug}:${r.ref}`)) });
  });

  routes.post('/api/v1/audits/:id/status', 'audits.edit', async (req, res) => {
    const { id } = parseInput(auditIdParam, req.params);
    const principal = principalOf(req);
    await changeAuditStatus(ctx, principal, id, parseInput(statusChangeSchema, req.body).status);
    res.json(auditJson(await getAudit(ctx, principal, id)));
  });

  routes.get('/api/v1/audits/:id/findings', 'audits.read', async (req, res) => {
    const { id } = parseInput(auditIdParam, req.params);
    res.json({ items: (await listFindings(ctx, principalOf(req), id)).map(findingJson) });
  });

  routes.post('/api/v1/audits/:id/findings', 'audits.participate', async (req, res) => {
    const { id } = parseInput(auditIdParam, req.params);
    const principal = principalOf(req);
    const findingId = await recordFinding(ctx, principal, id, parseInput(findingInputSchema, req.body));
    res
      .status(201)
      .location(`/api/v1/audits/${id}/findings/${findingId}`)
      .json(findingJson(await getFinding(ctx, principal, id, findingId)));
  });

  routes.get('/api/v1/audits/:id/findings/:findingId', 'audits.read', async (req, res) => {
    const { id, findingId } = parseInput(findingParams, req.params);
    res.json(findingJson(await getFinding(ctx, principalOf(req), id, findingId)));
  });

  routes.post('/api/v1/audits/:id/findings/:findingId', 'audits.participate', async (req, res) => {
    const { id, findingId } = parseInput(findingParams, req.params);
    const principal = principalOf(req);
    await updateFinding(ctx, principal, id, findingId, parseInput(findingInputSchema, req.body));
    res.json(findingJson(await getFinding(ctx, principal, id, findingId)));
  });

  routes.post('/api/v1/audits/:id/findings/:findingId/status', 'audits.participate', async (req, res) => {
    const { id, findingId } = parseInput(findingParams, req.params);
    const principal = principalOf(req);
    await changeFindingStatus(ctx, principal, id, findingId, parseInput(findingStatusSchema, req.body).status);
    res.json(findingJson(await getFinding(ctx, principal, id, findingId)));
  });

  routes.get('/api/v1/audits/:id/requests', 'audits.read', async (req, res) => {
    const { id } = parseInput(auditIdParam, req.params);
    res.json({ items: (await listRequests(ctx, principalOf(req), id)).map(requestJson) });
  });

  routes.post('/api/v1/audits/:id/requests', 'audits.participate', async (req, res) => {
    const { id } = parseInput(auditIdParam, req.params);
    const principal = principalOf(req);
    const requestId = await createRequest(ctx, principal, id, parseInput(requestInputSchema, req.body));
    res
      .status(201)
      .location(`/api/v1/audits/${id}/requests/${requestId}`)
      .json(requestJson(await getRequest(ctx, principal, id, requestId)));
  });

  routes.get('/api/v1/audits/:id/requests/:requestId', 'audits.read', async (req, res) => {
    const { id, requestId } = parseInput(requestParams, req.params);
    res.json(requestJson(await getRequest(ctx, principalOf(req), id, requestId)));
  });

  routes.post('/api/v1/audits/:id/requests/:requestId/link', 'audits.participate', async (req, res) => {
    const { id, requestId } = parseInput(requestParams, req.params);
    const principal = principalOf(req);
    await linkEvidence(ctx, principal, id, requestId, parseInput(linkSchema, req.body).evidence);
    res.json(requestJson(await getRequest(ctx, principal, id, requestId)));
  });

  routes.post('/api/v1/audits/:id/requests/:requestId/status', 'audits.participate', async (req, res) => {
    const { id, requestId } = parseInput(requestParams, req.params);
    const principal = principalOf(req);
    await changeRequestStatus(ctx, principal, id, requestId, parseInput(requestStatusSchema, req.body));
    res.json(requestJson(await getRequest(ctx, principal, id, requestId)));
  });

  // One comment thread per audit, finding and request.
  const threads: { path: string; subject: (req: Request) => CommentSubjectRef }[] = [
    { path: '/api/v1/audits/:id/comments', subject: (req) => ({ type: 'audit', auditId: parseInput(auditIdParam, req.params).id, id: parseInput(auditIdParam, req.params).id }) },
    {
      path: '/api/v1/audits/:id/findings/:findingId/comments',
      subject: (req) => {
        const p = parseInput(findingParams, req.params);
        return { type: 'finding', auditId: p.id, id: p.findingId };
      },
    },
    {
      path: '/api/v1/audits/:id/requests/:requestId/comments',
      subject: (req) => {
        const p = parseInput(requestParams, req.params);
        return { type: 'evidence_request', auditId: p.id, id: p.requestId };
      },
    },
  ];
  for (const t of threads) {
    routes.get(t.path, 'audits.read', async (req: Request, res: Response) => {
      res.json({ items: (await listComments(ctx, principalOf(req), t.subject(req))).map(commentJson) });
    });
    routes.post(t.path, 'audits.participate', async (req: Request, res: Response) => {
      const principal = principalOf(req);
      const subject = t.subject(req);
      const id = await addComment(ctx, principal, subject, parseInput(commentSchema, req.body).body);
      const created = (await listComments(ctx, principal, subject)).find((c) => c.id === id)!;
      res.status(201).json(commentJson(created));
    });
  }
}
