import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainHead } from '../../src/activity/activity.repository.ts';
import { getControl, removeMapping } from '../../src/controls/controls.service.ts';
import { AppError } from '../../src/http/errors.ts';
import { sha256OfFile } from '../../src/reports/reports.service.ts';
import { planSoa } from '../../src/reports/soa.ts';
import { runCli } from '../helpers/cli.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { buildEvidence, buildUser, principalFor } from '../helpers/factories.ts';
import { issue, loadIsoFixture, outlineTitles, pdfInfo, pdfText, qpdfCheck, readWorkbook, sheetRows, squash } from './documents-helpers.ts';

// The Statement of Applicability on a real database and the real browser: what it says on a day
// (and on an earlier day), its PDF and spreadsheet forms, its record, and the input it refuses.

let ctx: TestContext;
let grc: Awaited<ReturnType<typeof buildUser>>;
let reviewer: Awaited<ReturnType<typeof buildUser>>;

beforeAll(async () => {
  ctx = await createTestContext({ now: '2026-11-21T10:00:00.000Z' });
  await loadIsoFixture(ctx);
  grc = await buildUser(ctx, { role: 'grc', name: 'Grace GRC' });
  // The library must map every requirement; an edit in the app can still leave one unmapped.
  const { mappings } = await getControl(ctx, principalFor(grc), 'CRY-02');
  await removeMapping(ctx, principalFor(grc), 'CRY-02', mappings.find((m) => m.ref === 'A.5.3')!.id);
  reviewer = await buildUser(ctx, { role: 'grc', name: 'Rui Reviewer' });
  const people = { submitter: grc, reviewer, review: 'accepted' as const };
  // IAM-01 is effective now; CRY-01's evidence ran out at the end of 2025; CRY-02's awaits review.
  await buildEvidence(ctx, { ...people, controls: ['IAM-01'], title: 'Access control policy v3 (approved)', collectedAt: '2026-10-01', validUntil: '2027-09-30' });
  await buildEvidence(ctx, { ...people, controls: ['CRY-01'], title: 'KMS configuration export 2025', collectedAt: '2025-01-15', validUntil: '2025-12-31' });
  await buildEvidence(ctx, { submitter: grc, controls: ['CRY-02'], title: 'Key rotation log (unreviewed)', collectedAt: '2026-11-01' });
});
afterAll(() => ctx.cleanup());

const soa = (input: Partial<Parameters<typeof planSoa>[2]> = {}) => planSoa(ctx, principalFor(grc), { framework: 'iso27001-2022', format: 'pdf', ...input });

