import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAudit } from '../../src/audits/audits.service.ts';
import { fileStore, getEvidence } from '../../src/evidence/evidence.service.ts';
import { AppError } from '../../src/http/errors.ts';
import { planPack } from '../../src/reports/pack.ts';
import { PackFormatError, verifyPack } from '../../src/reports/pack.verify.ts';
import { generateReport, getReport, type Report, sha256OfFile } from '../../src/reports/reports.service.ts';
import { runCli } from '../helpers/cli.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { buildEvidence, buildUser, loadFixtureLibrary, principalFor } from '../helpers/factories.ts';
import { assignedAuditor, evidenceWithFiles, pdfText, qpdfCheck, readZip, writeZip } from './pack-helpers.ts';

// The audit evidence pack end to end on a real database and the real browser: what is in the ZIP,
// that its PDF vouches for its manifest, who may build one, what a tampered store does, and the
// verifier (library and CLI) on honest and tampered copies.

let ctx: TestContext;
let grc: Awaited<ReturnType<typeof buildUser>>;
let reviewer: Awaited<ReturnType<typeof buildUser>>;
let auditId: number;
let otherAuditId: number;
let pack: { report: Report; zip: string; entries: Map<string, Buffer> };
const ids: Record<string, number> = {};
const hostileTitle = `<script>alert("x")</script> ${'W'.repeat(150)} שלום עולם`;
const hostileFile = `${'x'.repeat(200)}<b>.pdf`;

beforeAll(async () => {
  ctx = await createTestContext({ now: '2026-11-21T10:00:00.000Z' });
  await loadFixtureLibrary(ctx);
  grc = await buildUser(ctx, { role: 'grc', name: 'Grace GRC' });
  reviewer = await buildUser(ctx, { role: 'grc', name: 'Rui Reviewer' });
  const people = { submitter: grc, reviewer };
  auditId = await createAudit(ctx, principalFor(grc), { kind: 'surveillance', title: 'Alpha surveillance 2026', frameworks: ['alpha'], owner: { id: grc.id } });
  otherAuditId = await createAudit(ctx, principalFor(grc), { kind: 'internal', title: 'Beta internal', frameworks: ['beta'], owner: { id: grc.id } });
  ids.policy = await evidenceWithFiles(ctx, people, {
    title: 'Access control policy v3',
    controls: ['IAM-01'],
    files: [
      { name: 'policy.pdf', content: 'access policy, approved 2026-11-01\n' },
      { name: 'policy.pdf', content: 'a second file with the same name\n' },
    ],
  });
  ids.kms = await evidenceWithFiles(ctx, people, { title: 'KMS configuration export', controls: ['CRY-01'], files: [{ name: 'kms export.json', content: '{"keys": 12}\n' }] });
  ids.hostile = await evidenceWithFiles(ctx, people, { title: hostileTitle, controls: ['CRY-01'], files: [{ name: hostileFile, content: 'hostile\n' }], accept: false });
  ids.link = (
    await buildEvidence(ctx, { title: 'Access review ticket', controls: ['IAM-01'], linkUrl: 'https://tickets.example.test/ACC-1', review: 'accepted', submitter: grc, reviewer })
  ).id;
  ids.rejected = (await buildEvidence(ctx, { title: 'Rejected screenshot', controls: ['IAM-01'], review: 'rejected', submitter: grc, reviewer })).id;
  // User text that looks like the PDF's own vouching line must not confuse the verifier.
  ids.decoy = (await buildEvidence(ctx, { title: `Manifest SHA-256: ${'0'.repeat(64)}`, controls: ['CRY-01'], review: 'accepted', submitter: grc, reviewer })).id;
});
afterAll(() => ctx.cleanup());

async function buildPack(principal = principalFor(grc), id = auditId) {
  const { request, build } = await planPack(ctx, principal, { auditId: id });
  return generateReport(ctx, principal, request, build);
}

const reportCount = async () => (await ctx.db.selectFrom('reports').select('id').execute()).length;

