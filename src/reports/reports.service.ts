import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { chainHead } from '../activity/activity.repository.ts';
import { withActivity } from '../activity/activity.service.ts';
import { authorize, type Resource } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { today } from '../dates.ts';
import { fileStore } from '../evidence/evidence.service.ts';
import { AppError, messageForUser } from '../http/errors.ts';
import { inTransaction } from '../db/unit-of-work.ts';
import { enqueueJob } from '../jobs/jobs.service.ts';
import type { OutputFile, ProgressReporter, ReportBuilder, ReportKind, ReportPlanRef, ReportRequest, ReportStatus } from './reports.model.ts';
import * as repo from './reports.repository.ts';

// Issuing reports: every report is recorded before it is built (kind, parameters, as-of date, who,
// when, the activity chain's head), its files are kept content-addressed with their SHA-256, and
// generation, failure and every download are in the activity trail. Builders (soa, readiness,
// pack, summary) only write files; this module decides who may and keeps the record.

export interface ReportFile {
  id: number;
  name: string;
  mediaType: string;
  sha256: string;
  size: number;
}

export interface Report {
  id: number;
  kind: ReportKind;
  title: string;
  frameworkId: number | null;
  auditId: number | null;
  params: Record<string, unknown>;
  asOf: string;
  status: ReportStatus;
  progress: { done: number; total: number };
  error: string | null;
  chainHead: string;
  createdBy: { id: number | null; label: string };
  createdAt: string;
  finishedAt: string | null;
  files: ReportFile[];
}

function toReport(row: repo.ReportRow, files: Awaited<ReturnType<typeof repo.filesOf>>): Report {
  return {
    id: row.id,
    kind: row.kind as ReportKind,
    title: row.title,
    frameworkId: row.framework_id,
    auditId: row.audit_id,
    params: JSON.parse(row.params) as Record<string, unknown>,
    asOf: row.as_of,
    status: row.status,
    progress: { done: row.progress_done, total: row.progress_total },
    error: row.error,
    chainHead: row.chain_head,
    createdBy: { id: row.created_by, label: row.created_label },
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    files: files.filter((f) => f.report_id === row.id).map((f) => ({ id: f.id, name: f.name, mediaType: f.media_type, sha256: f.sha256, size: f.size })),
  };
}

const reportResource = (ctx: AppContext, kind: string, auditId: number | null): Resource => ({ kind: 'report', reportKind: kind, auditId, today: today(ctx.clock) });

/** Waits until a report is no longer building, wherever it is built (for tests and scripts that ask for one and then read it). */
export async function settled(ctx: AppContext, id: number, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const row = await repo.findReport(ctx.db, id);
    if (row?.status !== 'building') return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`report ${id} still building after ${timeoutMs} ms`);
}

/** Reports progress to the record, at most a few times a second, so a page can show it. */
function progressOf(ctx: AppContext, id: number): ProgressReporter & { flush(): Promise<void> } {
  let done = 0;
  let lastWrite = 0;
  const write = () => repo.updateReport(ctx.db, id, { progress_done: done });
  return {
    async total(steps) {
      await repo.updateReport(ctx.db, id, { progress_total: steps });
    },
    async advance(steps = 1) {
      done += steps;
      if (Date.now() - lastWrite < 250) return;
      lastWrite = Date.now();
      await write();
    },
    flush: write,
  };
}

/** The row recorded before a build, in the transaction given. */
async function recordReport(ctx: AppContext, principal: Principal, request: ReportRequest): Promise<number> {
  const head = await chainHead(ctx.db);
  return repo.insertReport(ctx.db, {
    kind: request.kind,
    title: request.title,
    framework_id: request.frameworkId ?? null,
    audit_id: request.auditId ?? null,
    params: JSON.stringify(request.params),
    as_of: request.asOf,
    status: 'building',
    chain_head: head?.hash ?? '',
    created_by: principal.userId,
    created_label: principal.label,
    created_at: ctx.clock().toISOString(),
  });
}

