import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPrincipal } from '../../src/auth/principal.ts';
import { readLibraryFiles } from '../../src/controls/library.files.ts';
import { loadLibrary } from '../../src/controls/library.load.ts';
import { sanitizeFilename } from '../../src/evidence/file-store.ts';
import { nulPaths } from '../../src/http/nul-guard.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { postEvidenceForm } from '../helpers/evidence.ts';
import { buildUser, tokenFor } from '../helpers/factories.ts';
import { Browser, buildApp, signedIn, type TestApp } from '../helpers/http.ts';
import { writeFixture } from '../helpers/library-fixture.ts';

let ctx: TestContext;
let t: TestApp;
let admin: Browser;
let grc: Browser;
let token: string;

beforeAll(async () => {
  ctx = await createTestContext({ now: '2026-11-21T10:00:00.000Z', env: { LOGIN_MAX_PER_IP: '10000', LOGIN_MAX_PER_ACCOUNT: '10000' } });
  await loadLibrary(ctx, cliPrincipal, readLibraryFiles(writeFixture()), { overwrite: false });
  t = await buildApp(ctx);
  const adminUser = await buildUser(ctx, { role: 'admin' });
  admin = await signedIn(t.app, adminUser);
  grc = await signedIn(t.app, await buildUser(ctx, { role: 'grc' }));
  token = await tokenFor(ctx, adminUser, 'holes');
});
afterAll(() => ctx.cleanup());

const api = () => ({
  get: (path: string) => supertest(t.app).get(path).set('Authorization', `Bearer ${token}`),
  post: (path: string) => supertest(t.app).post(path).set('Authorization', `Bearer ${token}`),
});
const evidenceCount = async () => (await ctx.db.selectFrom('evidence').select('id').execute()).length;
const linkEvidence = { title: 'Policy link', kind: 'link', link_url: 'https://wiki.example.test/p', collected_at: '2026-11-01', controls: ['IAM-01'] };
const fieldsOf = (body: { error?: { fields?: { field: string }[] } }) => (body.error?.fields ?? []).map((f) => f.field);

describe('routing is case-sensitive', () => {
  it('a session of a user who must change their password cannot reach the API in another letter case', async () => {
    const user = await buildUser(ctx, { role: 'grc', mustChangePassword: true });
    const browser = await signedIn(t.app, user);
    const csrf = await browser.csrfToken();
    const before = await evidenceCount();
    const json = await browser.agent.post('/API/v1/evidence').set('x-csrf-token', csrf).send(linkEvidence);
    expect(json.status).toBe(404);
    const form = await browser.post('/Api/V1/evidence', { ...linkEvidence, controls: 'IAM-01' });
    expect(form.status).toBe(404);
    expect(await evidenceCount()).toBe(before);
    const list = await browser.get('/API/v1/controls');
    expect(list.status).toBe(404);
    expect(list.text).not.toContain('IAM-01');
  });

  it('pages are matched in their own letter case only', async () => {
    expect((await admin.get('/Admin/Users')).status).toBe(404);
    expect((await admin.get('/admin/users')).status).toBe(200);
  });
});

