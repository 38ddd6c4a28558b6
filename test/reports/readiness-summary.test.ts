import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAudit } from '../../src/audits/audits.service.ts';
import { changeFindingStatus, recordFinding } from '../../src/audits/findings.service.ts';
import { createCertification, withdrawCertification } from '../../src/certifications/certifications.service.ts';
import type { CertificationInput } from '../../src/certifications/certifications.schema.ts';
import { AppError } from '../../src/http/errors.ts';
import { planReadiness } from '../../src/reports/readiness.ts';
import { planSummary } from '../../src/reports/summary.ts';
import { sha256OfFile } from '../../src/reports/reports.service.ts';
import { runCli } from '../helpers/cli.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { buildEvidence, buildUser, principalFor } from '../helpers/factories.ts';
import { issue, loadIsoFixture, pdfInfo, pdfText, qpdfCheck, readWorkbook, sheetRows, squash } from './documents-helpers.ts';

// Framework readiness and the customers' compliance summary on a real database and the real
// browser: what each says on a day, in which form, and who may issue them.

let ctx: TestContext;
let grc: Awaited<ReturnType<typeof buildUser>>;
let customer: Awaited<ReturnType<typeof buildUser>>;

const certification = (input: Partial<CertificationInput>): CertificationInput => ({
  framework: 'iso27001-2022',
  kind: 'iso_certificate',
  number: '',
  issuer: 'Certa Zertifizierung GmbH',
  scope: '',
  valid_from: '2025-01-01',
  valid_until: '2027-12-31',
  ...input,
});

beforeAll(async () => {
  ctx = await createTestContext({ now: '2026-11-21T10:00:00.000Z' });
  await loadIsoFixture(ctx);
  grc = await buildUser(ctx, { role: 'grc', name: 'Grace GRC' });
  customer = await buildUser(ctx, { role: 'customer_compliance' });
  const reviewer = await buildUser(ctx, { role: 'grc', name: 'Rui Reviewer' });
  const owner = await buildUser(ctx, { role: 'grc', name: 'Olga Owner' });
  const people = { submitter: grc, reviewer, review: 'accepted' as const };
  await buildEvidence(ctx, { ...people, controls: ['IAM-01'], title: 'Access control policy v3', collectedAt: '2026-10-01', validUntil: '2027-09-30' });
  await buildEvidence(ctx, { ...people, controls: ['CRY-01'], title: 'KMS configuration export 2025', collectedAt: '2025-01-15', validUntil: '2025-12-31' });

  const p = principalFor(grc);
  const alphaAudit = await createAudit(ctx, p, { kind: 'internal', title: 'Alpha internal audit 2026', frameworks: ['alpha'], owner: { id: grc.id } });
  const betaAudit = await createAudit(ctx, p, { kind: 'internal', title: 'Beta internal audit 2026', frameworks: ['beta'], owner: { id: grc.id } });
  const finding = (auditId: number, title: string, requirements: string[], due_on: string) =>
    recordFinding(ctx, p, auditId, {
      kind: 'major_nc',
      title,
      description: '',
      requirements,
      controls: [],
      owner: { id: owner.id },
      root_cause: '',
      corrective_action: 'Fix it.',
      due_on,
    });
  await finding(alphaAudit, 'Encryption keys not rotated', ['alpha:1.2'], '2026-10-31');
  const verified = await finding(alphaAudit, 'Old access reviews missing', ['alpha:1.1'], '2026-12-31');
  await changeFindingStatus(ctx, p, alphaAudit, verified, 'action_taken');
  await changeFindingStatus(ctx, p, alphaAudit, verified, 'verified');
  await finding(betaAudit, 'Beta-only finding', ['beta:B2'], '2026-12-31');

  await createCertification(ctx, p, certification({ number: 'ISMS-2025-001', scope: 'Cloud platform operations, Frankfurt and Dublin' }));
  await createCertification(ctx, p, certification({ number: 'ISMS-2021-OLD', valid_from: '2021-01-01', valid_until: '2023-12-31' }));
  await createCertification(
    ctx,
    p,
    certification({ framework: 'beta', kind: 'soc2_type2', number: 'SOC2-T2', issuer: 'Ledger & Co CPAs', valid_from: '2025-12-01', valid_until: '2026-11-30' }),
  );
  const withdrawn = await createCertification(
    ctx,
    p,
    certification({ framework: 'alpha', kind: 'pci_aoc', number: 'AOC-WITHDRAWN', valid_from: '2026-01-01', valid_until: '2026-12-31' }),
  );
  await withdrawCertification(ctx, p, withdrawn, { withdrawn_on: '2026-06-01', reason: 'Scope change' });
});
afterAll(() => ctx.cleanup());

