import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/activity/activity.service.ts';
import { cliPrincipal } from '../../src/auth/principal.ts';
import { getControl, saveMapping } from '../../src/controls/controls.service.ts';
import { readLibraryFiles } from '../../src/controls/library.files.ts';
import { loadLibrary } from '../../src/controls/library.load.ts';
import { importCatalog } from '../../src/frameworks/catalog.import.ts';
import { readCatalog, readRefMap } from '../../src/frameworks/catalog.read.ts';
import { runCli } from '../helpers/cli.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { writeFixture } from '../helpers/library-fixture.ts';

// A team brings in the official text of a standard in place of Attest's catalog, or a scheme Attest
// has no catalog for: all or nothing, mappings and exclusions moved through their map, recorded,
// and left alone by later loads of the shipped files.

let ctx: TestContext;
let fixture: string;
beforeEach(async () => {
  ctx = await createTestContext();
  fixture = writeFixture();
  await loadLibrary(ctx, cliPrincipal, readLibraryFiles(fixture), { overwrite: false });
});
afterEach(() => ctx.cleanup());

const official = Buffer.from(
  [
    'ref,name,parent,assessable,text',
    'A,Access and crypto,,no,Licensed heading text.',
    'A.1,Access policy (official),A,yes,The licensed text of A.1.',
    'A.2,Encryption at rest (official),A,yes,The licensed text of A.2.',
    'A.3,Card terminals (official),A,yes,The licensed text of A.3.',
  ].join('\n'),
);
const fullMap = Buffer.from('old_ref,new_ref\n1,A\n1.1,A.1\n1.2,A.2\n1.3,A.3\n');

const run = async (content: Buffer, map: Buffer | null, extra: Partial<Parameters<typeof importCatalog>[2]> = {}) =>
  importCatalog(ctx, cliPrincipal, {
    slug: 'alpha',
    file: { name: 'alpha-official.csv', content },
    rows: await readCatalog(content),
    map: map ? await readRefMap(map) : new Map(),
    dropUnmapped: false,
    dryRun: false,
    ...extra,
  });

const snapshot = async () => ({
  requirements: await ctx.db.selectFrom('requirements').selectAll().orderBy('id').execute(),
  mappings: await ctx.db.selectFrom('mappings').selectAll().orderBy('id').execute(),
  exclusions: await ctx.db.selectFrom('requirement_exclusions').selectAll().execute(),
  frameworks: await ctx.db.selectFrom('frameworks').selectAll().orderBy('id').execute(),
});

