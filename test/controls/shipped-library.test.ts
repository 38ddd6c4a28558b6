import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPrincipal } from '../../src/auth/principal.ts';
import { checkLibrary, formatProblem } from '../../src/controls/library.check.ts';
import { readLibraryFiles, type LibraryFiles } from '../../src/controls/library.files.ts';
import { loadLibrary } from '../../src/controls/library.load.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { buildUser } from '../helpers/factories.ts';
import { buildApp, signedIn } from '../helpers/http.ts';

let files: LibraryFiles;
beforeAll(() => {
  files = readLibraryFiles();
});

const assessable = (slug: string) =>
  files.frameworks
    .find((f) => f.slug === slug)!
    .requirements.filter((r) => r.assessable)
    .map((r) => r.ref);

describe('the shipped control library', () => {
  it('passes `attest controls check` with no problem', () => {
    expect(checkLibrary(files).map(formatProblem)).toEqual([]);
  });

  it('has all seven frameworks, each naming its edition and saying its summaries are paraphrases', () => {
    expect(files.frameworks.map((f) => f.slug).sort()).toEqual(['eu-cloud-coc', 'iso27001-2022', 'iso27017-2015', 'iso27018-2019', 'iso27701-2019', 'pcidss-4.0.1', 'soc2-2017']);
    for (const f of files.frameworks) {
      expect(f.edition.length).toBeGreaterThan(3);
      expect(f.source.toLowerCase()).toMatch(/paraphrase/);
    }
  });

  it('ISO 27001 has 123 assessable requirements: 30 clauses and the 93 Annex A controls', () => {
    const refs = assessable('iso27001-2022');
    expect(refs).toHaveLength(123);
    expect(refs.filter((r) => r.startsWith('A.'))).toHaveLength(93);
    expect(refs).toEqual(expect.arrayContaining(['4.1', '6.1.3', '9.2.2', '10.2', 'A.5.1', 'A.5.37', 'A.6.8', 'A.7.14', 'A.8.34']));
  });

  it('SOC 2 has its 61 criteria', () => {
    const refs = assessable('soc2-2017');
    expect(refs).toHaveLength(61);
    expect(refs.filter((r) => r.startsWith('CC'))).toHaveLength(33);
    expect(refs).toEqual(expect.arrayContaining(['CC1.1', 'CC9.2', 'A1.3', 'C1.2', 'PI1.5', 'P6.7', 'P8.1']));
  });

  it('PCI DSS has its numbered requirements down to the tested level, with the appendices', () => {
    const refs = assessable('pcidss-4.0.1');
    expect(refs.length).toBeGreaterThanOrEqual(250);
    expect(refs).toEqual(expect.arrayContaining(['1.1.1', '3.5.1.2', '8.3.6', '8.4.2', '11.6.1', '12.5.2.1', 'A1.1.1', 'A2.1.1', 'A3.2.5.1']));
    for (const section of ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12']) {
      expect(refs.some((r) => r.startsWith(`${section}.`))).toBe(true);
    }
  });

  it('has a complete control set: 150–260 controls across the 17 domains, each mapped', () => {
    expect(files.controls.length).toBeGreaterThanOrEqual(150);
    expect(files.controls.length).toBeLessThanOrEqual(260);
    expect(files.domains.map((d) => d.slug).sort()).toEqual([
      'access',
      'assets',
      'compliance',
      'continuity',
      'cryptography',
      'development',
      'governance',
      'incidents',
      'logging',
      'network',
      'operations',
      'people',
      'physical',
      'privacy',
      'risk',
      'suppliers',
      'vulnerability',
    ]);
    for (const c of files.controls) expect(c.mappings.length, c.ref).toBeGreaterThan(0);
  });

  it('uses equal sparingly: most mappings are subset, intersect or superset', () => {
    const all = files.controls.flatMap((c) => c.mappings);
    const equal = all.filter((m) => m.relationship === 'equal').length;
    expect(equal / all.length).toBeLessThan(0.1);
  });
});

describe('a newcomer opens ISO 27001 A.5.15', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
    await loadLibrary(ctx, cliPrincipal, files, { overwrite: false });
  });
  afterAll(() => ctx.cleanup());

  it('sees which controls satisfy it and which SOC 2 and PCI DSS requirements the same controls also satisfy', async () => {
    const { app } = await buildApp(ctx);
    const browser = await signedIn(app, await buildUser(ctx, { role: 'viewer' }));
    const res = await browser.get('/frameworks/iso27001-2022/requirements/A.5.15');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Access control');
    expect(res.text).toMatch(/href="\/controls\/IAM-\d\d"/);
    expect(res.text).toMatch(/href="\/frameworks\/soc2-2017\/requirements\/CC6\.\d"/);
    expect(res.text).toMatch(/href="\/frameworks\/pcidss-4\.0\.1\/requirements\/7\.\d/);
  });
});
