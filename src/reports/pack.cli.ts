import { InvalidArgumentError, type Command } from 'commander';
import { fail, withContext } from '../cli.support.ts';
import type { ProgressReporter, ReportBuilder } from './reports.model.ts';
import type { PackVerification } from './pack.verify.ts';
import { counted } from '../words.ts';

// `attest report pack --audit ID --out FILE.zip` and `attest pack verify FILE.zip`. The verifier
// needs no database (a recipient of the pack runs it), so it opens none.

const MAX_LISTED = 200;

function positiveId(value: string): number {
  if (!/^\d{1,9}$/.test(value) || Number(value) === 0) throw new InvalidArgumentError('Give the audit id, a whole number (see `attest audits list`).');
  return Number(value);
}

/** The builder's progress, also printed on stderr: a line at most every second, and the last step. */
function printingProgress(build: ReportBuilder): ReportBuilder {
  return ({ reportId, progress }) => {
    let total = 0;
    let done = 0;
    let printedAt = 0;
    const print = () => {
      printedAt = Date.now();
      process.stderr.write(`Evidence pack (report #${reportId}): ${done} of ${total} steps\n`);
    };
    const tee: ProgressReporter = {
      async total(steps) {
        total = steps;
        print();
        await progress.total(steps);
      },
      async advance(steps = 1) {
        done += steps;
        if (done === total || Date.now() - printedAt >= 1000) print();
        await progress.advance(steps);
      },
    };
    return build({ reportId, progress: tee });
  };
}

function printVerification(file: string, result: PackVerification): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  if (result.ok) {
    out(`OK: ${result.matched} files match the manifest (${file}; manifest SHA-256 ${result.manifestSha256}, vouched for by pack.pdf).`);
    return;
  }
  const list = (label: string, names: string[]) => {
    for (const name of names.slice(0, MAX_LISTED)) out(`${label}: ${name}`);
    if (names.length > MAX_LISTED) out(`… and ${names.length - MAX_LISTED} more ${label.toLowerCase()} files.`);
  };
  list('ALTERED', result.altered);
  list('MISSING', result.missing);
  list('ADDED', result.added);
  for (const p of result.problems) out(`PROBLEM: ${p}`);
  out(
    `FAILED: ${file} does not match its manifest: ${result.altered.length} altered, ${result.missing.length} missing, ${result.added.length} added, ${counted(result.problems.length, 'other problem')}; ${result.matched} files match.`,
  );
}

export function registerPackCommands(report: Command, pack: Command): void {
  report
    .command('pack')
    .description("build an audit's evidence pack (ZIP: evidence files, manifest.json, pack.pdf), recorded with its SHA-256")
    .requiredOption('--audit <id>', 'the audit (see `attest audits list`)', positiveId)
    .requiredOption('--out <file>', 'where to write the ZIP')
    .action(async (opts: { audit: number; out: string }) => {
      const fs = await import('node:fs/promises');
      const { cliPrincipal } = await import('../auth/principal.ts');
      const { planPack } = await import('./pack.ts');
      const { generateReport, openReportFile } = await import('./reports.service.ts');
      await withContext(async (ctx) => {
        const { request, build } = await planPack(ctx, cliPrincipal, { auditId: opts.audit });
        const issued = await generateReport(ctx, cliPrincipal, request, printingProgress(build));
        const zip = issued.files[0]!;
        // Through the service: the stored file is checked against its hash and the copy is recorded.
        const { path } = await openReportFile(ctx, cliPrincipal, issued.id, zip.id);
        const partial = `${opts.out}.partial`;
        await fs.copyFile(path, partial);
        await fs.rename(partial, opts.out);
        process.stderr.write(`Evidence pack written to ${opts.out} (report #${issued.id}, ${zip.size} bytes, SHA-256 ${zip.sha256}).\n`);
      });
    });

  pack
    .command('verify <file>')
    .description('check an evidence pack: every file against manifest.json, and manifest.json against pack.pdf; exit 1 on any difference')
    .action(async (file: string) => {
      const fs = await import('node:fs');
      if (!fs.existsSync(file)) fail(`${file}: no such file`);
      const { PackFormatError, verifyPack } = await import('./pack.verify.ts');
      try {
        const result = await verifyPack(file);
        printVerification(file, result);
        if (!result.ok) process.exitCode = 1;
      } catch (err) {
        if (!(err instanceof PackFormatError)) throw err;
        process.stdout.write(`FAILED: ${err.message}\n`);
        process.exitCode = 1;
      }
    });
}