describe('the Statement of Applicability as a PDF', () => {
  let built: Awaited<ReturnType<typeof issue>>;
  let text: string;
  beforeAll(async () => {
    built = await issue(ctx, principalFor(grc), await soa());
    text = pdfText(built.file);
  });

  it('is a valid, tagged, landscape PDF with an outline and the report as its metadata', () => {
    expect(qpdfCheck(built.file).ok).toBe(true);
    const info = pdfInfo(built.file);
    expect(info).toMatchObject({ Title: 'Statement of Applicability — ISO/IEC 27001:2022', Author: 'Attest', Tagged: 'yes' });
    expect(info.Subject).toContain('Annex A controls as of 2026-11-21');
    expect(info.Producer).toContain('Attest');
    // The record's generation instant, not the moment Chromium printed.
    expect(Date.parse(info.CreationDate!)).toBe(Math.floor(Date.parse(built.report.createdAt) / 1000) * 1000);
    expect(info['Page size']).toMatch(/^841\.\d+ x 595\.\d+ pts \(A4\)/);
    expect(outlineTitles(built.file)).toEqual(
      expect.arrayContaining(['Statement of Applicability — ISO/IEC 27001:2022', 'Summary', 'A.5 Organizational controls', 'A.8 Technological controls']),
    );
  });

  it('prints the title block: framework, as-of day, report id, who generated it, the chain head', () => {
    expect(text).toContain('The organisation');
    expect(text).toContain('ISO/IEC 27001:2022 (test excerpt)');
    expect(text).toContain('Sat, 21 Nov 2026');
    expect(text).toContain(`#${built.report.id}`);
    expect(text).toContain(`by ${grc.email}`);
    expect(built.report.chainHead).toMatch(/^[0-9a-f]{64}$/);
    expect(text).toContain(built.report.chainHead);
  });

  it('lists every Annex A control with applicability, status, controls and current evidence, and nothing else', () => {
    for (const ref of ['A.5.1', 'A.5.2', 'A.5.3', 'A.8.24']) expect(text).toContain(ref);
    expect(text).not.toContain('Understanding the organization');
    const flat = squash(text);
    expect(flat).toContain(squash('Roles are covered by the group-wide RACI'));
    expect(flat).toContain(squash('Met by IAM-01 (superset)'));
    expect(flat).toContain(squash('Access control policy v3 (approved)'));
    expect(flat).toContain(squash('valid until 2027-09-30, reviewed by Rui Reviewer'));
    expect(flat).toContain(squash('No company control is mapped to it.'));
    // A.8.24: CRY-01's evidence expired, CRY-02's is not accepted; neither is listed as current.
    expect(flat).toContain(squash('evidence expired after 2025-12-31'));
    expect(text).not.toContain('KMS configuration export 2025');
    expect(text).not.toContain('Key rotation log');
    // In scope, applicable, not applicable, met, partly met, gap.
    expect(flat).toContain('InscopeApplicableNotapplicableMetPartlymetGap431102');
  });

  it('carries the report name, as-of day, report id and page numbers on every page', () => {
    const pages = text.split('\f').filter((p) => p.trim());
    expect(pages.length).toBe(Number(pdfInfo(built.file).Pages));
    pages.forEach((page, i) => {
      expect(page).toContain('Statement of Applicability — ISO/IEC 27001:2022');
      expect(page).toContain('As of 2026-11-21');
      expect(page).toContain(`Attest report #${built.report.id}`);
      expect(page).toContain(`Page ${i + 1} of ${pages.length}`);
    });
  });

  it('is recorded with its file hash and the chain head at generation', async () => {
    const row = await ctx.db.selectFrom('reports').selectAll().where('id', '=', built.report.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ kind: 'soa', status: 'ready', as_of: '2026-11-21', created_label: grc.email });
    expect(JSON.parse(row.params)).toEqual({ framework: 'iso27001-2022', format: 'pdf' });
    const fw = await ctx.db.selectFrom('frameworks').select('id').where('slug', '=', 'iso27001-2022').executeTakeFirstOrThrow();
    expect(row.framework_id).toBe(fw.id);
    const files = await ctx.db.selectFrom('report_files').selectAll().where('report_id', '=', built.report.id).execute();
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ media_type: 'application/pdf', name: `soa-iso27001-2022-2026-11-21-report-${built.report.id}.pdf`, sha256: await sha256OfFile(built.file) });
    // The head was taken before the report's own "generated" record was written.
    const generated = await ctx.db
      .selectFrom('activity')
      .select(['prev_hash', 'action'])
      .where('action', '=', 'report.generated')
      .where('subject_id', '=', String(built.report.id))
      .executeTakeFirstOrThrow();
    expect(generated.prev_hash).toBe(row.chain_head);
  });

  it('says the same for the same day (everything sorted), whatever the report id and chain head', async () => {
    const again = await issue(ctx, principalFor(grc), await soa());
    const neutral = (t: string, r: typeof built.report) =>
      t
        .replaceAll(`#${r.id}`, '#N')
        .replaceAll(`report-${r.id}`, 'report-N')
        .replaceAll(r.chainHead, 'HEAD')
        .replace(/2026-11-21 \d\d:\d\d UTC/g, 'WHEN');
    expect(neutral(pdfText(again.file), again.report)).toBe(neutral(text, built.report));
    expect((await chainHead(ctx.db))?.hash).not.toBe(built.report.chainHead);
  });
});

describe('the Statement of Applicability on an earlier day', () => {
  it('shows the coverage and the evidence of that day', async () => {
    const { file, report } = await issue(ctx, principalFor(grc), await soa({ asOf: '2025-06-30' }));
    expect(report.asOf).toBe('2025-06-30');
    const flat = squash(pdfText(file));
    expect(flat).toContain(squash('As of 2025-06-30'));
    expect(flat).toContain(squash('Met by CRY-01 (equal)'));
    expect(flat).toContain(squash('KMS configuration export 2025'));
    // IAM-01's evidence was collected later: not current then.
    expect(flat).not.toContain(squash('Access control policy v3'));
  });
});

