import { listAudits } from '../audits/audits.service.ts';
import { type Finding, listFindings } from '../audits/findings.service.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { AppError, type FieldError } from '../http/errors.ts';
import {
  checkAsOf,
  checkFormat,
  checkFramework,
  type DocumentFormat,
  documentFormats,
  type IssueFacts,
  issueFacts,
  mayGenerate,
  outputName,
  tempPath,
  writePdf,
} from './document.ts';
import { type FrameworkFacts, frameworkFacts } from './framework-facts.ts';
import { findingColumns, findingRows, gapColumns, gapRows, type OpenFinding, readinessAbout, readinessView, requirementColumns, requirementRows } from './readiness.presenter.ts';
import { renderReport } from './render.ts';
import type { OutputFile, ReportBuilder, ReportRequest } from './reports.model.ts';
import { addAboutSheet, addTable, newWorkbook, writeWorkbook } from './sheet.ts';

// Framework readiness: how far any framework is covered on the as-of day (a chart and the counts),
// every requirement's status with its reason, the gaps with the owners of the controls to act on
// and when their evidence is due, and the open findings of audits on the framework.

export interface ReadinessInput {
  framework: string;
  asOf?: string | undefined;
  format: DocumentFormat;
}

/** Findings still to act on: recorded by the day, not yet verified or closed, about this framework. */
export async function openFindingsOf(ctx: AppContext, principal: Principal, slug: string, asOf: string): Promise<OpenFinding[]> {
  const audits = [];
  for (let offset = 0; ; offset += 200) {
    const page = await listAudits(ctx, principal, { framework: slug }, { limit: 200, offset });
    audits.push(...page.items);
    if (page.items.length < 200 || audits.length >= page.total) break;
  }
  const open: OpenFinding[] = [];
  for (const audit of audits.sort((a, b) => a.id - b.id)) {
    const findings = await listFindings(ctx, principal, audit.id);
    const relevant = (f: Finding) =>
      (f.status === 'open' || f.status === 'action_taken') && f.createdAt.slice(0, 10) <= asOf && (f.requirements.length === 0 || f.requirements.some((r) => r.framework === slug));
    for (const f of findings.filter(relevant).sort((a, b) => a.id - b.id)) open.push({ audit: { id: audit.id, title: audit.title }, finding: f });
  }
  return open;
}

export async function planReadiness(ctx: AppContext, principal: Principal, input: ReadinessInput): Promise<{ request: ReportRequest; build: ReportBuilder }> {
  mayGenerate(ctx, principal, 'readiness');
  const problems: FieldError[] = [];
  const asOf = checkAsOf(ctx, input.asOf, problems);
  const format = checkFormat(input.format, documentFormats, problems);
  const framework = await checkFramework(ctx, principal, input.framework, problems);
  if (problems.length || !framework) throw AppError.invalid(problems);
  const slug = framework.slug;
  const request: ReportRequest = {
    kind: 'readiness',
    title: `Framework readiness — ${framework.name}`,
    frameworkId: framework.id,
    params: { framework: slug, format },
    asOf,
  };
  const build: ReportBuilder = async ({ reportId, progress }) => {
    await progress.total(2);
    const [issue, facts, findings] = await Promise.all([
      issueFacts(ctx, principal, reportId),
      frameworkFacts(ctx, principal, framework, asOf),
      openFindingsOf(ctx, principal, slug, asOf),
    ]);
    await progress.advance();
    const name = outputName('readiness', slug, asOf, reportId, format);
    const subject = `Readiness for ${facts.name} as of ${asOf}`;
    const file =
      format === 'pdf'
        ? await writePdf(ctx, issue, renderReport('readiness', readinessView(issue, facts, findings)), { name, subject })
        : await readinessWorkbook(ctx, { issue, facts, findings, name, subject });
    await progress.advance();
    return [file];
  };
  return { request, build };
}

async function readinessWorkbook(ctx: AppContext, p: { issue: IssueFacts; facts: FrameworkFacts; findings: OpenFinding[]; name: string; subject: string }): Promise<OutputFile> {
  const wb = newWorkbook(p.issue, p.subject);
  addTable(wb, 'Requirements', requirementColumns, requirementRows(p.facts));
  addTable(wb, 'Gaps', gapColumns, gapRows(p.facts));
  addTable(wb, 'Open findings', findingColumns, findingRows(p.findings, p.facts));
  addAboutSheet(wb, readinessAbout(p.issue, p.facts, p.findings));
  return writeWorkbook(wb, tempPath(ctx, p.issue.reportId, 'xlsx'), p.name);
}
