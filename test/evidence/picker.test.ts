import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPrincipal } from '../../src/auth/principal.ts';
import { readLibraryFiles } from '../../src/controls/library.files.ts';
import { loadLibrary } from '../../src/controls/library.load.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { postEvidenceForm } from '../helpers/evidence.ts';
import { buildUser } from '../helpers/factories.ts';
import { buildApp, csrfFrom, signedIn, type Browser, type TestApp } from '../helpers/http.ts';
import { writeFixture } from '../helpers/library-fixture.ts';

// The evidence form offers the controls as a list to choose from (a <select multiple> the picker
// script enhances); what it posts is what the typed field posted: control refs in `controls`.

let ctx: TestContext;
let t: TestApp;
let grc: Browser;

beforeAll(async () => {
  ctx = await createTestContext({ now: '2026-11-21T10:00:00.000Z' });
  await loadLibrary(ctx, cliPrincipal, readLibraryFiles(writeFixture()), { overwrite: false });
  t = await buildApp(ctx);
  grc = await signedIn(t.app, await buildUser(ctx, { role: 'grc', email: 'picker@example.test' }));
});
afterAll(() => ctx.cleanup());

/** The evidence form as the browser sends it when several controls are chosen: one `controls` field each. */
async function postChosen(fields: Record<string, string>, controls: string[]) {
  const page = await grc.get('/evidence/new');
  const token = /action="[^"?]*\?_csrf=([^"]+)"/.exec(page.text)?.[1] ?? csrfFrom(page.text);
  let req = grc.agent.post(`/evidence?_csrf=${token}`);
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  for (const c of controls) req = req.field('controls', c);
  return req;
}

const pickerOf = (html: string) => html.slice(html.indexOf('<select id="controls"'), html.indexOf('</select>', html.indexOf('<select id="controls"')));
const linkedControls = async (evidenceId: number) =>
  (
    await ctx.db
      .selectFrom('evidence_controls as ec')
      .innerJoin('controls as c', 'c.id', 'ec.control_id')
      .select('c.ref')
      .where('ec.evidence_id', '=', evidenceId)
      .orderBy('c.ref')
      .execute()
  ).map((r) => r.ref);

describe('evidence form: control picker', () => {
  it('lists every active control by domain as "ref — title", with the page script that adds the filter box', async () => {
    const page = await grc.get('/evidence/new');
    expect(page.status).toBe(200);
    const picker = pickerOf(page.text);
    expect(picker).toContain('name="controls" multiple');
    expect(picker).toContain(
      '<optgroup label="Cryptography"><option value="CRY-01">CRY-01 — Encryption at rest</option><option value="CRY-02">CRY-02 — Key rotation</option></optgroup>',
    );
    expect(picker).toContain('<optgroup label="Identity and access management"><option value="IAM-01">IAM-01 — Access control policy</option>');
    expect(picker).not.toContain('selected');
    expect(page.text).toContain('<script src="/assets-vendor/tom-select.complete.min.js" defer></script>');
    const script = await grc.get('/assets-vendor/tom-select.complete.min.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toContain('javascript');
  });

  it('a link from a control page comes with that control chosen', async () => {
    const page = await grc.get('/evidence/new?control=CRY-02');
    expect(pickerOf(page.text)).toContain('<option value="CRY-02" selected>CRY-02 — Key rotation</option>');
  });

  it('posting two chosen controls links the evidence to both; the typed "A, B" form still works', async () => {
    const res = await postChosen({ title: 'Key policy', kind: 'document', collected_at: '2026-11-01', link_url: 'https://example.test/p' }, ['IAM-01', 'CRY-02']);
    expect(res.status).toBe(303);
    expect(await linkedControls(Number(/\/evidence\/(\d+)/.exec(res.headers.location!)![1]))).toEqual(['CRY-02', 'IAM-01']);
    const typed = await postEvidenceForm(grc, '/evidence', {
      title: 'Typed',
      kind: 'document',
      collected_at: '2026-11-01',
      controls: 'cry-01, IAM-01',
      link_url: 'https://example.test/t',
    });
    expect(typed.status).toBe(303);
    expect(await linkedControls(Number(/\/evidence\/(\d+)/.exec(typed.headers.location!)![1]))).toEqual(['CRY-01', 'IAM-01']);
  });

  it('after a refusal the chosen controls stay chosen, and an unknown one is named and stays visible to take out', async () => {
    const before = (await ctx.db.selectFrom('evidence').select('id').execute()).length;
    const res = await postChosen({ title: '', kind: 'document', collected_at: '2026-11-01' }, ['IAM-01', 'CRY-02']);
    expect(res.status).toBe(422);
    expect(res.text).toContain('Enter a title.');
    const picker = pickerOf(res.text);
    expect(picker).toContain('<option value="IAM-01" selected>');
    expect(picker).toContain('<option value="CRY-02" selected>');
    expect(picker).toContain('<option value="CRY-01">');
    const unknown = await postChosen({ title: 'X', kind: 'document', collected_at: '2026-11-01' }, ['IAM-01', 'ZZZ-99']);
    expect(unknown.status).toBe(422);
    expect(unknown.text).toContain('Unknown or retired control: ZZZ-99.');
    expect(pickerOf(unknown.text)).toContain('<optgroup label="Not an active control"><option value="ZZZ-99" selected>ZZZ-99</option></optgroup>');
    expect(pickerOf(unknown.text)).toContain('<option value="IAM-01" selected>');
    const nothing = await postChosen({ title: 'X', kind: 'document', collected_at: '2026-11-01' }, []);
    expect(nothing.status).toBe(422);
    expect(nothing.text).toContain('id="controls-error">Choose at least one control.<');
    expect((await ctx.db.selectFrom('evidence').select('id').execute()).length).toBe(before);
  });

  it('a new version starts with the controls of the version before chosen', async () => {
    const first = await postChosen({ title: 'Rotation log', kind: 'document', collected_at: '2026-11-01', link_url: 'https://example.test/r' }, ['CRY-02']);
    const id = Number(/\/evidence\/(\d+)/.exec(first.headers.location!)![1]);
    const page = await grc.get(`/evidence/${id}/new-version`);
    const picker = pickerOf(page.text);
    expect(picker).toContain('<option value="CRY-02" selected>');
    expect(picker).not.toContain('<option value="IAM-01" selected>');
  });
});