describe('the Statement of Applicability as a spreadsheet', () => {
  it('has a frozen header, an autofilter, one row per control and the evidence behind them', async () => {
    const { file, report } = await issue(ctx, principalFor(grc), await soa({ format: 'xlsx' }));
    expect(report.files[0]).toMatchObject({ mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
    const wb = await readWorkbook(file);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Statement of Applicability', 'Evidence', 'About']);
    const main = wb.getWorksheet('Statement of Applicability')!;
    expect(main.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(main.autoFilter).toBeTruthy();
    expect(main.getColumn(2).width).toBeGreaterThan(20);
    expect(main.getRow(2).getCell(1).alignment).toMatchObject({ wrapText: true });
    const rows = sheetRows(main);
    expect(rows[0]).toEqual(['Ref', 'Control', 'Group', 'Applicable', 'Justification for exclusion', 'Status', 'Status reason', 'Company controls', 'Current evidence']);
    expect(rows.slice(1).map((r) => [r[0], r[3], r[5]])).toEqual([
      ['A.5.1', 'Yes', 'Met'],
      ['A.5.2', 'No', 'Not applicable'],
      ['A.5.3', 'Yes', 'Gap'],
      ['A.8.24', 'Yes', 'Gap'],
    ]);
    expect(rows[1]![8]).toContain('IAM-01: Access control policy v3 (approved)');
    const evidence = sheetRows(wb.getWorksheet('Evidence')!);
    expect(wb.getWorksheet('Evidence')!.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(evidence.slice(1).map((r) => [r[0], r[1], r[5]])).toEqual([
      ['A.5.1', 'IAM-01', 'Access control policy v3 (approved)'],
      ['A.8.24', 'CRY-01', ''],
      ['A.8.24', 'CRY-02', ''],
    ]);
    const about = sheetRows(wb.getWorksheet('About')!);
    expect(about).toContainEqual(['Report id', String(report.id)]);
    expect(about).toContainEqual(['Activity chain head', report.chainHead]);
  });
});

describe('what planSoa refuses', () => {
  const fields = async (input: Parameters<typeof soa>[0], principal = principalFor(grc)) => {
    const err = await planSoa(ctx, principal, { framework: 'iso27001-2022', format: 'pdf', ...input }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  };

  it('an unknown framework, or one without a Statement of Applicability', async () => {
    expect((await fields({ framework: 'iso9001' })).fields).toEqual([{ field: 'framework', message: expect.stringContaining('Unknown framework "iso9001"') }]);
    expect((await fields({ framework: 'alpha' })).fields).toEqual([{ field: 'framework', message: expect.stringContaining('Alpha Standard has none') }]);
  });

  it('a malformed or future as-of day and an unknown format, all at once', async () => {
    expect((await fields({ asOf: '2026-02-30' })).fields).toEqual([{ field: 'as_of', message: expect.stringContaining('not a date') }]);
    const err = await fields({ asOf: '2026-11-22', format: 'docx' as 'pdf' });
    expect(err.code).toBe('validation_failed');
    expect(err.fields.map((f) => f.field)).toEqual(['as_of', 'format']);
    expect(err.fields[0]!.message).toContain('cannot be after today (2026-11-21)');
  });

  it('customer-compliance staff and viewers, before reading anything', async () => {
    const customer = await buildUser(ctx, { role: 'customer_compliance' });
    const viewer = await buildUser(ctx, { role: 'viewer' });
    expect((await fields({}, principalFor(customer))).code).toBe('forbidden');
    expect((await fields({}, principalFor(viewer))).code).toBe('forbidden');
  });
});

// Each command runs in a child process (Node, tsx, the database, a browser): seconds apiece on a busy machine.
describe('attest report soa and attest report verify', { timeout: 180_000 }, () => {
  const out = (name: string) => path.join(ctx.config.dataDir, name);
  const reportCount = async () => (await ctx.db.selectFrom('reports').select('id').execute()).length;

  it('writes the PDF and the spreadsheet, each recorded with its chain head and file hash', async () => {
    for (const format of ['pdf', 'xlsx']) {
      const file = out(`soa.${format}`);
      const res = runCli(['report', 'soa', '--framework', 'iso27001-2022', '--as-of', '2026-11-21', '--format', format, '--out', file], ctx.childEnv);
      expect(res.stderr).toMatch(/Report #\d+ written to/);
      expect(res.status).toBe(0);
      expect(res.stdout).toBe('');
      const sha256 = await sha256OfFile(file);
      const row = await ctx.db
        .selectFrom('reports as r')
        .innerJoin('report_files as f', 'f.report_id', 'r.id')
        .select(['r.kind', 'r.as_of', 'r.status', 'r.chain_head', 'r.created_label', 'f.sha256', 'f.media_type'])
        .where('f.sha256', '=', sha256)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ kind: 'soa', as_of: '2026-11-21', status: 'ready', created_label: 'cli' });
      expect(row.chain_head).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(qpdfCheck(out('soa.pdf')).ok).toBe(true);
    expect(pdfText(out('soa.pdf'))).toContain('A.8.24');
    expect(sheetRows((await readWorkbook(out('soa.xlsx'))).worksheets[0]!)[1]![0]).toBe('A.5.1');
  });

  it('verify names the report of an issued file, and refuses an altered copy', async () => {
    const ok = runCli(['report', 'verify', out('soa.pdf')], ctx.childEnv);
    expect(ok.status).toBe(0);
    const row = await ctx.db
      .selectFrom('reports as r')
      .innerJoin('report_files as f', 'f.report_id', 'r.id')
      .select(['r.id', 'r.chain_head'])
      .where('f.sha256', '=', await sha256OfFile(out('soa.pdf')))
      .executeTakeFirstOrThrow();
    expect(ok.stdout).toContain(`Report #${row.id}`);
    expect(ok.stdout).toContain('Kind:        Statement of Applicability');
    expect(ok.stdout).toContain('Title:       Statement of Applicability — ISO/IEC 27001:2022');
    expect(ok.stdout).toContain('As of:       2026-11-21');
    expect(ok.stdout).toMatch(/Generated: {3}\d{4}-\d\d-\d\d \d\d:\d\d UTC by cli/);
    expect(ok.stdout).toContain(`Chain head:  ${row.chain_head}`);

    const altered = out('soa-altered.pdf');
    fs.copyFileSync(out('soa.pdf'), altered);
    fs.appendFileSync(altered, '% one more byte\n');
    const bad = runCli(['report', 'verify', altered], ctx.childEnv);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('is not a file Attest issued');
  });

  it('refuses a bad framework, day, format or output name clearly, recording nothing', async () => {
    const before = await reportCount();
    const soaCli = (...args: string[]) => runCli(['report', 'soa', '--out', out('refused.pdf'), ...args], ctx.childEnv);
    const unknown = soaCli('--framework', 'iso9001');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('--framework: Unknown framework "iso9001"');
    const notSoa = soaCli('--framework', 'beta');
    expect(notSoa.status).toBe(2);
    expect(notSoa.stderr).toContain('Beta Criteria has none');
    const day = soaCli('--framework', 'iso27001-2022', '--as-of', '2026-13-01');
    expect(day.status).toBe(2);
    expect(day.stderr).toContain('--as-of: "2026-13-01" is not a date');
    const format = soaCli('--framework', 'iso27001-2022', '--format', 'docx');
    expect(format.status).not.toBe(0);
    expect(format.stderr).toContain('Allowed choices are pdf, xlsx');
    const mismatch = runCli(['report', 'soa', '--framework', 'iso27001-2022', '--format', 'xlsx', '--out', out('wrong.pdf')], ctx.childEnv);
    expect(mismatch.status).toBe(2);
    expect(mismatch.stderr).toContain('ends in .pdf, but the report is xlsx');
    expect(runCli(['report', 'verify', out('missing.pdf')], ctx.childEnv).status).not.toBe(0);
    expect(fs.existsSync(out('refused.pdf'))).toBe(false);
    expect(await reportCount()).toBe(before);
  });
});