describe('NUL bytes are refused on every database', () => {
  it('finds the path of every string or key holding a NUL', () => {
    expect(nulPaths({ a: 'x', b: ['ok', 'n\u0000'], c: { d: '\u0000' }, 'k\u0000': 1 })).toEqual(['b.1', 'c.d', 'k\\0']);
    expect(nulPaths('a\u0000', 'path')).toEqual(['path']);
    expect(nulPaths({ a: 1, b: null, c: [true] })).toEqual([]);
    // Deep nesting (a JSON body can be 50,000 levels deep) does not overflow the stack.
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(nulPaths(deep)).toHaveLength(1);
  });

  it('the API answers 400 naming the field: query, JSON body, multipart field and route parameter', async () => {
    const before = await evidenceCount();
    const query = await api().get('/api/v1/evidence?q=a%00b');
    expect(query.status).toBe(400);
    expect(query.body.error.code).toBe('validation_failed');
    expect(query.body.error.message).toContain('NUL');
    expect(query.body.error.fields).toEqual([{ field: 'q', message: expect.stringContaining('NUL character') }]);

    const body = await api()
      .post('/api/v1/evidence')
      .send({ ...linkEvidence, title: 'a\u0000b', controls: ['IAM-01', 'CRY-01\u0000'] });
    expect(body.status).toBe(400);
    expect(fieldsOf(body.body)).toEqual(['title', 'controls.1']);

    const multipart = await api()
      .post('/api/v1/evidence')
      .field('title', 'Rotation\u0000log')
      .field('kind', 'automated_check')
      .field('collected_at', '2026-11-20')
      .field('controls', 'CRY-02')
      .attach('files', Buffer.from('rotation ok'), 'rotation.log');
    expect(multipart.status).toBe(400);
    expect(fieldsOf(multipart.body)).toEqual(['title']);

    const param = await api().get('/api/v1/controls/IAM%0001');
    expect(param.status).toBe(400);
    expect(fieldsOf(param.body)).toEqual(['path']);
    const crosswalk = await api().get('/api/v1/crosswalk?from=alpha%00&to=beta');
    expect(crosswalk.status).toBe(400);
    expect(await evidenceCount()).toBe(before);
  });

  it('pages answer 422 naming the field, including handlers that read the query directly', async () => {
    const before = await evidenceCount();
    for (const path of ['/evidence?q=a%00b', '/controls?q=%00', '/admin/activity?action=x%00', '/coverage/alpha?as_of=2026-01-01%00', '/controls/IAM%0001']) {
      const res = await admin.get(path);
      expect(res.status, path).toBe(422);
      expect(res.text, path).toContain('NUL character');
    }
    const form = await postEvidenceForm(grc, '/evidence', { title: 'Config\u0000export', kind: 'export', collected_at: '2026-11-01', controls: 'CRY-01' }, [
      { name: 'a.txt', content: 'a' },
    ]);
    expect(form.status).toBe(422);
    expect(form.text).toContain('NUL character');
    const login = await new Browser(t.app).post('/login', { email: 'a\u0000@example.test', password: 'x' });
    expect(login.status).toBe(422);
    expect(login.text).toContain('NUL character');
    const user = await admin.post('/admin/users', { email: 'new@example.test', name: 'New\u0000User', role: 'viewer' });
    expect(user.status).toBe(422);
    expect(user.text).toContain('NUL character');
    expect(await ctx.db.selectFrom('users').select('id').where('email', '=', 'new@example.test').execute()).toEqual([]);
    expect(await evidenceCount()).toBe(before);
  });
});

