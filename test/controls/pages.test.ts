import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPrincipal } from '../../src/auth/principal.ts';
import { readLibraryFiles } from '../../src/controls/library.files.ts';
import { loadLibrary } from '../../src/controls/library.load.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { buildUser, tokenFor } from '../helpers/factories.ts';
import { buildApp, signedIn, type Browser, type TestApp } from '../helpers/http.ts';
import { writeFixture } from '../helpers/library-fixture.ts';

let ctx: TestContext;
let t: TestApp;
let viewer: Browser;
let grc: Browser;
let token: string;

beforeAll(async () => {
  ctx = await createTestContext();
  await loadLibrary(ctx, cliPrincipal, readLibraryFiles(writeFixture()), { overwrite: false });
  t = await buildApp(ctx);
  const viewerUser = await buildUser(ctx, { role: 'viewer' });
  viewer = await signedIn(t.app, viewerUser);
  grc = await signedIn(t.app, await buildUser(ctx, { role: 'grc', email: 'grc@example.test' }));
  token = await tokenFor(ctx, viewerUser, 'api');
});
afterAll(() => ctx.cleanup());

const api = (path: string) => supertest(t.app).get(path).set('Authorization', `Bearer ${token}`);

describe('framework pages', () => {
  it('lists frameworks with counts and mapping completeness', async () => {
    const res = await viewer.get('/frameworks');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Alpha Standard');
    expect(res.text).toMatch(/2 \/ 2/);
    expect(res.text).toContain('100.0%');
  });

  it('shows a framework as a tree, each requirement with its controls, exclusions with their justification', async () => {
    const res = await viewer.get('/frameworks/alpha');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<details open>');
    expect(res.text).toMatch(/href="\/controls\/IAM-01"[^>]*>IAM-01 <span class="chip-rel">superset/);
    expect(res.text).toContain('The company operates no card terminals.');
  });

  it('shows a requirement, the controls that satisfy it, and what else those controls satisfy', async () => {
    const res = await viewer.get('/frameworks/alpha/requirements/1.2');
    expect(res.status).toBe(200);
    expect(res.text).toContain('CRY-01');
    expect(res.text).toContain('Fully satisfies 1.2');
    expect(res.text).toContain('Covers part of 1.2');
    expect(res.text).toMatch(/href="\/frameworks\/beta\/requirements\/B2"/);
  });

  it('answers unknown frameworks and requirements with 404', async () => {
    expect((await viewer.get('/frameworks/nope')).status).toBe(404);
    expect((await viewer.get('/frameworks/alpha/requirements/9.9')).status).toBe(404);
  });

  it('crosswalk page shows pairs and offers a CSV download; bad choices get 422', async () => {
    const page = await viewer.get('/crosswalk?from=alpha&to=beta');
    expect(page.status).toBe(200);
    expect(page.text).toContain('3</strong> requirement pairs');
    const csv = await viewer.get('/crosswalk?from=alpha&to=beta&format=csv');
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toContain('crosswalk-alpha-to-beta.csv');
    expect(csv.text).toContain('alpha,1.2,Encryption,beta,B2');
    const bad = await viewer.get('/crosswalk?from=alpha&to=alpha');
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('Choose two different frameworks.');
  });

  it('search finds requirements and controls, treating % and _ literally', async () => {
    const res = await viewer.get('/search?q=encrypt');
    expect(res.text).toContain('Encryption');
    expect(res.text).toContain('CRY-01');
    const literal = await viewer.get('/search?q=%25%25');
    expect(literal.text).toContain('No requirement matches');
  });
});

