import fs from 'node:fs';
import path from 'node:path';
import { type Command, Option } from 'commander';
import { fail, printJson, withContext, withDatabaseAsIs } from '../cli.support.ts';
import type { AppContext } from '../context.ts';
import type { ReportBuilder, ReportRequest } from './reports.model.ts';

// `attest report soa|readiness|summary …` issue a document report (recorded, built, its file kept
// with its SHA-256) and copy the file to --out; `attest report verify FILE` tells whether a file
// is one Attest issued. Messages go to stderr; verify's answer goes to stdout.

type Plan = (ctx: AppContext) => Promise<{ request: ReportRequest; build: ReportBuilder }>;

const asOfOption = () => new Option('--as-of <date>', 'the day the report describes, YYYY-MM-DD (default: today)');
const formatOption = () => new Option('--format <format>', 'output format').choices(['pdf', 'xlsx']).default('pdf');

/** Refuses, before anything is recorded, an --out the file could not be written to. */
function checkOut(out: string, format: string): void {
  const ext = path.extname(out).slice(1).toLowerCase();
  if (ext && ext !== format) fail(`--out: ${out} ends in .${ext}, but the report is ${format}; name it .${format} or choose --format ${ext}.`);
  const dir = path.dirname(path.resolve(out));
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) fail(`--out: the folder ${dir} does not exist.`);
  if (fs.existsSync(out) && fs.statSync(out).isDirectory()) fail(`--out: ${out} is a folder; give a file name.`);
}

async function issueTo(out: string, format: string, plan: Plan): Promise<void> {
  checkOut(out, format);
  const [{ cliPrincipal }, { generateReport, openReportFile }] = await Promise.all([import('../auth/principal.ts'), import('./reports.service.ts')]);
  await withContext(async (ctx) => {
    const { request, build } = await plan(ctx);
    process.stderr.write(`Building ${request.title}, as of ${request.asOf}…\n`);
    const report = await generateReport(ctx, cliPrincipal, request, build);
    // Through the service: the stored file is checked against its hash, and the copy is recorded.
    const { file, path: stored } = await openReportFile(ctx, cliPrincipal, report.id, report.files[0]!.id);
    await fs.promises.copyFile(stored, out);
    process.stderr.write(`Report #${report.id} written to ${out} (${file.size} bytes, SHA-256 ${file.sha256}).\n`);
  });
}

export function registerDocumentReportCommands(report: Command): void {
  report
    .command('soa')
    .description('Statement of Applicability: ISO/IEC 27001 Annex A (or an extension) with applicability, status, controls and evidence')
    .requiredOption('--framework <slug>', 'iso27001-2022, iso27701-2019, iso27017-2015 or iso27018-2019')
    .addOption(asOfOption())
    .addOption(formatOption())
    .requiredOption('--out <file>', 'where to write the report')
    .action(async (opts: { framework: string; asOf?: string; format: 'pdf' | 'xlsx'; out: string }) => {
      const { planSoa } = await import('./soa.ts');
      const { cliPrincipal } = await import('../auth/principal.ts');
      await issueTo(opts.out, opts.format, (ctx) => planSoa(ctx, cliPrincipal, { framework: opts.framework, asOf: opts.asOf, format: opts.format }));
    });

  report
    .command('readiness')
    .description('framework readiness: status of every requirement, the gaps with owners and due dates, open audit findings')
    .requiredOption('--framework <slug>', 'any loaded framework, e.g. soc2-2017')
    .addOption(asOfOption())
    .addOption(formatOption())
    .requiredOption('--out <file>', 'where to write the report')
    .action(async (opts: { framework: string; asOf?: string; format: 'pdf' | 'xlsx'; out: string }) => {
      const { planReadiness } = await import('./readiness.ts');
      const { cliPrincipal } = await import('../auth/principal.ts');
      await issueTo(opts.out, opts.format, (ctx) => planReadiness(ctx, cliPrincipal, { framework: opts.framework, asOf: opts.asOf, format: opts.format }));
    });

  report
    .command('summary')
    .description('one-page compliance summary for customers: the certifications and reports valid on the day (PDF)')
    .addOption(asOfOption())
    .requiredOption('--out <file>', 'where to write the PDF')
    .action(async (opts: { asOf?: string; out: string }) => {
      const { planSummary } = await import('./summary.ts');
      const { cliPrincipal } = await import('../auth/principal.ts');
      await issueTo(opts.out, 'pdf', (ctx) => planSummary(ctx, cliPrincipal, { asOf: opts.asOf }));
    });

  report
    .command('verify')
    .description('tell whether FILE is a report file Attest issued (by its SHA-256), and which report; exit 1 when it is not')
    .argument('<file>', 'the PDF, spreadsheet or pack to check')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (file: string, opts: { format: 'text' | 'json' }) => {
      if (!fs.existsSync(file) || !fs.statSync(file).isFile()) fail(`attest: ${file}: no such file.`);
      const [{ cliPrincipal }, { identifyIssuedFile, sha256OfFile }, { verifyLines, verifyJson }] = await Promise.all([
        import('../auth/principal.ts'),
        import('./reports.service.ts'),
        import('./verify.presenter.ts'),
      ]);
      const sha256 = await sha256OfFile(file);
      await withDatabaseAsIs(async (ctx) => {
        const reports = await identifyIssuedFile(ctx, cliPrincipal, sha256);
        if (opts.format === 'json') printJson(verifyJson(sha256, reports));
        if (reports.length === 0) {
          process.stderr.write(
            `attest: ${file} is not a file Attest issued: no report has a file with SHA-256 ${sha256}. It was altered after it was issued, or it comes from elsewhere.\n`,
          );
          process.exitCode = 1;
          return;
        }
        if (opts.format === 'text') process.stdout.write(verifyLines(file, sha256, reports));
      });
    });
}