describe('attest frameworks import', () => {
  it('replaces a catalog in place: mappings (with rationales) and exclusions move to their successors; recorded; later loads keep it', async () => {
    const report = await run(official, fullMap);
    expect(report).toMatchObject({ created: false, requirements: { added: 4, kept: 0, removed: 4 }, moved: { mappings: 4, exclusions: 1 }, unmapped: [] });
    const iam = await getControl(ctx, cliPrincipal, 'IAM-01');
    expect(iam.mappings.find((m) => m.framework === 'alpha')).toMatchObject({ ref: 'A.1', relationship: 'superset', rationale: 'The policy is all that 1.1 asks.' });
    const alpha = (await ctx.db.selectFrom('frameworks').selectAll().where('slug', '=', 'alpha').executeTakeFirstOrThrow())!;
    expect(alpha).toMatchObject({ origin: 'imported', numbering: 'publisher' });
    expect(alpha.source).toContain('alpha-official.csv');
    const a3 = await ctx.db
      .selectFrom('requirements as r')
      .innerJoin('requirement_exclusions as e', 'e.requirement_id', 'r.id')
      .select(['r.ref', 'r.summary'])
      .executeTakeFirstOrThrow();
    expect(a3).toEqual({ ref: 'A.3', summary: 'The licensed text of A.3.' });
    const trail = await ctx.db.selectFrom('activity').select(['details']).where('action', '=', 'framework.imported').execute();
    expect(JSON.parse(trail[0]!.details)).toMatchObject({ file: 'alpha-official.csv', moved: { mappings: 4, exclusions: 1 } });
    expect((await verifyChain(ctx.db)).ok).toBe(true);
    // The shipped files still say 1.1 and 1.2: a later load keeps the team's catalog and reads them through the map.
    const before = await snapshot();
    const again = await loadLibrary(ctx, cliPrincipal, readLibraryFiles(fixture), { overwrite: false });
    expect(again.frameworks.find((f) => f.slug === 'alpha')).toMatchObject({ kept: true });
    expect(again.controls).toMatchObject({ updated: [], retired: [] });
    expect(await snapshot()).toEqual(before);
  });

  it('refuses, changing nothing, when mappings would lose their target; with --drop-unmapped it lists and drops them', async () => {
    const before = await snapshot();
    const partial = Buffer.from('old_ref,new_ref\n1,A\n1.1,A.1\n1.2,\n1.3,A.3\n');
    await expect(run(official, partial)).rejects.toMatchObject({
      fields: expect.arrayContaining([expect.objectContaining({ message: expect.stringContaining('CRY-01 maps to 1.2') })]),
    });
    expect(await snapshot()).toEqual(before);
    const dry = await run(official, partial, { dropUnmapped: true, dryRun: true });
    expect(dry.unmapped.map((u) => u.control).sort()).toEqual(['CRY-01', 'CRY-02']);
    expect(await snapshot()).toEqual(before);
    const done = await run(official, partial, { dropUnmapped: true });
    expect(done.unmapped).toHaveLength(2);
    expect((await getControl(ctx, cliPrincipal, 'CRY-01')).mappings.filter((m) => m.framework === 'alpha')).toEqual([]);
  });

  it('adds a scheme Attest has no catalog for, which controls can then be mapped to', async () => {
    const c5 = Buffer.from('ref,name,assessable\nOIS-01,Information security management system,yes\nOIS-02,Information security policy,yes\n');
    const report = await importCatalog(ctx, cliPrincipal, {
      slug: 'bsi-c5-2020',
      file: { name: 'c5.csv', content: c5 },
      rows: await readCatalog(c5),
      map: new Map(),
      name: 'BSI C5:2020',
      dropUnmapped: false,
      dryRun: false,
    });
    expect(report).toMatchObject({ created: true, requirements: { added: 2 } });
    await saveMapping(ctx, cliPrincipal, 'IAM-01', { framework: 'bsi-c5-2020', requirement: 'OIS-02', relationship: 'subset' });
    expect((await getControl(ctx, cliPrincipal, 'IAM-01')).mappings.some((m) => m.framework === 'bsi-c5-2020' && m.ref === 'OIS-02')).toBe(true);
    await expect(
      importCatalog(ctx, cliPrincipal, { slug: 'iso42001', file: { name: 'x.csv', content: c5 }, rows: await readCatalog(c5), map: new Map(), dropUnmapped: false, dryRun: false }),
    ).rejects.toMatchObject({ fields: [{ field: 'name' }] });
  });

  it('refuses bad files and maps with the row and the reason, through the CLI too', async () => {
    const bad: [string, string][] = [
      ['no header', 'just,some\nwords,here\n'],
      ['twice', 'ref,name\nX,One\nX,Two\n'],
      ['parent', 'ref,name,parent\nX,One,Y\n'],
      ['assessable', 'ref,name,assessable\nX,One,maybe\n'],
      ['empty name', 'ref,name\nX,\n'],
    ];
    for (const [label, text] of bad) await expect(readCatalog(Buffer.from(text)), label).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(readCatalog(Buffer.from([0x72, 0x65, 0x66, 0x2c, 0x6e, 0x61, 0x6d, 0x65, 0x0a, 0x58, 0x2c, 0xe9, 0x0a]))).rejects.toThrow(/not UTF-8/);
    expect((await readCatalog(Buffer.from('ref,name\nX,On\u0000e\n')))[0]!.name).toBe('One');
    await expect(readRefMap(Buffer.from('from,to\n1,A\n'))).rejects.toThrow(/old_ref and new_ref/);
    await expect(run(official, Buffer.from('old_ref,new_ref\n9.9,A.1\n'))).rejects.toThrow(/problems in the map/);
    await expect(run(official, Buffer.from('old_ref,new_ref\n1.1,Z.9\n'))).rejects.toThrow(/problems in the map/);
    // The CLI: a good run prints what moved; a bad one exits non-zero naming the problem.
    const dir = ctx.config.dataDir;
    fs.writeFileSync(path.join(dir, 'alpha.csv'), official);
    fs.writeFileSync(path.join(dir, 'map.csv'), fullMap);
    const ok = runCli(['frameworks', 'import', path.join(dir, 'alpha.csv'), '--framework', 'alpha', '--map', path.join(dir, 'map.csv'), '--dry-run'], ctx.childEnv);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('Dry run, nothing changed: would import alpha: 4 requirements added');
    const missing = runCli(['frameworks', 'import', path.join(dir, 'nope.csv'), '--framework', 'alpha'], ctx.childEnv);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('no such file');
    const orphan = runCli(['frameworks', 'import', path.join(dir, 'alpha.csv'), '--framework', 'alpha'], ctx.childEnv);
    expect(orphan.status).not.toBe(0);
    expect(orphan.stderr).toContain('no successor');
  });
});

describe('audit records and a replaced catalog', () => {
  it('refuses to leave an audit’s scope pointing at nothing, and moves it with a full map', async () => {
    const { createAudit } = await import('../../src/audits/audits.service.ts');
    const { buildUser, principalFor } = await import('../helpers/factories.ts');
    const grc = await buildUser(ctx, { role: 'grc' });
    const auditId = await createAudit(ctx, principalFor(grc), { kind: 'internal', title: 'Alpha audit', frameworks: ['alpha'], owner: { id: grc.id } });
    const scopeRefs = async () =>
      (
        await ctx.db
          .selectFrom('audit_scope as s')
          .innerJoin('requirements as r', 'r.id', 's.requirement_id')
          .select('r.ref')
          .where('s.audit_id', '=', auditId)
          .orderBy('r.ref')
          .execute()
      ).map((r) => r.ref);
    const before = await scopeRefs();
    expect(before).toContain('1.1');
    const loses = Buffer.from('old_ref,new_ref\n1,A\n1.1,\n1.2,A.2\n1.3,A.3\n');
    await expect(run(official, loses, { dropUnmapped: true })).rejects.toMatchObject({
      fields: expect.arrayContaining([expect.objectContaining({ message: expect.stringContaining(`audit ${auditId} has 1.1 in its scope`) })]),
    });
    expect(await scopeRefs()).toEqual(before);
    const report = await run(official, fullMap);
    expect(report.moved.auditScope).toBe(before.length);
    expect(await scopeRefs()).toEqual(before.map((r) => ({ '1.1': 'A.1', '1.2': 'A.2', '1.3': 'A.3', '1': 'A' })[r] ?? r).sort());
  });
});