describe('pages and API responses are never cached', () => {
  it('sends Cache-Control: no-store on secrets, evidence, downloads and the API, not on static assets', async () => {
    const created = await admin.post('/admin/users', { email: 'otp@example.test', name: 'One Time', role: 'viewer' });
    expect(created.status).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const tokenPage = await admin.post('/account/tokens', { name: 'ci' });
    expect(tokenPage.status).toBe(201);
    expect(tokenPage.text).toContain('att_');
    expect(tokenPage.headers['cache-control']).toBe('no-store');

    const logged = await postEvidenceForm(grc, '/evidence', { title: 'Cache check', kind: 'export', collected_at: '2026-11-01', controls: 'CRY-01' }, [
      { name: 'cache.txt', content: 'cache-check' },
    ]);
    expect(logged.status).toBe(303);
    const page = await admin.get(logged.headers.location!);
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    const id = Number(/\/evidence\/(\d+)/.exec(logged.headers.location!)![1]);
    const file = await ctx.db.selectFrom('evidence_files').selectAll().where('evidence_id', '=', id).executeTakeFirstOrThrow();
    const download = await admin.get(`/evidence/${id}/files/${file.id}`);
    expect(download.status).toBe(200);
    expect(download.headers['cache-control']).toBe('no-store');
    const apiDownload = await api().get(`/api/v1/evidence/${id}/files/${file.id}`);
    expect(apiDownload.status).toBe(200);
    expect(apiDownload.headers['cache-control']).toBe('no-store');

    const me = await api().get('/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.headers['cache-control']).toBe('no-store');
    const login = await supertest(t.app).get('/login');
    expect(login.headers['cache-control']).toBe('no-store');

    const css = await supertest(t.app).get('/assets/app.css');
    expect(css.status).toBe(200);
    expect(css.headers['cache-control']).not.toContain('no-store');
    const htmx = await supertest(t.app).get('/assets-vendor/htmx.min.js');
    expect(htmx.status).toBe(200);
    expect(htmx.headers['cache-control']).not.toContain('no-store');
  });
});

describe('uploaded file names', () => {
  it('keeps non-ASCII names as UTF-8 and drops bidirectional controls (form and API)', async () => {
    const form = await postEvidenceForm(grc, '/evidence', { title: 'Audit report', kind: 'document', collected_at: '2026-11-01', controls: 'CRY-01' }, [
      { name: 'Prüfbericht.pdf', content: 'pruefbericht' },
      { name: 'evil\u202Efdp.exe', content: 'evil' },
    ]);
    expect(form.status).toBe(303);
    const id = Number(/\/evidence\/(\d+)/.exec(form.headers.location!)![1]);
    const names = (await ctx.db.selectFrom('evidence_files').select('filename').where('evidence_id', '=', id).orderBy('id').execute()).map((f) => f.filename);
    expect(names).toEqual(['Prüfbericht.pdf', 'evilfdp.exe']);
    const page = await grc.get(`/evidence/${id}`);
    expect(page.text).toContain('Prüfbericht.pdf');
    expect(page.text).not.toContain('\u202E');

    const viaApi = await api()
      .post('/api/v1/evidence')
      .field('title', 'Rapport')
      .field('kind', 'document')
      .field('collected_at', '2026-11-01')
      .field('controls', 'CRY-01')
      .attach('files', Buffer.from('rapport'), 'Rapport d’audit – été.txt')
      .attach('files', Buffer.from('bidi'), 'a\u2066b\u2069c\u200Fd\u061Ce\u202Af.txt');
    expect(viaApi.status).toBe(201);
    expect(viaApi.body.files.map((f: { filename: string }) => f.filename)).toEqual(['Rapport d’audit – été.txt', 'abcdef.txt']);
  });

  it('sanitizeFilename drops bidi controls and replaces C0 and C1 control characters', () => {
    expect(sanitizeFilename('x\u202Eexe.txt')).toBe('xexe.txt');
    expect(sanitizeFilename('\u200E\u200F\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u061C')).toBe('file');
    expect(sanitizeFilename('a\u0085b\u009fc\u0000d.txt')).toBe('a_b_c_d.txt');
    expect(sanitizeFilename('../../Prüfbericht.pdf')).toBe('Prüfbericht.pdf');
  });
});

describe('valid_until has a bound', () => {
  it('refuses a valid-until date more than ten years after collection', async () => {
    const before = await evidenceCount();
    const far = await api()
      .post('/api/v1/evidence')
      .send({ ...linkEvidence, valid_until: '9999-12-31' });
    expect(far.status).toBe(400);
    expect(far.body.error.fields).toEqual([{ field: 'valid_until', message: expect.stringContaining('10 years') }]);
    const justOver = await api()
      .post('/api/v1/evidence')
      .send({ ...linkEvidence, collected_at: '2026-11-01', valid_until: '2036-11-02' });
    expect(justOver.status).toBe(400);
    expect(await evidenceCount()).toBe(before);
    const atBound = await api()
      .post('/api/v1/evidence')
      .send({ ...linkEvidence, collected_at: '2026-11-01', valid_until: '2036-11-01' });
    expect(atBound.status).toBe(201);
    expect(atBound.body.validUntil ?? atBound.body.valid_until).toBe('2036-11-01');
  });
});