describe('control pages', () => {
  it('filters by domain, framework and text, and keeps filters in pagination links', async () => {
    const byDomain = await viewer.get('/controls?domain=cryptography');
    expect(byDomain.text).toContain('CRY-01');
    expect(byDomain.text).not.toContain('>IAM-01<');
    const byText = await viewer.get('/controls?q=rotate');
    expect(byText.text).toContain('CRY-02');
    expect(byText.text).not.toContain('>CRY-01<');
    const none = await viewer.get('/controls?q=zzzz');
    expect(none.text).toContain('No control matches these filters');
    const bad = await viewer.get('/controls?frequency=hourly');
    expect(bad.status).toBe(422);
  });

  it('shows a control with every requirement it maps to; viewers get no edit form', async () => {
    const res = await viewer.get('/controls/CRY-02');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Alpha Standard');
    expect(res.text).toContain('Beta Criteria');
    expect(res.text).not.toContain('action="/controls/CRY-02"');
    expect((await grc.get('/controls/CRY-02')).text).toContain('action="/controls/CRY-02"');
  });

  it('GRC staff edit metadata; the change and its before/after are recorded', async () => {
    const res = await grc.post('/controls/CRY-02', { owner: 'Key Custodian', frequency: 'quarterly', status: 'implemented', applicable: 'yes', applicability_note: '' });
    expect(res.status).toBe(303);
    const row = await ctx.db.selectFrom('controls').selectAll().where('ref', '=', 'CRY-02').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ owner: 'Key Custodian', frequency: 'quarterly', app_edited: 1 });
    const event = await ctx.db.selectFrom('activity').selectAll().where('action', '=', 'control.updated').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(JSON.parse(event.details).changes).toEqual({ owner: { from: 'Head of Platform', to: 'Key Custodian' }, frequency: { from: 'annual', to: 'quarterly' } });
  });

  it('refuses bad metadata with 422 naming the field, and changes nothing', async () => {
    const before = await ctx.db.selectFrom('controls').selectAll().where('ref', '=', 'CRY-01').executeTakeFirstOrThrow();
    const res = await grc.post('/controls/CRY-01', { owner: '', frequency: 'hourly', status: 'implemented', applicable: 'no', applicability_note: '' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Enter an owner role.');
    expect(res.text).toContain('Choose one of continuous');
    const after = await ctx.db.selectFrom('controls').selectAll().where('ref', '=', 'CRY-01').executeTakeFirstOrThrow();
    expect(after).toEqual(before);
    const noReason = await grc.post('/controls/CRY-01', { owner: 'X', frequency: 'annual', status: 'implemented', applicable: 'no', applicability_note: '' });
    expect(noReason.text).toContain('Say why the control does not apply.');
  });

  it('adds, changes and removes mappings, each recorded; refuses unknown and grouping requirements', async () => {
    const add = await grc.post('/controls/IAM-01/mappings', { framework: 'beta', requirement: 'B2', relationship: 'intersect', rationale: 'Policy names crypto owners' });
    expect(add.status).toBe(303);
    const change = await grc.post('/controls/IAM-01/mappings', { framework: 'beta', requirement: 'B2', relationship: 'subset', rationale: '' });
    expect(change.status).toBe(303);
    const mapping = await ctx.db
      .selectFrom('mappings')
      .innerJoin('requirements', 'requirements.id', 'mappings.requirement_id')
      .innerJoin('controls', 'controls.id', 'mappings.control_id')
      .select(['mappings.id', 'mappings.relationship'])
      .where('controls.ref', '=', 'IAM-01')
      .where('requirements.ref', '=', 'B2')
      .executeTakeFirstOrThrow();
    expect(mapping.relationship).toBe('subset');
    const unknown = await grc.post('/controls/IAM-01/mappings', { framework: 'beta', requirement: 'B9', relationship: 'subset' });
    expect(unknown.status).toBe(422);
    expect(unknown.text).toContain('Beta Criteria has no requirement B9.');
    const noFramework = await grc.post('/controls/IAM-01/mappings', { framework: 'gamma', requirement: 'B9', relationship: 'subset' });
    expect(noFramework.status).toBe(422);
    expect(noFramework.text).toContain('There is no framework &quot;gamma&quot;; choose one from the list.');
    const grouping = await grc.post('/controls/IAM-01/mappings', { framework: 'alpha', requirement: '1', relationship: 'subset' });
    expect(grouping.text).toContain('groups other requirements');
    const remove = await grc.post(`/controls/IAM-01/mappings/${mapping.id}/delete`);
    expect(remove.status).toBe(303);
    const actions = (await ctx.db.selectFrom('activity').select('action').where('subject_id', '=', 'IAM-01').execute()).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['mapping.added', 'mapping.updated', 'mapping.removed']));
  });
});