describe('an evidence pack built by GRC staff', () => {
  beforeAll(async () => {
    const report = await buildPack();
    const zip = fileStore(ctx).pathOf(report.files[0]!.sha256);
    pack = { report, zip, entries: await readZip(zip) };
  });

  it('is recorded with the SHA-256 of its ZIP and the activity chain head', async () => {
    const { report, zip } = pack;
    expect(report).toMatchObject({ kind: 'pack', status: 'ready', auditId, title: 'Evidence pack: Alpha surveillance 2026', asOf: '2026-11-21' });
    expect(report.chainHead).toMatch(/^[0-9a-f]{64}$/);
    expect(report.files).toHaveLength(1);
    expect(report.files[0]).toMatchObject({ mediaType: 'application/zip', name: `evidence-pack-audit-${auditId}-2026-11-21.zip` });
    expect(await sha256OfFile(zip)).toBe(report.files[0]!.sha256);
    const generated = await ctx.db
      .selectFrom('activity')
      .selectAll()
      .where('action', '=', 'report.generated')
      .where('subject_id', '=', String(report.id))
      .executeTakeFirstOrThrow();
    expect(generated.details).toContain(report.files[0]!.sha256);
  });

  it('holds every current evidence file with the right content and hash, and a manifest listing them', async () => {
    const manifest = JSON.parse(pack.entries.get('manifest.json')!.toString('utf8'));
    expect(manifest).toMatchObject({ format: 'attest-evidence-pack', version: 1, reportId: pack.report.id, asOf: '2026-11-21', chainHead: pack.report.chainHead });
    expect(manifest.audit).toEqual({ id: auditId, title: 'Alpha surveillance 2026', frameworks: [{ slug: 'alpha', name: 'Alpha Standard' }] });
    const files = manifest.files as { path: string; size: number; sha256: string; evidenceId: number }[];
    expect(files.map((f) => f.path)).toEqual([...files.map((f) => f.path)].sort());
    const expected = [];
    for (const id of [ids.policy!, ids.kms!, ids.hostile!]) expected.push(...(await getEvidence(ctx, principalFor(grc), id)).files.map((f) => ({ id, f })));
    expect(files).toHaveLength(expected.length);
    for (const { id, f } of expected) {
      const listed = files.find((m) => m.evidenceId === id && m.sha256 === f.sha256)!;
      expect(listed.path).toMatch(new RegExp(`^evidence/${id}-[^/]+$`));
      const content = pack.entries.get(listed.path)!;
      expect(content.length).toBe(f.size);
      expect(await fileStore(ctx).read(f.sha256)).toEqual(content);
    }
    expect(files.map((f) => f.path)).toContain(`evidence/${ids.policy}-policy.pdf`);
    expect(files.map((f) => f.path)).toContain(`evidence/${ids.policy}-policy-2.pdf`);
    expect(files.map((f) => f.path)).toContain(`evidence/${ids.kms}-kms_export.json`);
    expect([...pack.entries.keys()].sort()).toEqual([...files.map((f) => f.path), 'manifest.json', 'pack.pdf'].sort());
  });

  it('has a PDF that passes qpdf --check and shows the scope, the evidence and the manifest hash', async () => {
    const pdf = path.join(ctx.config.dataDir, 'pack.pdf');
    fs.writeFileSync(pdf, pack.entries.get('pack.pdf')!);
    const check = qpdfCheck(pdf);
    expect(check.output).toContain('No syntax or stream encoding errors');
    expect(check.status).toBe(0);
    const text = pdfText(pdf);
    const manifestSha = createHash('sha256').update(pack.entries.get('manifest.json')!).digest('hex');
    expect(text).toContain(`Manifest SHA-256: ${manifestSha}`);
    for (const ref of ['1.1', '1.2', 'IAM-01', 'CRY-01']) expect(text).toContain(ref);
    for (const title of ['Access control policy v3', 'KMS configuration export', 'Access review ticket']) expect(text).toContain(title);
    expect(text).toContain('https://tickets.example.test/ACC-1');
    expect(text).toContain(`evidence/${ids.kms}-kms_export.json`);
    expect(text).not.toContain('Rejected screenshot');
    // Markup in user text is shown as text, never run.
    expect(text).toContain('<script>alert("x")</script>');
    expect(text).toContain('Awaiting review');
  });

  it('links each file to its path in the ZIP, relative to the PDF', () => {
    const raw = pack.entries.get('pack.pdf')!.toString('latin1');
    expect(raw).toContain(`/URI (evidence/${ids.kms}-kms_export.json)`);
    expect(raw).not.toContain('attest.invalid');
  });

  it('passes verifyPack', async () => {
    const result = await verifyPack(pack.zip);
    expect(result).toMatchObject({ ok: true, matched: 4, altered: [], missing: [], added: [], problems: [] });
  });
});

