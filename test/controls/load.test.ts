import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/activity/activity.service.ts';
import { cliPrincipal, systemPrincipal } from '../../src/auth/principal.ts';
import { getControl, saveMapping, updateControl } from '../../src/controls/controls.service.ts';
import { exportLibrary } from '../../src/controls/library.export.ts';
import { readLibraryFiles } from '../../src/controls/library.files.ts';
import { loadLibrary } from '../../src/controls/library.load.ts';
import { crosswalk, crosswalkCsv } from '../../src/frameworks/crosswalk.service.ts';
import { listFrameworks } from '../../src/frameworks/frameworks.service.ts';
import { runCli } from '../helpers/cli.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { fixtureFiles, writeFixture } from '../helpers/library-fixture.ts';

let ctx: TestContext;
beforeEach(async () => {
  ctx = await createTestContext();
});
afterEach(() => ctx.cleanup());

const load = (overrides: Record<string, string | null> = {}, overwrite = false) => loadLibrary(ctx, cliPrincipal, readLibraryFiles(writeFixture(overrides)), { overwrite });
const activityCount = async () => (await ctx.db.selectFrom('activity').select('id').execute()).length;

describe('controls load', () => {
  it('loads frameworks, requirements, exclusions, controls and mappings, recording each change', async () => {
    const report = await load();
    expect(report.frameworks.map((f) => [f.slug, f.created, f.added])).toEqual([
      ['alpha', true, 4],
      ['beta', true, 2],
    ]);
    expect(report.controls.added).toEqual(['IAM-01', 'CRY-01', 'CRY-02']);
    expect(report.exclusions.added).toBe(1);
    const alpha = (await listFrameworks(ctx, cliPrincipal)).find((f) => f.slug === 'alpha')!;
    expect(alpha).toMatchObject({ requirements: 4, assessable: 3, excluded: 1, applicable: 2, mapped: 2, fullyMapped: 2 });
    const actions = (await ctx.db.selectFrom('activity').select('action').execute()).map((a) => a.action);
    expect(actions.filter((a) => a === 'control.created')).toHaveLength(3);
    expect(actions).toContain('framework.created');
    expect(actions).toContain('applicability.loaded');
    expect((await verifyChain(ctx.db)).ok).toBe(true);
  });

  it('is idempotent: a second load changes nothing and records nothing', async () => {
    await load();
    const before = await activityCount();
    const report = await load();
    expect(report.controls).toMatchObject({ added: [], updated: [], retired: [], unchanged: 3 });
    expect(report.frameworks.every((f) => f.added === 0 && f.updated === 0 && f.removed === 0)).toBe(true);
    expect(await activityCount()).toBe(before);
  });

  it('follows the files for framework catalogs: changed, added and removed requirements', async () => {
    await load();
    const changed =
      fixtureFiles['frameworks/beta.yaml']!.replace('summary: Restrict logical access.', 'summary: Restrict logical access to systems.') +
      '  - ref: "B3"\n    name: New one\n    summary: Something new.\n    assessable: false\n';
    const report = await load({ 'frameworks/beta.yaml': changed });
    expect(report.frameworks.find((f) => f.slug === 'beta')).toMatchObject({ added: 1, updated: 1, removed: 0 });
    const row = await ctx.db.selectFrom('requirements').select('summary').where('ref', '=', 'B1').executeTakeFirstOrThrow();
    expect(row.summary).toBe('Restrict logical access to systems.');
  });

  it('updates a control changed in the files when nobody edited it in the app', async () => {
    await load();
    const edited = fixtureFiles['library/access.yaml']!.replace('owner: CISO', 'owner: Head of IT');
    const report = await load({ 'library/access.yaml': edited });
    expect(report.controls.updated).toEqual(['IAM-01']);
    expect((await getControl(ctx, cliPrincipal, 'IAM-01')).control.owner).toBe('Head of IT');
  });

  it('keeps app edits and reports the difference; --overwrite replaces them', async () => {
    await load();
    await updateControl(ctx, systemPrincipal, 'IAM-01', { owner: 'Security Lead', frequency: 'quarterly', status: 'implemented', applicable: true });
    await saveMapping(ctx, systemPrincipal, 'IAM-01', { framework: 'beta', requirement: 'B2', relationship: 'intersect' });
    const kept = await load();
    expect(kept.controls.differs).toEqual([{ ref: 'IAM-01', fields: ['frequency', 'owner', 'mappings'] }]);
    const control = await getControl(ctx, cliPrincipal, 'IAM-01');
    expect(control.control.owner).toBe('Security Lead');
    expect(control.mappings.map((m) => m.ref).sort()).toEqual(['1.1', 'B1', 'B2']);

    const replaced = await load({}, true);
    expect(replaced.controls.overwritten).toEqual(['IAM-01']);
    const after = await getControl(ctx, cliPrincipal, 'IAM-01');
    expect(after.control).toMatchObject({ owner: 'CISO', frequency: 'annual', editedInApp: false });
    expect(after.mappings.map((m) => m.ref).sort()).toEqual(['1.1', 'B1']);
    const event = await ctx.db.selectFrom('activity').selectAll().where('action', '=', 'control.updated').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(JSON.parse(event.details)).toMatchObject({ source: 'files', overwrote_app_edits: true });
  });

  it('retires a control removed from the files, keeping it and its mappings; restores it when it comes back', async () => {
    await load();
    const withoutCry02 = fixtureFiles['library/crypto.yaml']!.split('  - ref: CRY-02')[0]!;
    const report = await load({ 'library/crypto.yaml': withoutCry02 });
    expect(report.controls.retired).toEqual(['CRY-02']);
    const retired = await getControl(ctx, cliPrincipal, 'CRY-02');
    expect(retired.control.retiredAt).not.toBeNull();
    expect(retired.mappings).toHaveLength(3);
    const cw = await crosswalk(ctx, cliPrincipal, 'alpha', 'beta');
    expect(cw.pairs.flatMap((p) => p.controls.map((c) => c.ref))).not.toContain('CRY-02');

    const back = await load();
    expect(back.controls.restored).toEqual(['CRY-02']);
    expect((await getControl(ctx, cliPrincipal, 'CRY-02')).control.retiredAt).toBeNull();
  });

  it('refuses to load files with problems, and changes nothing', async () => {
    const broken = fixtureFiles['library/access.yaml']!.replace('"1.1": { relationship: superset', '"9.9": { relationship: superset');
    await expect(load({ 'library/access.yaml': broken })).rejects.toThrow(/problem/);
    expect(await ctx.db.selectFrom('frameworks').selectAll().execute()).toHaveLength(0);
    expect(await activityCount()).toBe(0);
  });

  it('exports the library with app edits, and the export loads back unchanged', async () => {
    await load();
    await updateControl(ctx, systemPrincipal, 'CRY-01', { owner: 'Crypto Team', frequency: 'continuous', status: 'partially_implemented', applicable: true });
    const dir = writeFixture({ 'library/access.yaml': null, 'library/crypto.yaml': null });
    const written = await exportLibrary(ctx, `${dir}/library`);
    expect(written.map((f) => f.split('/').pop()).sort()).toEqual(['access.yaml', 'cryptography.yaml']);
    const again = readLibraryFiles(dir);
    expect(again.problems).toEqual([]);
    expect(again.controls.find((c) => c.ref === 'CRY-01')).toMatchObject({ owner: 'Crypto Team', status: 'partially_implemented' });
    const report = await loadLibrary(ctx, cliPrincipal, again, { overwrite: false });
    expect(report.controls.differs).toEqual([]);
    expect(report.controls.unchanged).toBe(3);
  });

  it('`attest controls load` and `export` work from the CLI', async () => {
    const dir = writeFixture();
    const res = runCli(['controls', 'load', '--dir', dir], ctx.childEnv);
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(res.stdout).toContain('controls: 3 added');
    const again = runCli(['controls', 'load', '--dir', dir], ctx.childEnv);
    expect(again.stdout).toContain('controls: 0 added, 0 updated, 0 overwritten, 0 retired, 0 restored, 3 unchanged');
    const out = runCli(['controls', 'export', '--out', `${dir}/exported`], ctx.childEnv);
    expect(out.status).toBe(0);
    expect(out.stderr).toContain('Wrote 2 files');
  });
});