describe('mapping form: requirement picker', () => {
  it('lists every assessable requirement under its framework\'s name, "ref — name", without headings; a viewer gets no picker', async () => {
    const page = await grc.get('/controls/IAM-01');
    const picker = page.text.slice(page.text.indexOf('<select id="m-requirement"'), page.text.indexOf('</select>', page.text.indexOf('<select id="m-requirement"')));
    expect(picker).toContain('<optgroup label="Beta Criteria"><option value="beta:B1">B1 — Logical access</option>');
    expect(picker).toContain('<option value="alpha:1.2">1.2 — Encryption</option>');
    // "1" groups other requirements: it cannot be mapped, so it is not offered.
    expect(picker).not.toContain('value="alpha:1"');
    expect(page.text).toContain('/assets-vendor/tom-select.complete.min.js');
    const read = await viewer.get('/controls/IAM-01');
    expect(read.text).not.toContain('m-requirement');
    expect(read.text).not.toContain('tom-select');
  });

  it('saves the picked "framework:ref" value as the two fields did, and confirms with the framework\'s name', async () => {
    const res = await grc.post('/controls/CRY-01/mappings', { requirement: 'beta:B1', relationship: 'intersect', rationale: '' });
    expect(res.status).toBe(303);
    const saved = await ctx.db
      .selectFrom('mappings')
      .innerJoin('requirements', 'requirements.id', 'mappings.requirement_id')
      .innerJoin('frameworks', 'frameworks.id', 'requirements.framework_id')
      .innerJoin('controls', 'controls.id', 'mappings.control_id')
      .select(['mappings.id', 'frameworks.slug', 'requirements.ref', 'mappings.relationship'])
      .where('controls.ref', '=', 'CRY-01')
      .where('requirements.ref', '=', 'B1')
      .executeTakeFirstOrThrow();
    expect(saved).toMatchObject({ slug: 'beta', ref: 'B1', relationship: 'intersect' });
    const page = await grc.get('/controls/CRY-01');
    expect(page.text).toContain('CRY-01 now maps to Beta Criteria B1 (intersect).');
    expect(page.text).not.toContain('maps to beta');
    // Put the fixture back as it was for the crosswalk counts below.
    expect((await grc.post(`/controls/CRY-01/mappings/${saved.id}/delete`)).status).toBe(303);
  });

  it("keeps the chosen requirement chosen after a refusal, and names an unknown one with the framework's name", async () => {
    const refused = await grc.post('/controls/CRY-01/mappings', { requirement: 'alpha:1.1', relationship: 'superset', rationale: '' });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('A superset or equal mapping claims');
    expect(refused.text).toContain('<option value="alpha:1.1" selected>1.1 — Access policy</option>');
    expect(refused.text).toContain('<option value="superset" selected>');
    const unknown = await grc.post('/controls/CRY-01/mappings', { requirement: 'beta:B9', relationship: 'subset' });
    expect(unknown.status).toBe(422);
    expect(unknown.text).toContain('Beta Criteria has no requirement B9.');
    expect(unknown.text).not.toContain('beta has no');
    const nothing = await grc.post('/controls/CRY-01/mappings', { requirement: '', relationship: 'subset' });
    expect(nothing.status).toBe(422);
    expect(nothing.text).toMatch(/id="m-requirement-error">Choose a requirement\.</);
  });
});

describe('catalog API', () => {
  it('serves frameworks, a framework with its requirements, a requirement, controls, mappings and the crosswalk', async () => {
    const list = await api('/api/v1/frameworks');
    expect(list.status).toBe(200);
    expect(list.body.items.map((f: { slug: string }) => f.slug)).toEqual(['alpha', 'beta']);
    const alpha = await api('/api/v1/frameworks/alpha');
    expect(alpha.body.requirements.map((r: { ref: string }) => r.ref)).toEqual(['1', '1.1', '1.2', '1.3']);
    const req = await api('/api/v1/frameworks/alpha/requirements/1.1');
    expect(req.body.controls[0]).toMatchObject({ controlRef: 'IAM-01', relationship: 'superset' });
    const controls = await api('/api/v1/controls?domain=cryptography&limit=1');
    expect(controls.body).toMatchObject({ total: 2, limit: 1, page: 1 });
    expect(controls.body.items).toHaveLength(1);
    const control = await api('/api/v1/controls/CRY-01');
    expect(control.body.control.ref).toBe('CRY-01');
    const mappings = await api('/api/v1/mappings?framework=beta');
    expect(mappings.body.items.length).toBeGreaterThan(0);
    const cw = await api('/api/v1/crosswalk?from=alpha&to=beta');
    expect(cw.body.pairs).toHaveLength(3);
  });

  it('answers bad queries with 400 JSON naming the field', async () => {
    const res = await api('/api/v1/mappings');
    expect(res.status).toBe(400);
    expect(res.body.error.fields[0].field).toBe('control');
    const cw = await api('/api/v1/crosswalk?from=alpha');
    expect(cw.status).toBe(400);
    expect(cw.body.error.fields[0]).toEqual({ field: 'to', message: 'Choose the framework to map to.' });
    expect((await api('/api/v1/controls/NOPE-1')).status).toBe(400);
    expect((await api('/api/v1/controls/ZZZ-99')).status).toBe(404);
  });
});