describe('who may build a pack', () => {
  it('an auditor assigned to the audit, inside the window, gets the same contents', async () => {
    const auditor = await assignedAuditor(ctx, grc, auditId, { from: '2026-11-01', until: '2026-12-31' });
    const report = await buildPack(await auditor.principal());
    expect(report.status).toBe('ready');
    expect(report.createdBy.label).toBe(auditor.user.email);
    const manifest = JSON.parse((await readZip(fileStore(ctx).pathOf(report.files[0]!.sha256))).get('manifest.json')!.toString('utf8'));
    const grcManifest = JSON.parse(pack.entries.get('manifest.json')!.toString('utf8'));
    expect(manifest.files).toEqual(grcManifest.files);
  });

  it('is refused (403) for another audit, and outside the window, with nothing recorded or built', async () => {
    const auditor = await assignedAuditor(ctx, grc, auditId, { from: '2026-11-01', until: '2026-11-30' });
    const before = await reportCount();
    const tmpBefore = fs.readdirSync(fileStore(ctx).tmpDir).length;
    const other = await buildPack(await auditor.principal(), otherAuditId).catch((e: unknown) => e);
    expect(other).toBeInstanceOf(AppError);
    expect((other as AppError).status).toBe(403);
    ctx.setNow('2026-12-01T09:00:00.000Z');
    try {
      const late = await buildPack(await auditor.principal()).catch((e: unknown) => e);
      expect(late).toBeInstanceOf(AppError);
      expect((late as AppError).status).toBe(403);
      expect((late as AppError).message).toContain('ended on 2026-11-30');
    } finally {
      ctx.setNow('2026-11-21T10:00:00.000Z');
    }
    expect(await reportCount()).toBe(before);
    expect(fs.readdirSync(fileStore(ctx).tmpDir).length).toBe(tmpBefore);
  });

  it('is refused to a viewer and to customer-compliance staff', async () => {
    for (const role of ['viewer', 'customer_compliance'] as const) {
      const err = await buildPack(principalFor(await buildUser(ctx, { role }))).catch((e: unknown) => e);
      expect((err as AppError).status).toBe(403);
    }
  });
});

describe('a stored evidence file that is no longer what was logged', () => {
  it('fails the pack with a message naming the evidence; the failure is recorded and nothing is left behind', async () => {
    const kms = await getEvidence(ctx, principalFor(grc), ids.kms!);
    const stored = fileStore(ctx).pathOf(kms.files[0]!.sha256);
    const original = fs.readFileSync(stored);
    const tmpBefore = fs.readdirSync(fileStore(ctx).tmpDir).length;
    fs.writeFileSync(stored, '{"keys": 13}\n');
    try {
      const err = await buildPack().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).message).toContain(`evidence #${ids.kms} "KMS configuration export", file "kms export.json" no longer matches`);
      const failed = await ctx.db.selectFrom('reports').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
      expect(failed.status).toBe('failed');
      expect(failed.error).toContain(`evidence #${ids.kms}`);
      expect((await getReport(ctx, principalFor(grc), failed.id)).files).toEqual([]);
      const recorded = await ctx.db.selectFrom('activity').selectAll().where('action', '=', 'report.failed').where('subject_id', '=', String(failed.id)).executeTakeFirstOrThrow();
      expect(recorded.details).toContain('no longer matches');
      fs.rmSync(stored);
      const missing = await buildPack().catch((e: unknown) => e);
      expect((missing as AppError).message).toContain(`evidence #${ids.kms} "KMS configuration export", file "kms export.json" is missing`);
    } finally {
      fs.writeFileSync(stored, original);
    }
    expect(fs.readdirSync(fileStore(ctx).tmpDir).length).toBe(tmpBefore);
  });
});

