import type { AppContext } from '../context.ts';
import { principalOf } from '../http/actor.ts';
import { apiPageSize } from '../http/pagination.ts';
import type { Routes } from '../http/routes.ts';
import { parseInput } from '../http/validate.ts';
import { dbId } from '../audits/audits.schema.ts';
import { pageQuery } from '../http/pagination.ts';
import { z } from 'zod';
import { requestReport } from './plans.ts';
import { sendReportFile } from './reports.routes.ts';
import { type Report, getReport, listReports, openReportFile } from './reports.service.ts';
import { reportFileParams, reportParams, reportRequestSchema } from './reports.schema.ts';

const listQuery = z.object({ audit_id: z.preprocess((v) => (v === '' ? undefined : v), dbId.optional()), page: pageQuery });

/** A report as the API returns it, with where to fetch its files. */
export function reportJson(r: Report) {
  return { ...r, href: `/api/v1/reports/${r.id}`, files: r.files.map((f) => ({ ...f, href: `/api/v1/reports/${r.id}/files/${f.id}` })) };
}

export function reportApi(routes: Routes, ctx: AppContext): void {
  routes.post('/api/v1/reports', 'reports.generate', async (req, res) => {
    const principal = principalOf(req);
    const { id } = await requestReport(ctx, principal, parseInput(reportRequestSchema, req.body));
    // Built in the background: poll the report until its status is ready (or failed).
    res
      .status(202)
      .location(`/api/v1/reports/${id}`)
      .json(reportJson(await getReport(ctx, principal, id)));
  });

  routes.get('/api/v1/reports', 'reports.read', async (req, res) => {
    const { audit_id, page } = parseInput(listQuery, req.query);
    const { limit } = parseInput(apiPageSize, req.query);
    const { items, total } = await listReports(ctx, principalOf(req), { auditId: audit_id }, { limit, offset: (page - 1) * limit });
    res.json({ items: items.map(reportJson), total, page, limit });
  });

  routes.get('/api/v1/reports/:id', 'reports.read', async (req, res) => {
    const { id } = parseInput(reportParams, req.params);
    res.json(reportJson(await getReport(ctx, principalOf(req), id)));
  });

  routes.get('/api/v1/reports/:id/files/:fileId', 'reports.read', async (req, res) => {
    const { id, fileId } = parseInput(reportFileParams, req.params);
    const { file, path } = await openReportFile(ctx, principalOf(req), id, fileId);
    await sendReportFile(res, file, path);
  });
}
