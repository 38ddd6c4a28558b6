import fsp from 'node:fs/promises';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { getAudit } from '../audits/audits.service.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { today } from '../dates.ts';
import { fileStore } from '../evidence/evidence.service.ts';
import type { FileStore } from '../evidence/file-store.ts';
import { AppError } from '../http/errors.ts';
import { collectPackContents, type PackContents, type PackFile } from './pack.contents.ts';
import { relativizePackLinks } from './pack.links.ts';
import { MANIFEST_NAME, manifestBytes, PACK_FORMAT, PACK_FORMAT_VERSION, PDF_NAME, sha256Of } from './pack.manifest.ts';
import { packView } from './pack.presenter.ts';
import { PackZipWriter } from './pack.zip.ts';
import { renderReport } from './render.ts';
import { mediaTypes, type OutputFile, type ProgressReporter, type ReportBuilder, type ReportRequest } from './reports.model.ts';
import { getReport, type Report } from './reports.service.ts';

// The audit evidence pack: one ZIP with every current evidence file of the audit's scope, a
// manifest of their hashes, and pack.pdf (the readable pack) printing the manifest's hash.
// planPack reads the audit with the caller's principal (a refusal stops everything before a record
// is made); the reports service records, authorizes and runs the builder.

/** The request and the builder for startReport/generateReport (src/reports/reports.service.ts). */
export async function planPack(ctx: AppContext, principal: Principal, input: { auditId: number }): Promise<{ request: ReportRequest; build: ReportBuilder }> {
  const audit = await getAudit(ctx, principal, input.auditId);
  const asOf = today(ctx.clock);
  const request: ReportRequest = { kind: 'pack', title: `Evidence pack: ${audit.title}`, auditId: audit.id, params: { auditId: audit.id }, asOf };
  const build: ReportBuilder = async ({ reportId, progress }) => {
    const report = await getReport(ctx, principal, reportId);
    const contents = await collectPackContents(ctx, principal, audit, asOf);
    return [await writePack(ctx, report, contents, progress)];
  };
  return { request, build };
}

// Text compresses; most evidence (PDF, images, office files, archives) is compressed already, and
// deflating it again costs time for nothing (~30 MB/s on one core) and memory for its output.
const TEXT_TYPES = /^(text\/|application\/(json|xml|csv|x-ndjson|yaml|x-yaml|sql|javascript)\b)/;
const TEXT_EXTENSIONS = /\.(txt|csv|tsv|json|ndjson|xml|html?|md|log|ya?ml|sql|svg|eml|ini|conf|cfg|sh|ps1)$/i;
const compressible = (file: PackFile) => TEXT_TYPES.test(file.mediaType) || TEXT_EXTENSIONS.test(file.filename);

const quoted = (text: string) => `"${text.length > 80 ? `${text.slice(0, 79)}…` : text}"`;

/**
 * Streams one stored evidence file into the ZIP, checking as it goes that it is the file that was
 * logged: a missing or altered object in the store fails the whole pack, naming the evidence.
 */
async function addEvidenceFile(zip: PackZipWriter, store: FileStore, file: PackFile, contents: PackContents): Promise<void> {
  const evidence = contents.evidence.get(file.evidenceId);
  const named = `evidence #${file.evidenceId} ${quoted(evidence?.title ?? '')}, file ${quoted(file.filename)}`;
  const handle = await fsp.open(store.pathOf(file.sha256), 'r').catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
    throw new AppError('integrity_failed', `The stored file of ${named} is missing from the file store; the pack was not built.`);
  });
  const written = await zip.addFile(file.path, handle, { compress: compressible(file) });
  if (written.sha256 !== file.sha256 || written.size !== file.size) {
    throw new AppError('integrity_failed', `The stored file of ${named} no longer matches the SHA-256 recorded when it was logged (${file.sha256}); the pack was not built.`);
  }
}

async function writePack(ctx: AppContext, report: Report, contents: PackContents, progress: ProgressReporter): Promise<OutputFile> {
  const { audit, asOf } = contents;
  await progress.total(contents.files.length + 2);
  const store = fileStore(ctx);
  const zip = PackZipWriter.create(store.tmpDir, new Date(report.createdAt));
  try {
    for (const file of contents.files) {
      await addEvidenceFile(zip, store, file, contents);
      await progress.advance();
      // Keep the server answering while a large pack streams: one turn of the event loop per file.
      await yieldToEventLoop();
    }
    const manifest = manifestBytes({
      format: PACK_FORMAT,
      version: PACK_FORMAT_VERSION,
      reportId: report.id,
      audit: { id: audit.id, title: audit.title, frameworks: audit.frameworks },
      generatedAt: report.createdAt,
      asOf,
      chainHead: report.chainHead,
      files: contents.files.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256, evidenceId: f.evidenceId })),
    });
    await zip.addBuffer(MANIFEST_NAME, manifest, { compress: true });
    await progress.advance();
    // Chromium's PDF streams are compressed already.
    await zip.addBuffer(PDF_NAME, await renderPackPdf(ctx, report, contents, sha256Of(manifest)), { compress: false });
    await progress.advance();
    return { name: `evidence-pack-audit-${audit.id}-${asOf}.zip`, mediaType: mediaTypes.zip, path: await zip.finish() };
  } catch (err) {
    await zip.discard();
    throw err;
  }
}

async function renderPackPdf(ctx: AppContext, report: Report, contents: PackContents, manifestSha256: string): Promise<Buffer> {
  const view = packView(contents, { reportId: report.id, generatedAt: report.createdAt, chainHead: report.chainHead, manifestSha256 });
  const pdf = await ctx.pdf.render(renderReport('pack', view), {
    reportName: report.title,
    asOf: contents.asOf,
    reportId: report.id,
    subject: `Audit evidence pack: requirements, controls and evidence; manifest SHA-256 ${manifestSha256}`,
    createdAt: report.createdAt,
  });
  relativizePackLinks(pdf);
  return pdf;
}
