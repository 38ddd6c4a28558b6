import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { buildUser, tokenFor } from '../helpers/factories.ts';
import { buildApp, signedIn, type Browser, type TestApp } from '../helpers/http.ts';
import { count, isoForm, loadShippedLibrary, recordCertification } from './helpers.ts';

let ctx: TestContext;
let t: TestApp;
let grc: Browser;
let grcToken: string;
let certId: number;

beforeAll(async () => {
  ctx = await createTestContext({ now: '2026-11-21T10:00:00.000Z' });
  await loadShippedLibrary(ctx);
  t = await buildApp(ctx);
  const user = await buildUser(ctx, { role: 'grc' });
  grc = await signedIn(t.app, user);
  grcToken = await tokenFor(ctx, user);
  certId = await recordCertification(grc, isoForm());
}, 60_000);
afterAll(() => ctx.cleanup());

const tables = ['certifications', 'programme_events', 'certification_requests', 'activity'] as const;
const counts = async () => Object.fromEntries(await Promise.all(tables.map(async (n) => [n, await count(ctx, n)])));

describe('bad input: a clear 4xx naming the field, and nothing written', () => {
  const cases: [string, Record<string, string>, string, string][] = [
    ['valid until before valid from', { valid_from: '2026-06-01', valid_until: '2026-05-31' }, 'valid_until', 'Valid until must be on or after valid from.'],
    ['an unknown framework', { framework: 'iso99999' }, 'framework', 'Unknown framework iso99999'],
    ['a kind that does not fit the framework', { kind: 'soc2_type2' }, 'kind', 'is attested by: ISO certificate'],
    ['a NUL byte', { issuer: 'BSI\u0000Group' }, 'issuer', 'NUL character'],
    ['a 10,000-character issuer', { issuer: 'x'.repeat(10_000) }, 'issuer', 'At most 200 characters.'],
    ['a 10,000-character scope', { scope: 's'.repeat(10_000) }, 'scope', 'At most 4000 characters.'],
    ['an impossible date', { valid_from: '2026-02-30' }, 'valid_from', 'not a real date'],
    ['an issue date in the future', { issued_on: '2027-01-01' }, 'issued_on', 'cannot be in the future'],
    ['validity over five years', { valid_until: '2035-01-01' }, 'valid_until', 'at most 5 years'],
    ['an evidence item that does not exist', { document_evidence_id: '424242' }, 'document_evidence_id', 'No evidence item #424242'],
    ['an owner who does not exist', { owner_id: '424242' }, 'owner_id', 'Choose an active GRC user'],
  ];

  for (const [what, fields, field, message] of cases) {
    it(`${what}: the form says so (422) and the API names ${field} (400)`, async () => {
      const before = await counts();
      const form = await grc.post('/certifications', isoForm(fields));
      expect(form.status).toBe(422);
      const api = await supertest(t.app).post('/api/v1/certifications').set('Authorization', `Bearer ${grcToken}`).send(isoForm(fields));
      expect(api.status).toBe(400);
      expect(api.body.error.fields.map((f: { field: string }) => f.field)).toContain(field);
      expect(JSON.stringify(api.body.error)).toContain(message);
      if (field !== 'issuer' || !fields.issuer?.includes('\u0000')) expect(form.text).toContain(message.replace(/'/g, '&#x27;'));
      const update = await grc.post(`/certifications/${certId}`, isoForm(fields));
      expect(update.status).toBe(422);
      expect(await counts()).toEqual(before);
    });
  }

  it('an owner who may not edit certifications is refused', async () => {
    const viewer = await buildUser(ctx, { role: 'viewer' });
    const res = await grc.post('/certifications', isoForm({ owner_id: String(viewer.id) }));
    expect(res.status).toBe(422);
    expect(res.text).toContain('Choose an active GRC user or administrator');
  });

  it('an event ending before it starts, or of an unknown kind, is refused', async () => {
    const before = await counts();
    const res = await grc.post(`/certifications/${certId}/events`, { kind: 'internal_audit', title: 'Audit', starts_on: '2027-01-10', ends_on: '2027-01-01' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('The end must be on or after the start.');
    const api = await supertest(t.app)
      .post(`/api/v1/certifications/${certId}/events`)
      .set('Authorization', `Bearer ${grcToken}`)
      .send({ kind: 'party', title: 'x', starts_on: '2027-01-10' });
    expect(api.status).toBe(400);
    expect(api.body.error.fields[0].field).toBe('kind');
    expect(await counts()).toEqual(before);
  });

  it('a withdrawal date in the future is refused', async () => {
    const res = await grc.post(`/certifications/${certId}/withdraw`, { withdrawn_on: '2027-01-01' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('The withdrawal date cannot be in the future.');
    expect((await ctx.db.selectFrom('certifications').select('withdrawn_on').where('id', '=', certId).executeTakeFirstOrThrow()).withdrawn_on).toBeNull();
  });
});

describe('who may do what', () => {
  const sessionOf = async (role: 'viewer' | 'customer_compliance' | 'auditor' | 'admin') => signedIn(t.app, await buildUser(ctx, { role }));

  it('a viewer reads the register, a certification and the planning page, but cannot edit (403) and sees no edit buttons', async () => {
    const viewer = await sessionOf('viewer');
    expect((await viewer.get('/certifications')).status).toBe(200);
    const page = await viewer.get(`/certifications/${certId}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('Plan the cycle');
    expect(page.text).not.toContain('Withdraw');
    expect((await viewer.get('/certifications/planning')).status).toBe(200);
    const token = await tokenFor(ctx, await buildUser(ctx, { role: 'viewer' }));
    const before = await counts();
    expect((await viewer.get('/certifications/new')).status).toBe(403);
    expect((await viewer.post('/certifications', isoForm())).status).toBe(403);
    expect((await viewer.post(`/certifications/${certId}`, isoForm({ issuer: 'Changed' }))).status).toBe(403);
    expect((await viewer.post(`/certifications/${certId}/plan`)).status).toBe(403);
    expect((await viewer.post(`/certifications/${certId}/withdraw`)).status).toBe(403);
    expect((await viewer.post('/certifications/demand', { customer: 'A', scheme: 'BSI C5', requested_on: '2026-11-01' })).status).toBe(403);
    expect((await supertest(t.app).post('/api/v1/certifications').set('Authorization', `Bearer ${token}`).send(isoForm())).status).toBe(403);
    expect((await supertest(t.app).get(`/api/v1/certifications/${certId}`).set('Authorization', `Bearer ${token}`)).status).toBe(200);
    expect(await counts()).toEqual(before);
  });

  it('customer-compliance staff read certifications and record demand; auditors are refused for now', async () => {
    const cc = await sessionOf('customer_compliance');
    expect((await cc.get(`/certifications/${certId}`)).status).toBe(200);
    expect((await cc.post(`/certifications/${certId}/plan`)).status).toBe(403);
    expect((await cc.post('/certifications/demand', { customer: 'Acme Bank', scheme: 'BSI C5', requested_on: '2026-11-01' })).status).toBe(303);
    const auditor = await sessionOf('auditor');
    expect((await auditor.get('/certifications')).status).toBe(403);
    expect((await auditor.get(`/certifications/${certId}`)).status).toBe(403);
    expect((await auditor.get('/certifications/planning')).status).toBe(403);
  });

  it('hostile text is shown escaped', async () => {
    const id = await recordCertification(
      grc,
      isoForm({ framework: 'iso27018-2019', issuer: '<script>alert(1)</script>', scope: '"><img src=x onerror=alert(1)>', number: '‏מספר‎ 42' }),
    );
    const page = await grc.get(`/certifications/${id}`);
    expect(page.text).not.toContain('<script>alert(1)</script>');
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.text).not.toContain('<img src=x');
  });
});