const readiness = (input: Partial<Parameters<typeof planReadiness>[2]> = {}, principal = principalFor(grc)) =>
  planReadiness(ctx, principal, { framework: 'alpha', format: 'pdf', ...input });

describe('framework readiness as a PDF', () => {
  let text: string;
  let built: Awaited<ReturnType<typeof issue>>;
  beforeAll(async () => {
    built = await issue(ctx, principalFor(grc), await readiness());
    text = squash(pdfText(built.file));
  });

  it('is a valid tagged PDF titled by the report, with its record in the title block and on every page', () => {
    expect(qpdfCheck(built.file).ok).toBe(true);
    expect(pdfInfo(built.file)).toMatchObject({ Title: 'Framework readiness — Alpha Standard', Author: 'Attest', Tagged: 'yes' });
    expect(text).toContain(squash(`Attest report #${built.report.id} Page 1 of`));
    expect(text).toContain(built.report.chainHead);
    expect(text).toContain(squash('As of 2026-11-21'));
  });

  it('charts and counts the coverage', () => {
    expect(text).toContain(squash('1 of the 2 applicable requirements of Alpha Standard are met (50.0%)'));
    expect(text).toContain(squash('Met 1 (50.0%)'));
    expect(text).toContain(squash('Gap 1 (50.0%)'));
    expect(text).toContain(squash('Not applicable 1 (excluded)'));
  });

  it('lists the gaps with the controls to act on, their owners and when evidence is due', () => {
    expect(text).toContain(squash('Gaps and partly met requirements (1)'));
    expect(text).toContain(squash('CRY-01 Encryption at rest · owner: Head of Platform'));
    expect(text).toContain(squash('Evidence overdue since 2026-01-01'));
    expect(text).toContain(squash('CRY-02 Key rotation · owner: Head of Platform'));
    expect(text).toContain(squash('Evidence due now (none accepted yet)'));
  });

  it('lists the open findings of audits on the framework only', () => {
    expect(text).toContain(squash('Open audit findings (1)'));
    expect(text).toContain(squash('Alpha internal audit 2026'));
    expect(text).toContain(squash('Encryption keys not rotated'));
    expect(text).toContain(squash('Major nonconformity'));
    expect(text).toContain(squash('Olga Owner'));
    expect(text).toContain(squash('2026-10-31 overdue'));
    expect(text).not.toContain(squash('Old access reviews missing'));
    expect(text).not.toContain(squash('Beta-only finding'));
  });

  it('lists every requirement with its status and reason', () => {
    expect(text).toContain(squash('Every requirement (3)'));
    expect(text).toContain(squash('1.1 Access policy Met Met by IAM-01 (superset).'));
    expect(text).toContain(squash('1.3 Card terminals Not applicable Not applicable: The company operates no card terminals.'));
  });
});

describe('framework readiness as a spreadsheet', () => {
  it('has requirements, gaps, findings and the facts of issue, each table with a frozen, filtered header', async () => {
    const { file, report } = await issue(ctx, principalFor(grc), await readiness({ format: 'xlsx' }));
    const wb = await readWorkbook(file);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Requirements', 'Gaps', 'Open findings', 'About']);
    for (const name of ['Requirements', 'Gaps', 'Open findings']) {
      const ws = wb.getWorksheet(name)!;
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(ws.autoFilter).toBeTruthy();
    }
    expect(sheetRows(wb.getWorksheet('Requirements')!).map((r) => [r[0], r[3]])).toEqual([
      ['Ref', 'Status'],
      ['1.1', 'Met'],
      ['1.2', 'Gap'],
      ['1.3', 'Not applicable'],
    ]);
    expect(sheetRows(wb.getWorksheet('Gaps')!).map((r) => [r[0], r[3], r[5], r[7]])).toEqual([
      ['Ref', 'Control', 'Owner', 'Evidence due'],
      ['1.2', 'CRY-01', 'Head of Platform', 'Evidence overdue since 2026-01-01'],
      ['1.2', 'CRY-02', 'Head of Platform', 'Evidence due now (none accepted yet)'],
    ]);
    const findings = sheetRows(wb.getWorksheet('Open findings')!);
    expect(findings.slice(1).map((r) => [r[1], r[3], r[7]])).toEqual([['F-1', 'Encryption keys not rotated', '1.2']]);
    expect(sheetRows(wb.getWorksheet('About')!)).toContainEqual(['Report id', String(report.id)]);
  });
});