describe('crosswalk', () => {
  it('relates requirements through shared controls, with the weaker relationship per control and the strongest link per pair', async () => {
    await load();
    const cw = await crosswalk(ctx, cliPrincipal, 'alpha', 'beta');
    expect(cw.pairs.map((p) => [p.from.ref, p.to.ref, p.relationship, p.controls.map((c) => `${c.ref}:${c.relationship}`).join(',')])).toEqual([
      ['1.1', 'B1', 'subset', 'IAM-01:subset'],
      ['1.1', 'B2', 'intersect', 'CRY-02:intersect'],
      ['1.2', 'B2', 'superset', 'CRY-01:superset,CRY-02:intersect'],
    ]);
    const csv = crosswalkCsv(cw).split('\r\n');
    expect(csv[0]).toBe('from_framework,from_ref,from_name,to_framework,to_ref,to_name,relationship,bridging_controls');
    expect(csv[3]).toBe('alpha,1.2,Encryption,beta,B2,Cryptography,superset,CRY-01 (equal/superset); CRY-02 (subset/intersect)');
  });

  it('refuses unknown or identical frameworks', async () => {
    await load();
    await expect(crosswalk(ctx, cliPrincipal, 'alpha', 'nope')).rejects.toMatchObject({ code: 'validation_failed', fields: [{ field: 'to', message: 'Unknown framework nope.' }] });
    await expect(crosswalk(ctx, cliPrincipal, 'alpha', 'alpha')).rejects.toMatchObject({ code: 'validation_failed' });
  });

  it('`attest crosswalk` prints CSV or JSON on stdout', async () => {
    await load();
    const csv = runCli(['crosswalk', '--from', 'alpha', '--to', 'beta', '--format', 'csv'], ctx.childEnv);
    expect(csv.status).toBe(0);
    expect(csv.stdout.split('\r\n')[1]).toBe('alpha,1.1,Access policy,beta,B1,Logical access,subset,IAM-01 (superset/subset)');
    const json = runCli(['crosswalk', '--from', 'alpha', '--to', 'beta'], ctx.childEnv);
    expect(JSON.parse(json.stdout).pairs).toHaveLength(3);
    const bad = runCli(['crosswalk', '--from', 'alpha', '--to', 'zeta'], ctx.childEnv);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('Unknown framework zeta');
  });
});

