import type { Principal } from '../auth/principal.ts';
import { certificationKindLabels } from '../certifications/certifications.model.ts';
import type { AppContext } from '../context.ts';
import { formatDayLong, today } from '../dates.ts';
import { issueFacts, mayGenerate, outputName, writePdf } from '../reports/document.ts';
import { issueView } from '../reports/documents.presenter.ts';
import { renderReport } from '../reports/render.ts';
import type { ReportBuilder, ReportRequest } from '../reports/reports.model.ts';
import { heldCertifications } from '../reports/summary.ts';
import type { Answer } from './answer.service.ts';

// The PDF answer pack sent back to a customer: a cover with the customer and the day, the
// certifications and reports valid that day, then every question with its answer, the detail, the
// supporting controls and the framework requirements behind them. Recorded like every report.

export interface AnswerPackInput {
  customer: string;
  questionnaire: string;
  answers: Answer[];
}

const shortLabel = (a: Answer) => a.answer ?? 'Not answered';

export async function planAnswerPack(ctx: AppContext, principal: Principal, input: AnswerPackInput): Promise<{ request: ReportRequest; build: ReportBuilder }> {
  mayGenerate(ctx, principal, 'answers');
  const asOf = today(ctx.clock);
  const title = `Security questionnaire answers for ${input.customer}`;
  const request: ReportRequest = { kind: 'answers', title, params: { customer: input.customer, questionnaire: input.questionnaire, questions: input.answers.length }, asOf };
  const build: ReportBuilder = async ({ reportId, progress }) => {
    await progress.total(2);
    const issue = await issueFacts(ctx, principal, reportId);
    const held = await heldCertifications(ctx, principal, asOf);
    await progress.advance();
    const html = renderReport('answers', {
      title,
      issue: issueView(issue),
      customer: input.customer,
      questionnaire: input.questionnaire,
      asOfLong: formatDayLong(asOf),
      certifications: held.map((c) => ({
        framework: c.framework.name,
        kind: certificationKindLabels[c.kind],
        number: c.number || '—',
        validFrom: c.validFrom,
        validUntil: c.validUntil,
      })),
      counts: {
        total: input.answers.length,
        answered: input.answers.filter((a) => a.answer !== null && !a.stale).length,
        open: input.answers.filter((a) => a.answer === null || a.stale).length,
      },
      answers: input.answers.map((a) => ({
        ref: a.ref ?? `Row ${a.row}`,
        question: a.question,
        // A stale or unmatched answer is not sent as if it were true: it says it is being confirmed.
        short: a.stale ? 'To confirm' : shortLabel(a),
        detail: a.stale ? 'This answer is being re-confirmed against current evidence; we will follow up.' : (a.detail ?? 'We will answer this question separately.'),
        controls: a.controls.join(', '),
        requirements: Object.entries(a.requirements)
          .map(([fw, refs]) => `${fw}: ${refs.slice(0, 4).join(', ')}`)
          .join('; '),
        tone: a.stale || a.answer === null ? 'warn' : a.answer === 'No' ? 'gap' : a.answer === 'Partial' ? 'partial' : 'met',
      })),
    });
    const file = await writePdf(ctx, issue, html, {
      name: outputName('answers', input.customer.replace(/[^A-Za-z0-9]+/g, '-').slice(0, 40), asOf, reportId, 'pdf'),
      subject: `Answers to ${input.questionnaire} for ${input.customer}`,
    });
    await progress.advance();
    return [file];
  };
  return { request, build };
}