describe('attest report pack and attest pack verify', () => {
  let out: string;

  it('writes the pack to --out, with progress on stderr, and verifies it', async () => {
    out = path.join(ctx.config.dataDir, 'out', 'pack.zip');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const made = runCli(['report', 'pack', '--audit', String(auditId), '--out', out], ctx.childEnv);
    expect(made.stderr).toContain('of 6 steps');
    expect(made.status).toBe(0);
    expect(made.stdout).toBe('');
    const report = await ctx.db.selectFrom('reports').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(report).toMatchObject({ kind: 'pack', status: 'ready', created_label: 'cli' });
    const file = await ctx.db.selectFrom('report_files').selectAll().where('report_id', '=', report.id).executeTakeFirstOrThrow();
    expect(await sha256OfFile(out)).toBe(file.sha256);
    const verified = runCli(['pack', 'verify', out], ctx.childEnv);
    expect(verified.stdout).toMatch(/^OK: 4 files match the manifest/);
    expect(verified.status).toBe(0);
  });

  it('names every altered, removed and added file on a tampered copy, and exits 1', async () => {
    const entries = await readZip(out);
    const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8')) as { files: { path: string }[] };
    const [altered, removed] = [manifest.files[0]!.path, manifest.files[1]!.path];
    entries.set(altered, Buffer.from('changed after the pack was issued\n'));
    entries.delete(removed);
    entries.set('evidence/999-smuggled.txt', Buffer.from('not in the manifest\n'));
    const copy = path.join(ctx.config.dataDir, 'out', 'tampered.zip');
    await writeZip(copy, entries);
    const res = runCli(['pack', 'verify', copy], ctx.childEnv);
    expect(res.status).toBe(1);
    expect(res.stdout).toContain(`ALTERED: ${altered}`);
    expect(res.stdout).toContain(`MISSING: ${removed}`);
    expect(res.stdout).toContain('ADDED: evidence/999-smuggled.txt');
    expect(res.stdout).toContain('FAILED:');
  });

  it('catches a manifest rewritten to match an altered file: pack.pdf vouches for the original', async () => {
    const entries = await readZip(out);
    const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8')) as { files: { path: string; size: number; sha256: string }[] };
    const forged = Buffer.from('forged\n');
    entries.set(manifest.files[0]!.path, forged);
    Object.assign(manifest.files[0]!, { size: forged.length, sha256: createHash('sha256').update(forged).digest('hex') });
    entries.set('manifest.json', Buffer.from(JSON.stringify(manifest)));
    const copy = path.join(ctx.config.dataDir, 'out', 'forged.zip');
    await writeZip(copy, entries);
    const result = await verifyPack(copy);
    expect(result.ok).toBe(false);
    expect(result.altered).toEqual([]);
    expect(result.problems.join('\n')).toContain('pack.pdf vouches for another manifest');
    expect(runCli(['pack', 'verify', copy], ctx.childEnv).status).toBe(1);
  });

  it('reports a file that is not a ZIP, or a ZIP without a manifest, as not a pack (exit 1)', async () => {
    const notZip = path.join(ctx.config.dataDir, 'out', 'not.zip');
    fs.writeFileSync(notZip, 'just text');
    await expect(verifyPack(notZip)).rejects.toThrow(PackFormatError);
    const res = runCli(['pack', 'verify', notZip], ctx.childEnv);
    expect(res.status).toBe(1);
    expect(res.stdout).toContain('is not a readable ZIP file');
    const bare = path.join(ctx.config.dataDir, 'out', 'bare.zip');
    await writeZip(bare, [['evidence/1-a.txt', Buffer.from('a')]]);
    await expect(verifyPack(bare)).rejects.toThrow(/no manifest\.json/);
    const badJson = path.join(ctx.config.dataDir, 'out', 'bad-json.zip');
    await writeZip(badJson, [['manifest.json', Buffer.from('{"format": "attest-evidence-pack", "files": "all"}')]]);
    await expect(verifyPack(badJson)).rejects.toThrow(/not an evidence pack manifest/);
  });

  it('does not follow names that escape the folder, and stops reading an entry past its declared size', async () => {
    const entries = await readZip(out);
    const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8')) as { files: { path: string }[] };
    const bomb = manifest.files[0]!.path;
    entries.set(bomb, Buffer.alloc(64 * 1024 * 1024));
    entries.set('evidence/../../escape.txt', Buffer.from('zip slip'));
    const copy = path.join(ctx.config.dataDir, 'out', 'hostile.zip');
    await writeZip(copy, entries);
    const result = await verifyPack(copy);
    expect(result.altered).toEqual([bomb]);
    expect(result.problems.join('\n')).toContain('Unsafe entry name "evidence/../../escape.txt"');
    expect(result.added).toEqual([]);
    expect(fs.existsSync(path.join(ctx.config.dataDir, 'escape.txt'))).toBe(false);
  });
});
