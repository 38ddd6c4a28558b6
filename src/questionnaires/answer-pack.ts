import type { Principal } from '../auth/principal.ts';
import { certificationKindLabels } from '../certifications/certifications.model.ts';
import type { AppContext } from '../context.ts';
import { formatDayLong, today } from '../dates.ts';
import { type IssueFacts, issueFacts, mayGenerate, outputName, writePdf } from '../reports/document.ts';
import { issueView } from '../reports/documents.presenter.ts';
import { renderReport } from '../reports/render.ts';
import type { ReportBuilder, ReportRequest } from '../reports/reports.model.ts';
import { heldCertifications } from '../reports/summary.ts';
import { shareableEvidenceOf } from '../evidence/evidence.service.ts';
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

/** An answer the pack states as true: matched (or written by a reviewer) and not stale. */
const sentAsTrue = (a: Answer) => a.answer !== null && !a.stale;

/**
 * The appendix: the shareable, current evidence behind the controls of the answers sent as true,
 * numbered E1, E2 … so each answer names the items that support it (with files and SHA-256, so the
 * customer can match what they receive to what the pack cites).
 */
async function evidenceAppendix(ctx: AppContext, principal: Principal, answers: Answer[], day: string) {
  const refs = [...new Set(answers.filter(sentAsTrue).flatMap((a) => a.controls))];
  const rows = await shareableEvidenceOf(ctx, principal, refs, day);
  const numbers = new Map<number, number>();
  const byControl = new Map<string, number[]>();
  const items: { n: string; title: string; controls: string[]; collectedAt: string; validUntil: string; files: { name: string; sha256: string; size: number }[] }[] = [];
  for (const r of rows) {
    let n = numbers.get(r.id);
    if (n === undefined) {
      n = numbers.size + 1;
      numbers.set(r.id, n);
      items.push({ n: `E${n}`, title: r.title, controls: [], collectedAt: r.collectedAt.slice(0, 10), validUntil: r.validUntil, files: r.files });
    }
    items[n - 1]!.controls.push(r.control);
    byControl.set(r.control, [...(byControl.get(r.control) ?? []), n]);
  }
  return { items: items.map((i) => ({ ...i, controls: i.controls.join(', ') })), byControl };
}

export async function planAnswerPack(ctx: AppContext, principal: Principal, input: AnswerPackInput): Promise<{ request: ReportRequest; build: ReportBuilder }> {
  mayGenerate(ctx, principal, 'answers');
  const asOf = today(ctx.clock);
  const title = `Security questionnaire answers for ${input.customer}`;
  const request: ReportRequest = { kind: 'answers', title, params: { customer: input.customer, questionnaire: input.questionnaire, questions: input.answers.length }, asOf };
  const build: ReportBuilder = async ({ reportId, progress }) => {
    await progress.total(2);
    const issue = await issueFacts(ctx, principal, reportId);
    const html = renderReport('answers', await answerPackView(ctx, principal, input, issue));
    await progress.advance();
    const file = await writePdf(ctx, issue, html, {
      name: outputName('answers', input.customer.replace(/[^A-Za-z0-9]+/g, '-').slice(0, 40), asOf, reportId, 'pdf'),
      subject: `Answers to ${input.questionnaire} for ${input.customer}`,
    });
    await progress.advance();
    return [file];
  };
  return { request, build };
}

/** What the answer pack shows, for the template (the benchmark renders the same view). */
export async function answerPackView(ctx: AppContext, principal: Principal, input: AnswerPackInput, issue: IssueFacts) {
  const asOf = issue.asOf;
  const held = await heldCertifications(ctx, principal, asOf);
  const appendix = await evidenceAppendix(ctx, principal, input.answers, asOf);
  return {
    title: issue.title,
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
    appendix: appendix.items,
    answers: input.answers.map((a) => ({
      evidence: sentAsTrue(a)
        ? [...new Set(a.controls.flatMap((c) => appendix.byControl.get(c) ?? []))]
            .sort((x, y) => x - y)
            .map((n) => `E${n}`)
            .join(', ')
        : '',
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
  };
}
