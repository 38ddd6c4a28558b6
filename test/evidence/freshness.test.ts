import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/auth/principal.ts';
import { cliPrincipal } from '../../src/auth/principal.ts';
import { readLibraryFiles } from '../../src/controls/library.files.ts';
import { loadLibrary } from '../../src/controls/library.load.ts';
import { computeCoverage } from '../../src/coverage/coverage.service.ts';
import { createEvidence, reviewEvidence } from '../../src/evidence/evidence.service.ts';
import { freshness } from '../../src/evidence/freshness.service.ts';
import { defaultValidUntil } from '../../src/evidence/evidence.model.ts';
import { runCli } from '../helpers/cli.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { buildUser, principalFor } from '../helpers/factories.ts';
import { buildApp, signedIn } from '../helpers/http.ts';
import { writeFixture } from '../helpers/library-fixture.ts';

let ctx: TestContext;
let submitter: Principal;
let reviewer: Principal;

async function accepted(controls: string[], collected: string, validUntil: string, title = 'Evidence') {
  const id = await createEvidence(ctx, submitter, { title, kind: 'link', collected_at: collected, valid_until: validUntil, controls, link_url: 'https://example.test/e' }, []);
  await reviewEvidence(ctx, reviewer, id, { decision: 'accepted' });
  return id;
}

beforeAll(async () => {
  ctx = await createTestContext({ now: '2026-11-21T10:00:00.000Z' });
  await loadLibrary(ctx, cliPrincipal, readLibraryFiles(writeFixture()), { overwrite: false });
  const a = await buildUser(ctx, { role: 'grc' });
  const b = await buildUser(ctx, { role: 'grc' });
  submitter = principalFor(a);
  reviewer = principalFor(b);
  await accepted(['IAM-01'], '2025-12-01', '2026-12-01', 'Access policy 2026');
  await accepted(['CRY-01'], '2026-06-01', '2026-10-31', 'KMS export June');
});
afterAll(() => ctx.cleanup());

describe('default validity', () => {
  it('is one period of the most frequent control, ending the day before the same date', () => {
    expect(defaultValidUntil('2026-01-15', ['annual'])).toBe('2027-01-14');
    expect(defaultValidUntil('2026-01-31', ['monthly'])).toBe('2026-02-27');
    expect(defaultValidUntil('2026-03-01', ['annual', 'quarterly'])).toBe('2026-05-31');
  });
});

describe('freshness', () => {
  it('lists evidence expiring within the window and controls whose evidence expired, per owner', async () => {
    const report = await freshness(ctx, cliPrincipal, 30);
    const ciso = report.owners.find((o) => o.owner === 'CISO')!;
    expect(ciso.expiring.map((e) => [e.controlRef, e.validUntil, e.daysLeft])).toEqual([['IAM-01', '2026-12-01', 10]]);
    const platform = report.owners.find((o) => o.owner === 'Head of Platform')!;
    expect(platform.expired).toEqual([{ ref: 'CRY-01', title: 'Encryption at rest', lastDay: '2026-10-31' }]);
    expect(platform.missing.map((m) => m.ref)).toEqual(['CRY-02']);
    expect((await freshness(ctx, cliPrincipal, 5)).owners.find((o) => o.owner === 'CISO')?.expiring ?? []).toEqual([]);
  });

  it('the control page shows its evidence timeline and when the next evidence is due', async () => {
    const { app } = await buildApp(ctx);
    const browser = await signedIn(app, await buildUser(ctx, { role: 'grc' }));
    const page = await browser.get('/controls/IAM-01');
    expect(page.text).toContain('Next evidence is due by <strong>2026-12-01</strong>');
    expect(page.text).toContain('Access policy 2026');
    const overdue = await browser.get('/controls/CRY-01');
    expect(overdue.text).toContain('Evidence ran out after <strong>2026-10-31</strong>');
    const fresh = await browser.get('/evidence/freshness');
    expect(fresh.status).toBe(200);
    expect(fresh.text).toContain('last covered 2026-10-31');
  });
});

describe('coverage rule details', () => {
  it('a not-implemented or not-applicable control is not effective, whatever its evidence', async () => {
    expect((await computeCoverage(ctx, cliPrincipal, { framework: 'alpha', asOf: '2026-11-21', detail: true })).frameworks[0]!.requirements!.find((r) => r.ref === '1.1')!.status).toBe('met');
    await ctx.db.updateTable('controls').set({ status: 'planned' }).where('ref', '=', 'IAM-01').execute();
    const report = await computeCoverage(ctx, cliPrincipal, { framework: 'alpha', asOf: '2026-11-21', detail: true });
    const req = report.frameworks[0]!.requirements!.find((r) => r.ref === '1.1')!;
    expect(req.status).toBe('gap');
    expect(req.reason).toContain('IAM-01: status is planned');
    await ctx.db.updateTable('controls').set({ status: 'implemented' }).where('ref', '=', 'IAM-01').execute();
  });

  it('partial when only a partly covering control is effective; shares are of applicable requirements', async () => {
    await accepted(['CRY-02'], '2026-11-01', '2027-10-31');
    const report = await computeCoverage(ctx, cliPrincipal, { framework: 'alpha', asOf: '2026-11-21', detail: true });
    const fw = report.frameworks[0]!;
    expect(fw.requirements!.map((r) => [r.ref, r.status])).toEqual([['1.1', 'met'], ['1.2', 'partial'], ['1.3', 'not_applicable']]);
    expect(fw.counts).toEqual({ met: 1, partial: 1, gap: 0, notApplicable: 1, applicable: 2 });
    expect(fw.metPercent).toBe(50);
    expect(fw.requirements![1]!.reason).toContain('fully covering CRY-01 is not effective (evidence expired after 2026-10-31)');
  });

  it('`attest coverage` prints a table, or JSON on stdout only', () => {
    const table = runCli(['coverage', '--as-of', '2026-11-21'], ctx.childEnv);
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/alpha\s+1\s+1\s+0\s+1\s+50%/);
    const json = runCli(['coverage', '--framework', 'alpha', '--as-of', '2026-11-21', '--format', 'json'], ctx.childEnv);
    expect(JSON.parse(json.stdout).frameworks[0].requirements).toHaveLength(3);
    const bad = runCli(['coverage', '--as-of', '2026-02-30'], ctx.childEnv);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--as-of: Use a date like 2026-01-31.');
    const unknown = runCli(['coverage', '--framework', 'nope'], ctx.childEnv);
    expect(unknown.stderr).toContain('--framework: Unknown framework nope.');
  });
});
