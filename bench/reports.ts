import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { PDFDocument, ParseSpeeds } from 'pdf-lib';
import { cliPrincipal } from '../src/auth/principal.ts';
import { openContext } from '../src/bootstrap.ts';
import { loadConfig } from '../src/config.ts';
import { buildDemo } from '../src/demo/demo.service.ts';
import { frameworkIdentity } from '../src/frameworks/frameworks.service.ts';
import { createLogger } from '../src/logger.ts';
import { issueFacts } from '../src/reports/document.ts';
import { frameworkFacts } from '../src/reports/framework-facts.ts';
import { renderReport } from '../src/reports/render.ts';
import { generateReport } from '../src/reports/reports.service.ts';
import { planSoa, soaScopes } from '../src/reports/soa.ts';
import { soaView } from '../src/reports/soa.presenter.ts';
import { fmt, stats } from './org.ts';
import { barePdfRenderer } from './pdf-floor.ts';

// The ISO/IEC 27001 Statement of Applicability as a PDF on demo-sized data (the demo's two-year
// programme built through the real services: the shipped library, ~3,000 evidence records, audits,
// certifications), issued end to end as `attest report soa` does: plan, record, gather through the
// services, render, stamp the metadata, store. The floor, measured in the same run on the same
// HTML: a bare Puppeteer page.setContent + page.pdf with the same PDF options (format, margins,
// header and footer, tagged, outline), on a page opened beforehand, nothing else.

const RUNS = Number(process.env.RUNS ?? 7);
const NOW = '2026-11-21T10:00:00.000Z';
const SLUG = 'iso27001-2022';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-bench-reports-'));
const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent', COOKIE_SECURE: 'false', NODE_ENV: 'production' });
let now = new Date(NOW);
const ctx = await openContext(config, createLogger('silent'), () => new Date(now));
const built = performance.now();
await buildDemo({ ...ctx, setNow: (iso: string) => (now = new Date(iso)) }, () => undefined);
now = new Date(NOW);
process.stderr.write(`demo data built in ${((performance.now() - built) / 1000).toFixed(0)} s\n`);

async function attestOnce(): Promise<{ ms: number; reportId: number; file: string }> {
  const started = performance.now();
  const { request, build } = await planSoa(ctx, cliPrincipal, { framework: SLUG, format: 'pdf' });
  const report = await generateReport(ctx, cliPrincipal, request, build);
  const ms = performance.now() - started;
  return { ms, reportId: report.id, file: path.join(config.dataDir, 'files') };
}

// ---- the floor: the same HTML, a bare page, the same print options --------------------------------
const first = await attestOnce();
const facts = await frameworkFacts(ctx, cliPrincipal, await frameworkIdentity(ctx, cliPrincipal, SLUG), NOW.slice(0, 10));
const issue = await issueFacts(ctx, cliPrincipal, first.reportId);
const annexA = facts.requirements.filter((r) => soaScopes[SLUG]!.includes(r.ref));
const html = renderReport('soa', soaView(issue, facts, annexA, soaScopes[SLUG]!.label));
const frame = { reportName: issue.title, asOf: issue.asOf, reportId: issue.reportId };
const bare = await barePdfRenderer(frame, true);
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
console.log(`ISO/IEC 27001 SoA PDF, demo data (${annexA.length} Annex A controls, ${pages} pages, ${html.length} bytes of HTML), ${RUNS} runs each:`);
console.log(`  Attest planSoa + generateReport   median ${fmt(a.median)}  min ${fmt(a.min)}  max ${fmt(Math.max(...attest))}`);
console.log(`  floor  page.setContent + page.pdf median ${fmt(f.median)}  min ${fmt(f.min)}  max ${fmt(Math.max(...floor))}`);
console.log(`  ratio Attest / floor (medians)    ${(a.median / f.median).toFixed(2)}`);

await bare.close();
await ctx.pdf.close();
await ctx.database.close();
fs.rmSync(dir, { recursive: true, force: true });
