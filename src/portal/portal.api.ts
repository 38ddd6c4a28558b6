import type { AppContext } from '../context.ts';
import { commentJson, findingJson, requestJson } from '../audits/audits.presenter.ts';
import { auditIdParam, commentSchema, dbId } from '../audits/audits.schema.ts';
import { addComment } from '../audits/comments.service.ts';
import { findingInputSchema } from '../audits/findings.schema.ts';
import { getFinding, recordFinding } from '../audits/findings.service.ts';
import { requestInputSchema } from '../audits/requests.schema.ts';
import { createRequest, getRequest } from '../audits/requests.service.ts';
import { sampleInputSchema } from '../audits/samples.schema.ts';
import { drawSample, getSample } from '../audits/samples.service.ts';
import { auditJson } from '../audits/audits.presenter.ts';
import { sendFile } from '../evidence/evidence.routes.ts';
import { principalOf } from '../http/actor.ts';
import type { Routes } from '../http/routes.ts';
import { parseInput } from '../http/validate.ts';
import { z } from 'zod';
import { myAudits, portalAudit, portalEvidence, portalFile, portalSample } from './portal.service.ts';

// The auditor's portal under /api/v1, for auditors who script their fieldwork with an API token.

const evidenceParams = z.object({ id: dbId, evidenceId: dbId });
const fileParams = z.object({ id: dbId, evidenceId: dbId, fileId: dbId });
const sampleParams = z.object({ id: dbId, sampleId: dbId });

export function portalApi(routes: Routes, ctx: AppContext): void {
  routes.get('/api/v1/portal/audits', 'portal.use', async (req, res) => {
    res.json({ items: await myAudits(ctx, principalOf(req)) });
  });

  routes.get('/api/v1/portal/audits/:id', 'portal.use', async (req, res) => {
    const { id } = parseInput(auditIdParam, req.params);
    const view = await portalAudit(ctx, principalOf(req), id);
    res.set('Cache-Control', 'no-store');
    res.json({
      audit: auditJson(view.audit),
      access: view.access,
      scope: view.scope,
      evidence: view.evidence.map((e) => ({
        id: e.id,
        title: e.title,
        kind: e.kind,
        status: e.status,
        collectedAt: e.collected_at,
        validUntil: e.valid_until,
        controls: e.controls,
      })),
      requests: view.requests.map(requestJson),
      findings: view.findings.map(findingJson),
      samples: view.samples.map(({ chosen, ...s }) => ({ ...s, chosen: chosen.length })),
      comments: view.comments.map(commentJson),
    });
  });

  routes.get('/api/v1/portal/audits/:id/evidence/:evidenceId', 'portal.use', async (req, res) => {
    const { id, evidenceId } = parseInput(evidenceParams, req.params);
    res.set('Cache-Control', 'no-store');
    res.json(await portalEvidence(ctx, principalOf(req), id, evidenceId));
  });

  routes.get('/api/v1/portal/audits/:id/evidence/:evidenceId/files/:fileId', 'portal.use', async (req, res) => {
    const { id, evidenceId, fileId } = parseInput(fileParams, req.params);
    const { file, content } = await portalFile(ctx, principalOf(req), id, evidenceId, fileId);
    sendFile(res, file, content);
  });

  routes.post('/api/v1/portal/audits/:id/requests', 'portal.use', async (req, res) => {
    const { id } = parseInput(auditIdParam, req.params);
    const principal = principalOf(req);
    const requestId = await createRequest(ctx, principal, id, parseInput(requestInputSchema, req.body));
    res.status(201).json(requestJson(await getRequest(ctx, principal, id, requestId)));
  });

  routes.post('/api/v1/portal/audits/:id/findings', 'portal.use', async (req, res) => {
    const { id } = parseInput(auditIdParam, req.params);
    const principal = principalOf(req);
    const findingId = await recordFinding(ctx, principal, id, parseInput(findingInputSchema, req.body));
    res.status(201).json(findingJson(await getFinding(ctx, principal, id, findingId)));
  });

  routes.post('/api/v1/portal/audits/:id/comments', 'portal.use', async (req, res) => {
    const { id } = parseInput(auditIdParam, req.params);
    const commentId = await addComment(ctx, principalOf(req), { type: 'audit', auditId: id, id }, parseInput(commentSchema, req.body).body);
    res.status(201).json({ id: commentId });
  });

  routes.post('/api/v1/portal/audits/:id/samples', 'portal.use', async (req, res) => {
    const { id } = parseInput(auditIdParam, req.params);
    const principal = principalOf(req);
    const body = req.body as Record<string, unknown> | undefined;
    // The API takes the population as a JSON array as well as newline-separated text.
    const input = Array.isArray(body?.population) && body.population.every((p) => typeof p === 'string') ? { ...body, population: body.population.join('\n') } : body;
    const sampleId = await drawSample(ctx, principal, id, parseInput(sampleInputSchema, input));
    res.status(201).json(await getSample(ctx, principal, id, sampleId));
  });

  routes.get('/api/v1/portal/audits/:id/samples/:sampleId', 'portal.use', async (req, res) => {
    const { id, sampleId } = parseInput(sampleParams, req.params);
    res.json(await portalSample(ctx, principalOf(req), id, sampleId));
  });
}
