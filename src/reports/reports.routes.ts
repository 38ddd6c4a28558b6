import type { Request, Response } from 'express';
import { can } from '../auth/policy.ts';
import type { AppContext } from '../context.ts';
import { today } from '../dates.ts';
import { listFrameworks } from '../frameworks/frameworks.service.ts';
import { principalOf } from '../http/actor.ts';
import { submitForm } from '../http/forms.ts';
import { pageView } from '../http/pagination.ts';
import type { Routes } from '../http/routes.ts';
import { parseInput } from '../http/validate.ts';
import { auditIdParam } from '../audits/audits.schema.ts';
import { requestReport } from './plans.ts';
import { reportKindLabels, reportKinds } from './reports.model.ts';
import { type Report, listReports, openReportFile, viewReport } from './reports.service.ts';
import { reportFileParams, reportListSchema, reportParams, reportRequestSchema } from './reports.schema.ts';

const PER_PAGE = 25;

/** What a page shows of a report: its kind's name, a readable size per file, and whether to keep refreshing. */
export function reportView(r: Report) {
  return {
    ...r,
    kindLabel: reportKindLabels[r.kind],
    building: r.status === 'building',
    percent: r.progress.total > 0 ? Math.min(100, Math.round((r.progress.done / r.progress.total) * 100)) : null,
    files: r.files.map((f) => ({ ...f, sizeText: f.size >= 1_048_576 ? `${(f.size / 1_048_576).toFixed(1)} MB` : `${Math.max(1, Math.round(f.size / 1024))} KB` })),
  };
}

/** Streams an issued file as an attachment, with its hash for the client to check. */
export async function sendReportFile(res: Response, file: { name: string; mediaType: string; sha256: string }, filePath: string): Promise<void> {
  res.set('Content-Type', file.mediaType);
  res.set('X-Content-Type-Options', 'nosniff');
  res.set('Cache-Control', 'no-store');
  res.set('Digest', `sha-256=${Buffer.from(file.sha256, 'hex').toString('base64')}`);
  res.attachment(file.name);
  await new Promise<void>((resolve, reject) => res.sendFile(filePath, { headers: { 'Content-Type': file.mediaType } }, (err) => (err ? reject(err) : resolve())));
}

export function reportRoutes(routes: Routes, ctx: AppContext): void {
  const renderIndex = async (req: Request, res: Response, status = 200, form: { values?: Record<string, unknown>; errors?: Record<string, string>; message?: string } = {}) => {
    const principal = principalOf(req);
    const { page } = parseInput(reportListSchema, req.query);
    const [{ items, total }, frameworks] = await Promise.all([
      listReports(ctx, principal, {}, { limit: PER_PAGE, offset: (page - 1) * PER_PAGE }),
      can(principal, 'catalog.read') ? listFrameworks(ctx, principal) : Promise.resolve([]),
    ]);
    const summaryOnly = principal.role === 'customer_compliance';
    const values = { kind: summaryOnly ? 'summary' : 'soa', as_of: today(ctx.clock), format: 'pdf', framework: 'iso27001-2022', ...form.values };
    res.status(status).render('reports/index', {
      title: 'Reports',
      section: 'reports',
      reports: items.map(reportView),
      pagination: pageView(total, page, PER_PAGE, req.query as Record<string, string | undefined>),
      kinds: reportKinds.filter((k) => k !== 'pack' && (!summaryOnly || k === 'summary')).map((k) => ({ value: k, label: reportKindLabels[k], selected: values.kind === k })),
      frameworks: frameworks.map((f) => ({ value: f.slug, label: f.name, selected: values.framework === f.slug })),
      values,
      errors: form.errors ?? {},
      formError: form.message,
      summaryOnly,
      today: today(ctx.clock),
    });
  };

  routes.get('/reports', 'reports.read', async (req, res) => {
    // Auditors' reports are their audits' reports, in their portal.
    if (can(principalOf(req), 'portal.use')) return res.redirect(303, '/portal');
    await renderIndex(req, res);
  });

  routes.post('/reports', 'reports.generate', async (req, res) => {
    await submitForm(
      async () => {
        const principal = principalOf(req);
        const { id } = await requestReport(ctx, principal, parseInput(reportRequestSchema, req.body));
        res.redirect(303, `/reports/${id}`);
      },
      (f) => renderIndex(req, res, f.status, { values: req.body as Record<string, unknown>, errors: f.errors, ...(f.message ? { message: f.message } : {}) }),
    );
  });

  routes.get('/reports/:id', 'reports.read', async (req, res) => {
    const { id } = parseInput(reportParams, req.params);
    const principal = principalOf(req);
    const report = reportView(await viewReport(ctx, principal, id));
    res.set('Cache-Control', 'no-store');
    res.render('reports/show', {
      title: report.title,
      section: principal.role === 'auditor' ? 'portal' : 'reports',
      report,
      backHref: report.auditId !== null && principal.role === 'auditor' ? `/portal/audits/${report.auditId}#reports` : '/reports',
      refreshSeconds: report.building ? 2 : null,
    });
  });

  routes.get('/reports/:id/files/:fileId', 'reports.read', async (req, res) => {
    const { id, fileId } = parseInput(reportFileParams, req.params);
    const { file, path } = await openReportFile(ctx, principalOf(req), id, fileId);
    await sendReportFile(res, file, path);
  });

  // The auditor builds their audit's evidence pack from the portal; GRC staff from the audit page.
  const startPack = async (req: Request, res: Response) => {
    const { id } = parseInput(auditIdParam, req.params);
    const principal = principalOf(req);
    const started = await requestReport(ctx, principal, { kind: 'pack', audit_id: id });
    res.redirect(303, `/reports/${started.id}`);
  };
  routes.post('/portal/audits/:id/reports', 'portal.use', startPack);
  routes.post('/audits/:id/pack', 'audits.edit', startPack);
}
