import { randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { authorize } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { isDay, today } from '../dates.ts';
import { fileStore } from '../evidence/evidence.service.ts';
import { type FrameworkIdentity, frameworkIdentity, listFrameworks } from '../frameworks/frameworks.service.ts';
import { type FieldError, isAppError } from '../http/errors.ts';
import type { PdfOptions } from './pdf.ts';
import { type OutputFile, mediaTypes, type ReportKind } from './reports.model.ts';
import { getReport } from './reports.service.ts';

// What the document reports (Statement of Applicability, readiness, compliance summary) share:
// checking their input the same way, the facts of issue printed in every title block, and writing
// their files where the reports service picks them up.

export const documentFormats = ['pdf', 'xlsx'] as const;

/** What the caller sent, quoted back in a message, cut short so a message stays a message. */
const echo = (value: string) => `"${value.length > 60 ? `${value.slice(0, 60)}…` : value}"`;
export type DocumentFormat = (typeof documentFormats)[number];

/** The as-of day asked for (today when none); a malformed or future day is added to `problems`. */
export function checkAsOf(ctx: AppContext, asOf: string | undefined, problems: FieldError[]): string {
  const day = today(ctx.clock);
  if (asOf === undefined || asOf === '') return day;
  if (!isDay(asOf)) problems.push({ field: 'as_of', message: `${echo(asOf)} is not a date; use YYYY-MM-DD, like ${day}.` });
  else if (asOf > day) problems.push({ field: 'as_of', message: `The as-of date cannot be after today (${day}): a report states what was true on a day.` });
  return asOf;
}

export function checkFormat(format: unknown, allowed: readonly DocumentFormat[], problems: FieldError[]): DocumentFormat {
  if (typeof format === 'string' && (allowed as readonly string[]).includes(format)) return format as DocumentFormat;
  problems.push({ field: 'format', message: `Choose ${allowed.join(' or ')}${typeof format === 'string' ? `, not ${echo(format)}` : ''}.` });
  return allowed[0]!;
}

/** The framework asked for; an unknown one is added to `problems` with the slugs that would do. */
export async function checkFramework(ctx: AppContext, principal: Principal, slug: string, problems: FieldError[]): Promise<FrameworkIdentity | null> {
  try {
    return await frameworkIdentity(ctx, principal, slug);
  } catch (err) {
    if (!isAppError(err) || err.code !== 'not_found') throw err;
    const loaded = (await listFrameworks(ctx, principal)).map((f) => f.slug);
    problems.push({ field: 'framework', message: `Unknown framework ${echo(slug)}; loaded: ${loaded.join(', ')}.` });
    return null;
  }
}

/** Refuses early (before any data is read) those the report policy would refuse at generation. */
export function mayGenerate(ctx: AppContext, principal: Principal, kind: ReportKind): void {
  authorize(principal, 'reports.generate', { kind: 'report', reportKind: kind, auditId: null, today: today(ctx.clock) });
}

/** The record of the report being built: printed in its title block and set in the PDF's metadata. */
export interface IssueFacts {
  reportId: number;
  title: string;
  asOf: string;
  createdAt: string;
  createdBy: string;
  chainHead: string;
}

export async function issueFacts(ctx: AppContext, principal: Principal, reportId: number): Promise<IssueFacts> {
  const r = await getReport(ctx, principal, reportId);
  return { reportId: r.id, title: r.title, asOf: r.asOf, createdAt: r.createdAt, createdBy: r.createdBy.label, chainHead: r.chainHead };
}

/** A new temporary path in the file store's tmp folder (same file system, so storing is a rename). */
export function tempPath(ctx: AppContext, reportId: number, ext: string): string {
  return path.join(fileStore(ctx).tmpDir, `report-${reportId}-${randomBytes(6).toString('hex')}.${ext}`);
}

/** The name a downloaded file gets: what it is, of what, as of when, and its report number. */
export function outputName(kind: ReportKind, subject: string | null, asOf: string, reportId: number, ext: string): string {
  return `${[kind, subject, asOf, `report-${reportId}`].filter(Boolean).join('-')}.${ext}`;
}

/** Renders the HTML with the context's PDF engine, headed and dated by the report's record. */
export async function writePdf(ctx: AppContext, issue: IssueFacts, html: string, file: { name: string; subject: string; landscape?: boolean }): Promise<OutputFile> {
  const options: PdfOptions = {
    reportName: issue.title,
    asOf: issue.asOf,
    reportId: issue.reportId,
    subject: file.subject,
    createdAt: issue.createdAt,
    landscape: file.landscape ?? false,
  };
  const pdf = await ctx.pdf.render(html, options);
  const out = tempPath(ctx, issue.reportId, 'pdf');
  await fsp.writeFile(out, pdf);
  return { name: file.name, mediaType: mediaTypes.pdf, path: out };
}