describe('what planReadiness refuses', () => {
  it('an unknown framework, a bad day, a bad format; and customer-compliance staff', async () => {
    const err = (await readiness({ framework: 'nope', asOf: '21/11/2026', format: 'csv' as 'pdf' }).catch((e: unknown) => e)) as AppError;
    expect(err).toBeInstanceOf(AppError);
    expect(err.fields.map((f) => f.field).sort()).toEqual(['as_of', 'format', 'framework']);
    await expect(readiness({}, principalFor(customer))).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('the compliance summary for customers', () => {
  it('is one page listing what is valid on the day, and customer-compliance staff may issue it', async () => {
    const { file, report } = await issue(ctx, principalFor(customer), await planSummary(ctx, principalFor(customer), {}));
    expect(report).toMatchObject({ kind: 'summary', title: 'Compliance summary', asOf: '2026-11-21', createdBy: { label: customer.email } });
    expect(qpdfCheck(file).ok).toBe(true);
    expect(pdfInfo(file)).toMatchObject({ Pages: '1', Title: 'Compliance summary', Tagged: 'yes' });
    const text = squash(pdfText(file));
    expect(text).toContain(squash('holds the following 2 certificates and independent attestation reports'));
    expect(text).toContain(
      squash('ISO/IEC 27001:2022 ISO certificate ISMS-2025-001 Certa Zertifizierung GmbH 2025-01-01 to 2027-12-31 Cloud platform operations, Frankfurt and Dublin'),
    );
    // Expiring soon is still valid; a SOC 2 report states its period.
    expect(text).toContain(squash('Beta Criteria SOC 2 Type II report SOC2-T2 Ledger & Co CPAs Period covered 2025-12-01 to 2026-11-30'));
    expect(text).not.toContain('ISMS-2021-OLD');
    expect(text).not.toContain('AOC-WITHDRAWN');
    expect(text).toContain(squash(`Attest report #${report.id} Page 1 of 1`));
  });

  it('on an earlier day lists what was valid then, a later withdrawal included', async () => {
    const { file } = await issue(ctx, principalFor(grc), await planSummary(ctx, principalFor(grc), { asOf: '2026-05-01' }));
    const text = squash(pdfText(file));
    expect(text).toContain('AOC-WITHDRAWN');
    expect(text).toContain('ISMS-2025-001');
    expect(text).toContain('SOC2-T2');
  });

  it('refuses a future day and viewers', async () => {
    await expect(planSummary(ctx, principalFor(grc), { asOf: '2027-01-01' })).rejects.toMatchObject({ code: 'validation_failed', fields: [{ field: 'as_of' }] });
    const viewer = await buildUser(ctx, { role: 'viewer' });
    await expect(planSummary(ctx, principalFor(viewer), {})).rejects.toMatchObject({ code: 'forbidden' });
  });
});

// Each command runs in a child process (Node, tsx, the database, a browser): seconds apiece on a busy machine.
describe('attest report readiness and attest report summary', { timeout: 180_000 }, () => {
  it('write their files, recorded, and verify recognises them', async () => {
    const runs = [
      { args: ['readiness', '--framework', 'alpha', '--as-of', '2026-11-21'], file: 'readiness.pdf', kind: 'readiness', label: 'Framework readiness' },
      { args: ['readiness', '--framework', 'alpha', '--format', 'xlsx'], file: 'readiness.xlsx', kind: 'readiness', label: 'Framework readiness' },
      { args: ['summary', '--as-of', '2026-11-21'], file: 'summary.pdf', kind: 'summary', label: 'Compliance summary for customers' },
    ];
    for (const run of runs) {
      const out = path.join(ctx.config.dataDir, run.file);
      const res = runCli(['report', ...run.args, '--out', out], ctx.childEnv);
      expect(res.stderr).toMatch(/Report #\d+ written to/);
      expect(res.status).toBe(0);
      const sha256 = await sha256OfFile(out);
      const row = await ctx.db
        .selectFrom('reports as r')
        .innerJoin('report_files as f', 'f.report_id', 'r.id')
        .select(['r.kind', 'r.chain_head'])
        .where('f.sha256', '=', sha256)
        .executeTakeFirstOrThrow();
      expect(row.kind).toBe(run.kind);
      expect(row.chain_head).toMatch(/^[0-9a-f]{64}$/);
      const verified = runCli(['report', 'verify', out], ctx.childEnv);
      expect(verified.status).toBe(0);
      expect(verified.stdout).toContain(`Kind:        ${run.label}`);
    }
    expect(pdfInfo(path.join(ctx.config.dataDir, 'summary.pdf')).Pages).toBe('1');
  });

  it('refuse an unknown framework and a future day with the option named', () => {
    const unknown = runCli(['report', 'readiness', '--framework', 'nope', '--out', path.join(ctx.config.dataDir, 'x.pdf')], ctx.childEnv);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('--framework: Unknown framework "nope"');
    const future = runCli(['report', 'summary', '--as-of', '2999-01-01', '--out', path.join(ctx.config.dataDir, 'x.pdf')], ctx.childEnv);
    expect(future.status).toBe(2);
    expect(future.stderr).toContain('--as-of: The as-of date cannot be after today');
  });
});
