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
import { type FrameworkFacts, frameworkFacts, type RequirementFact } from './framework-facts.ts';
import { renderReport } from './render.ts';
import type { OutputFile, ReportBuilder, ReportRequest } from './reports.model.ts';
import { addAboutSheet, addTable, newWorkbook, writeWorkbook } from './sheet.ts';
import { aboutFacts, evidenceColumns, evidenceRows, soaColumns, soaRows, soaView } from './soa.presenter.ts';

// The Statement of Applicability (ISO/IEC 27001 clause 6.1.3 d): every Annex A control, or every
// control of an ISO/IEC 27001 extension, with whether it applies and why not, its implementation
// status on the as-of day under the coverage rule, and the company controls and current evidence
// that implement it. PDF for the auditor's file, xlsx for working with it.

/** The frameworks an SoA is written for, and which of their requirements are its controls. */
export const soaScopes: Record<string, { label: string; includes: (ref: string) => boolean }> = {
  'iso27001-2022': { label: 'Annex A controls', includes: (ref) => ref.startsWith('A.') },
  // Clause 5 extends the ISMS requirements (clauses 4–10 of 27001); the controls are clause 6 and Annexes A and B.
  'iso27701-2019': { label: 'privacy controls (clause 6, Annexes A and B)', includes: (ref) => !/^5(\.|$)/.test(ref) },
  'iso27017-2015': { label: 'cloud security controls', includes: () => true },
  'iso27018-2019': { label: 'PII protection controls (Annex A)', includes: () => true },
};

export interface SoaInput {
  framework: string;
  asOf?: string | undefined;
  format: DocumentFormat;
}

export async function planSoa(ctx: AppContext, principal: Principal, input: SoaInput): Promise<{ request: ReportRequest; build: ReportBuilder }> {
  mayGenerate(ctx, principal, 'soa');
  const problems: FieldError[] = [];
  const asOf = checkAsOf(ctx, input.asOf, problems);
  const format = checkFormat(input.format, documentFormats, problems);
  const framework = await checkFramework(ctx, principal, input.framework, problems);
  const scope = soaScopes[input.framework];
  if (framework && !scope) {
    problems.push({
      field: 'framework',
      message: `A Statement of Applicability covers ISO/IEC 27001 Annex A or an extension of it (${Object.keys(soaScopes).join(', ')}); ${framework.name} has none. Use the framework readiness report.`,
    });
  }
  if (problems.length || !framework || !scope) throw AppError.invalid(problems);
  const slug = framework.slug;
  const request: ReportRequest = {
    kind: 'soa',
    title: `Statement of Applicability — ${framework.name}`,
    frameworkId: framework.id,
    params: { framework: slug, format },
    asOf,
  };
  const build: ReportBuilder = async ({ reportId, progress }) => {
    await progress.total(2);
    const [issue, facts] = await Promise.all([issueFacts(ctx, principal, reportId), frameworkFacts(ctx, principal, framework, asOf)]);
    const requirements = facts.requirements.filter((r) => scope.includes(r.ref));
    await progress.advance();
    const name = outputName('soa', slug, asOf, reportId, format);
    const subject = `${facts.name}: ${scope.label} as of ${asOf}`;
    const file =
      format === 'pdf'
        ? await writePdf(ctx, issue, renderReport('soa', soaView(issue, facts, requirements, scope.label)), { name, subject, landscape: true })
        : await soaWorkbook(ctx, { issue, facts, requirements, scopeLabel: scope.label, name, subject });
    await progress.advance();
    return [file];
  };
  return { request, build };
}

async function soaWorkbook(
  ctx: AppContext,
  p: { issue: IssueFacts; facts: FrameworkFacts; requirements: RequirementFact[]; scopeLabel: string; name: string; subject: string },
): Promise<OutputFile> {
  const wb = newWorkbook(p.issue, p.subject);
  addTable(wb, 'Statement of Applicability', soaColumns, soaRows(p.requirements));
  addTable(wb, 'Evidence', evidenceColumns, evidenceRows(p.requirements));
  addAboutSheet(wb, aboutFacts(p.issue, p.facts, p.scopeLabel));
  return writeWorkbook(wb, tempPath(ctx, p.issue.reportId, 'xlsx'), p.name);
}
