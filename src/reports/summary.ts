import type { Principal } from '../auth/principal.ts';
import { certificationKindLabels } from '../certifications/certifications.model.ts';
import { certificationStatus } from '../certifications/certifications.rules.ts';
import { type Certification, listCertifications } from '../certifications/certifications.service.ts';
import type { AppContext } from '../context.ts';
import { formatDayLong } from '../dates.ts';
import { AppError, type FieldError } from '../http/errors.ts';
import { checkAsOf, type IssueFacts, issueFacts, mayGenerate, outputName, writePdf } from './document.ts';
import { issueView } from './documents.presenter.ts';
import { renderReport } from './render.ts';
import type { ReportBuilder, ReportRequest } from './reports.model.ts';

// The one-page compliance summary customer-compliance staff send to customers: the certificates
// and attestation reports valid on the as-of day, with kind, number, issuer, validity and scope.

/** Current or expiring on the day, by the certifications domain's own status rule. */
function validOn(c: Certification, day: string, windowDays: number): boolean {
  // A withdrawal counts from its date: a certificate withdrawn later was still valid on an earlier day.
  const withdrawnOn = c.withdrawnOn !== null && c.withdrawnOn <= day ? c.withdrawnOn : null;
  const status = certificationStatus({ validFrom: c.validFrom, validUntil: c.validUntil, withdrawnOn }, day, windowDays);
  return status === 'current' || status === 'expiring';
}

const isReportKind = (c: Certification) => c.kind === 'soc2_type1' || c.kind === 'soc2_type2';

export async function heldCertifications(ctx: AppContext, principal: Principal, asOf: string): Promise<Certification[]> {
  const all: Certification[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = await listCertifications(ctx, principal, {}, { limit: 500, offset });
    all.push(...page.items);
    if (page.items.length < 500 || all.length >= page.total) break;
  }
  return all
    .filter((c) => validOn(c, asOf, ctx.config.certExpiryWindowDays))
    .sort((a, b) => a.framework.name.localeCompare(b.framework.name) || a.kind.localeCompare(b.kind) || b.validFrom.localeCompare(a.validFrom) || a.id - b.id);
}

function summaryView(issue: IssueFacts, held: Certification[]) {
  return {
    title: issue.title,
    issue: issueView(issue),
    asOfLong: formatDayLong(issue.asOf),
    held: held.length === 1 ? 'the following certificate or independent attestation report' : `the following ${held.length} certificates and independent attestation reports`,
    items: held.map((c) => ({
      framework: c.framework.name,
      kind: certificationKindLabels[c.kind],
      number: c.number || '—',
      issuer: c.issuer,
      // A SOC 2 report covers a period; the others are valid from … until.
      period: isReportKind(c),
      validFrom: c.validFrom,
      validUntil: c.validUntil,
      scope: c.scope || '—',
    })),
  };
}

export async function planSummary(ctx: AppContext, principal: Principal, input: { asOf?: string | undefined }): Promise<{ request: ReportRequest; build: ReportBuilder }> {
  mayGenerate(ctx, principal, 'summary');
  const problems: FieldError[] = [];
  const asOf = checkAsOf(ctx, input.asOf, problems);
  if (problems.length) throw AppError.invalid(problems);
  const request: ReportRequest = { kind: 'summary', title: 'Compliance summary', params: { format: 'pdf' }, asOf };
  const build: ReportBuilder = async ({ reportId, progress }) => {
    await progress.total(2);
    const [issue, held] = await Promise.all([issueFacts(ctx, principal, reportId), heldCertifications(ctx, principal, asOf)]);
    await progress.advance();
    const html = renderReport('summary', summaryView(issue, held));
    const file = await writePdf(ctx, issue, html, { name: outputName('summary', null, asOf, reportId, 'pdf'), subject: `Certifications and attestation reports valid on ${asOf}` });
    await progress.advance();
    return [file];
  };
  return { request, build };
}