/**
 * Records the report and queues its build (a job: src/reports/reports.job.ts re-plans it from
 * `plan` wherever it runs); returns at once with its id, and the page shows its progress.
 */
export async function startReport(ctx: AppContext, principal: Principal, request: ReportRequest, plan: ReportPlanRef): Promise<{ id: number }> {
  authorize(principal, 'reports.generate', reportResource(ctx, request.kind, request.auditId ?? null));
  const { value: id } = await enqueueJob(ctx, principal, 'report', async (trx) => {
    const reportId = await recordReport(inTransaction(ctx, trx), principal, request);
    return { payload: { reportId, plan }, value: reportId };
  });
  return { id };
}

/** The request a recorded report was asked with, as its build and its activity records name it. */
export function requestOfRow(row: repo.ReportRow): ReportRequest {
  return {
    kind: row.kind as ReportKind,
    title: row.title,
    params: JSON.parse(row.params) as Record<string, unknown>,
    asOf: row.as_of,
    ...(row.framework_id !== null ? { frameworkId: row.framework_id } : {}),
    ...(row.audit_id !== null ? { auditId: row.audit_id } : {}),
  };
}

/** Builds a recorded report and records the outcome (never throws: a failure is recorded). */
export async function buildReport(ctx: AppContext, principal: Principal, id: number, request: ReportRequest, build: ReportBuilder): Promise<void> {
  const progress = progressOf(ctx, id);
  let outputs: OutputFile[] = [];
  try {
    outputs = await build({ reportId: id, progress });
    await progress.flush();
    const store = fileStore(ctx);
    const stored: Omit<ReportFile, 'id'>[] = [];
    for (const o of outputs) {
      const { sha256, size } = await store.ingest(o.path);
      stored.push({ name: o.name, mediaType: o.mediaType, sha256, size });
    }
    await withActivity(
      ctx,
      principal,
      async (trx) => {
        await repo.insertFiles(
          trx,
          stored.map((f) => ({ report_id: id, name: f.name, media_type: f.mediaType, sha256: f.sha256, size: f.size })),
        );
        await repo.updateReport(trx, id, { status: 'ready', finished_at: ctx.clock().toISOString() });
      },
      () => ({
        action: 'report.generated',
        subjectType: 'report',
        subjectId: id,
        details: { kind: request.kind, title: request.title, as_of: request.asOf, params: request.params, audit_id: request.auditId ?? null, files: stored },
      }),
    );
  } catch (err) {
    const message = messageForUser(err, 'The report could not be built; the error is in the server log.');
    ctx.logger.error({ err, reportId: id }, 'report failed');
    for (const o of outputs) await fs.promises.rm(o.path, { force: true }).catch(() => undefined);
    await failReport(ctx, principal, id, request.kind, message).catch((e: unknown) => ctx.logger.error({ err: e, reportId: id }, 'recording the failure failed'));
  }
}

/** Records that a report could not be built, with the reason, in the trail. */
export async function failReport(ctx: AppContext, principal: Principal, id: number, kind: string, message: string): Promise<void> {
  await withActivity(
    ctx,
    principal,
    async (trx) => repo.updateReport(trx, id, { status: 'failed', error: message, finished_at: ctx.clock().toISOString() }),
    () => ({ action: 'report.failed', subjectType: 'report', subjectId: id, details: { kind, error: message } }),
  );
}

/** Records, builds in this process and waits: for the command line. Throws when the build failed. */
export async function generateReport(ctx: AppContext, principal: Principal, request: ReportRequest, build: ReportBuilder): Promise<Report> {
  authorize(principal, 'reports.generate', reportResource(ctx, request.kind, request.auditId ?? null));
  const id = await recordReport(ctx, principal, request);
  await buildReport(ctx, principal, id, request, build);
  const report = await getReport(ctx, principal, id);
  if (report.status === 'failed') throw new AppError('unavailable', report.error ?? 'The report could not be built.');
  return report;
}