describe('merging two controls that describe one practice', () => {
  it('retires the absorbed control, links its evidence to the survivor (old links kept), records it, and does it once', async () => {
    const { buildEvidence } = await import('../helpers/factories.ts');
    await load();
    const onCry02 = await buildEvidence(ctx, { controls: ['CRY-02'], review: 'accepted' });
    const onBoth = await buildEvidence(ctx, { controls: ['CRY-01', 'CRY-02'], review: 'accepted' });
    // CRY-02 leaves the files; CRY-01 names it in merged_from.
    const crypto = fixtureFiles['library/crypto.yaml']!;
    const merged = `${crypto.slice(0, crypto.indexOf('  - ref: CRY-02')).replace('    mappings:\n      alpha: { "1.2"', '    merged_from: [CRY-02]\n    mappings:\n      alpha: { "1.2"')}`;
    const report = await load({ 'library/crypto.yaml': merged });
    expect(report.controls.merged).toEqual([{ ref: 'CRY-02', into: 'CRY-01', evidence: 1 }]);
    expect(report.controls.retired).toEqual(['CRY-02']);
    const row = await ctx.db.selectFrom('controls').select(['retired_at', 'merged_into']).where('ref', '=', 'CRY-02').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ merged_into: 'CRY-01', retired_at: expect.any(String) });
    const links = await ctx.db
      .selectFrom('evidence_controls as ec')
      .innerJoin('controls as c', 'c.id', 'ec.control_id')
      .select(['ec.evidence_id', 'c.ref'])
      .orderBy('ec.evidence_id')
      .orderBy('c.ref')
      .execute();
    expect(links.map((l) => `${l.evidence_id}:${l.ref}`)).toEqual([`${onCry02.id}:CRY-01`, `${onCry02.id}:CRY-02`, `${onBoth.id}:CRY-01`, `${onBoth.id}:CRY-02`]);
    const trail = await ctx.db.selectFrom('activity').select('details').where('action', '=', 'control.merged').execute();
    expect(trail).toHaveLength(1);
    expect(JSON.parse(trail[0]!.details)).toMatchObject({ into: 'CRY-01', evidence_linked: [onCry02.id] });
    const control = await getControl(ctx, cliPrincipal, 'CRY-02');
    expect(control.control.mergedInto).toBe('CRY-01');
    // Loading the same files again changes nothing.
    const again = await load({ 'library/crypto.yaml': merged });
    expect(again.controls.merged).toEqual([]);
    expect(await ctx.db.selectFrom('activity').select('id').where('action', '=', 'control.merged').execute()).toHaveLength(1);
  });
});
