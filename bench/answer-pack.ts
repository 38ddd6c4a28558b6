import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { PDFDocument, ParseSpeeds } from 'pdf-lib';
import { parse } from 'yaml';
import { cliPrincipal } from '../src/auth/principal.ts';
import { openContext } from '../src/bootstrap.ts';
import { loadConfig } from '../src/config.ts';
import { buildDemo } from '../src/demo/demo.service.ts';
import { answerPackView, planAnswerPack } from '../src/questionnaires/answer-pack.ts';
import { answerQuestions } from '../src/questionnaires/answer.service.ts';
import { createLogger } from '../src/logger.ts';
import { issueFacts } from '../src/reports/document.ts';
import { renderReport } from '../src/reports/render.ts';
import { generateReport } from '../src/reports/reports.service.ts';
import { fmt, stats } from './org.ts';
import { barePdfRenderer } from './pdf-floor.ts';

// The PDF answer pack for a 300-question questionnaire on demo data (the demo's two years built
// through the real services: evidence, some of it shareable, and certifications), issued end to
// end as the page's "Build the PDF answer pack" does: plan, record, gather the certifications and
// the evidence appendix through the services, render, stamp the metadata, store. The questions are
// the labelled evaluation set's (bench/questionnaire-eval.yaml), repeated to 300, answered once
// beforehand (answering is measured by bench/questionnaire-accuracy.ts). The floor, in the same run
// on the same HTML: a bare Puppeteer page.setContent + page.pdf with the same print options, on a
// page opened beforehand, nothing else.

const RUNS = Number(process.env.RUNS ?? 7);
const QUESTIONS = 300;
const NOW = '2026-11-21T10:00:00.000Z';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-bench-answer-pack-'));
const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent', COOKIE_SECURE: 'false', NODE_ENV: 'production' });
let now = new Date(NOW);
const ctx = await openContext(config, createLogger('silent'), () => new Date(now));
const built = performance.now();
await buildDemo({ ...ctx, setNow: (iso: string) => (now = new Date(iso)) }, () => undefined);
now = new Date(NOW);
process.stderr.write(`demo data built in ${((performance.now() - built) / 1000).toFixed(0)} s\n`);

const labelled = parse(fs.readFileSync(path.join(import.meta.dirname, 'questionnaire-eval.yaml'), 'utf8')) as { q: string }[];
const questions = Array.from({ length: QUESTIONS }, (_, i) => ({ row: i + 2, ref: `Q${i + 1}`, text: labelled[i % labelled.length]!.q }));
const answers = await answerQuestions(ctx, cliPrincipal, questions);
const input = { customer: 'Bench Customer', questionnaire: 'bench-300.xlsx', answers };

async function attestOnce(): Promise<{ ms: number; reportId: number }> {
  const started = performance.now();
  const { request, build } = await planAnswerPack(ctx, cliPrincipal, input);
  const report = await generateReport(ctx, cliPrincipal, request, build);
  if (report.status !== 'ready') throw new Error(`answer pack ${report.id} ${report.status}`);
  return { ms: performance.now() - started, reportId: report.id };
}

// ---- the floor: the same HTML, a bare page, the same print options --------------------------------
const first = await attestOnce();
const issue = await issueFacts(ctx, cliPrincipal, first.reportId);
const view = await answerPackView(ctx, cliPrincipal, input, issue);
const html = renderReport('answers', view);
const frame = { reportName: issue.title, asOf: issue.asOf, reportId: issue.reportId };
const bare = await barePdfRenderer(frame, false);
const floorOnce = () => bare.once(html);
await floorOnce();

// ---- measured runs, interleaved so both see the same machine -------------------------------------
const attest: number[] = [];
const floor: number[] = [];
for (let i = 0; i < RUNS; i++) {
  attest.push((await attestOnce()).ms);
  floor.push(await floorOnce());
}
const pages = (await PDFDocument.load(bare.lastPdf(), { parseSpeed: ParseSpeeds.Fastest })).getPageCount();
const a = stats(attest);
const f = stats(floor);
const sentTrue = answers.filter((x) => x.answer !== null && !x.stale).length;
console.log(
  `Answer pack PDF, demo data: ${QUESTIONS} questions (${sentTrue} sent as answered), ${view.appendix.length} evidence items in the appendix, ${pages} pages, ${html.length} bytes of HTML; ${RUNS} runs each:`,
);
console.log(`  Attest planAnswerPack + generateReport  median ${fmt(a.median)}  min ${fmt(a.min)}  max ${fmt(Math.max(...attest))}`);
console.log(`  floor  page.setContent + page.pdf       median ${fmt(f.median)}  min ${fmt(f.min)}  max ${fmt(Math.max(...floor))}`);
console.log(`  ratio Attest / floor (medians)          ${(a.median / f.median).toFixed(2)}`);

await bare.close();
await ctx.pdf.close();
await ctx.database.close();
fs.rmSync(dir, { recursive: true, force: true });