export async function getReport(ctx: AppContext, principal: Principal, id: number): Promise<Report> {
  const row = await repo.findReport(ctx.db, id);
  if (!row) throw AppError.notFound('Report');
  authorize(principal, 'reports.read', reportResource(ctx, row.kind, row.audit_id));
  return toReport(row, await repo.filesOf(ctx.db, [row.id]));
}

/** A report as its page shows it; an auditor's look is recorded with the audit, as every portal view is. */
export async function viewReport(ctx: AppContext, principal: Principal, id: number): Promise<Report> {
  const report = await getReport(ctx, principal, id);
  if (principal.role === 'auditor' && report.auditId !== null) {
    const auditId = report.auditId;
    await withActivity(
      ctx,
      principal,
      async () => undefined,
      () => ({ action: 'portal.viewed', subjectType: 'audit', subjectId: auditId, details: { audit_id: auditId, page: 'report', report_id: id } }),
    );
  }
  return report;
}

/** Issued reports, newest first: all of them, an audit's, or (customer-compliance staff) summaries. */
export async function listReports(ctx: AppContext, principal: Principal, filter: repo.ReportFilter, page: { limit: number; offset: number }) {
  const auditId = filter.auditId ?? null;
  const kinds = principal.role === 'customer_compliance' ? ['summary', 'answers'] : filter.kinds;
  let auditIds: number[] | undefined;
  if (principal.role === 'auditor' && auditId === null) {
    // Without an audit named, an auditor lists the reports of the audits open to them today.
    authorize(principal, 'portal.use');
    const day = today(ctx.clock);
    auditIds = principal.assignments.filter((a) => a.accessFrom <= day && day <= a.accessUntil).map((a) => a.auditId);
  } else {
    authorize(principal, 'reports.read', reportResource(ctx, principal.role === 'customer_compliance' ? 'summary' : kinds?.length === 1 ? kinds[0]! : 'any', auditId));
  }
  const { rows, total } = await repo.listReports(ctx.db, { auditId: filter.auditId, auditIds, kinds }, page);
  const files = await repo.filesOf(
    ctx.db,
    rows.map((r) => r.id),
  );
  return { items: rows.map((r) => toReport(r, files)), total };
}

/**
 * One issued file for download: checked against its hash before a byte is sent (a pack may be
 * large, so it is streamed, not read into memory), and the download recorded.
 */
export async function openReportFile(ctx: AppContext, principal: Principal, reportId: number, fileId: number): Promise<{ file: ReportFile; path: string }> {
  const report = await getReport(ctx, principal, reportId);
  const file = report.files.find((f) => f.id === fileId);
  if (!file) throw AppError.notFound('Report file');
  const path = fileStore(ctx).pathOf(file.sha256);
  if ((await sha256OfFile(path).catch(() => null)) !== file.sha256) {
    ctx.logger.error({ reportId, fileId, sha256: file.sha256 }, 'stored report file is missing or altered');
    throw new AppError('integrity_failed', 'This report file is missing or does not match its recorded hash; it is not served. Generate the report again.');
  }
  await withActivity(
    ctx,
    principal,
    async () => undefined,
    () => ({ action: 'report.downloaded', subjectType: 'report', subjectId: reportId, details: { file: file.name, sha256: file.sha256, audit_id: report.auditId } }),
  );
  return { file, path };
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Whether a file is one Attest issued: the reports whose files have exactly this content. */
export async function identifyIssuedFile(ctx: AppContext, principal: Principal, sha256: string): Promise<Report[]> {
  authorize(principal, 'reports.read', reportResource(ctx, 'any', null));
  const rows = await repo.filesBySha256(ctx.db, sha256);
  const files = await repo.filesOf(
    ctx.db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toReport(r, files));
}
