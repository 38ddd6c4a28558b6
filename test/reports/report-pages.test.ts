import { createHash } from 'node:crypto';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAudit } from '../../src/audits/audits.service.ts';
import { settled } from '../../src/reports/reports.service.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { buildUser, loadFixtureLibrary, principalFor, tokenFor } from '../helpers/factories.ts';
import { type Browser, buildApp, signedIn, type TestApp } from '../helpers/http.ts';
import { assignedAuditor, evidenceWithFiles } from './pack-helpers.ts';

// Issuing, following and downloading reports through the pages and the API, as each role would.

let ctx: TestContext;
let t: TestApp;
let grcUser: Awaited<ReturnType<typeof buildUser>>;
let grc: Browser;
let cc: Browser;
let viewer: Browser;
let auditId: number;
let otherAuditId: number;

const idFrom = (location: unknown) => Number(/\/reports\/(\d+)$/.exec(String(location))?.[1]);
const binary = (res: supertest.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

beforeAll(async () => {
  ctx = await createTestContext({ env: { LOGIN_MAX_PER_IP: '10000', LOGIN_MAX_PER_ACCOUNT: '10000' } });
  await loadFixtureLibrary(ctx);
  t = await buildApp(ctx);
  grcUser = await buildUser(ctx, { role: 'grc' });
  grc = await signedIn(t.app, grcUser);
  cc = await signedIn(t.app, await buildUser(ctx, { role: 'customer_compliance' }));
  viewer = await signedIn(t.app, await buildUser(ctx, { role: 'viewer' }));
  auditId = await createAudit(ctx, principalFor(grcUser), { kind: 'internal', title: 'Alpha audit', frameworks: ['alpha'], owner: { id: grcUser.id } });
  otherAuditId = await createAudit(ctx, principalFor(grcUser), { kind: 'internal', title: 'Beta audit', frameworks: ['beta'], owner: { id: grcUser.id } });
  await evidenceWithFiles(
    ctx,
    { submitter: grcUser, reviewer: await buildUser(ctx, { role: 'grc' }) },
    { title: 'Access policy', controls: ['IAM-01'], files: [{ name: 'policy.txt', content: 'policy text' }] },
  );
});
afterAll(() => ctx.cleanup());

describe('reports through the pages', () => {
  it('GRC staff issue a readiness workbook, follow it to ready and download it with its hash; the download is recorded', async () => {
    const issued = await grc.post('/reports', { kind: 'readiness', framework: 'alpha', format: 'xlsx', as_of: '2026-11-21' });
    expect(issued.status).toBe(303);
    const id = idFrom(issued.headers.location);
    await settled(ctx, id);
    const page = await grc.get(`/reports/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('http-equiv="refresh"');
    const row = await ctx.db.selectFrom('report_files').selectAll().where('report_id', '=', id).executeTakeFirstOrThrow();
    expect(page.text).toContain(row.sha256);
    const file = await grc.get(`/reports/${id}/files/${row.id}`).buffer(true).parse(binary);
    expect(file.status).toBe(200);
    expect(file.headers['content-disposition']).toContain('attachment');
    expect(
      createHash('sha256')
        .update(file.body as Buffer)
        .digest('hex'),
    ).toBe(row.sha256);
    expect(file.headers.digest).toBe(`sha-256=${Buffer.from(row.sha256, 'hex').toString('base64')}`);
    const trail = await ctx.db.selectFrom('activity').select('action').where('subject_type', '=', 'report').where('subject_id', '=', String(id)).execute();
    expect(trail.map((r) => r.action)).toEqual(['report.generated', 'report.downloaded']);
    expect((await grc.get('/reports')).text).toContain(`/reports/${id}`);
  });

  it('bad choices come back on the form with the field named, and nothing is recorded', async () => {
    const before = (await ctx.db.selectFrom('reports').select('id').execute()).length;
    const soa = await grc.post('/reports', { kind: 'soa', framework: 'beta', format: 'pdf' });
    expect(soa.status).toBe(422);
    const future = await grc.post('/reports', { kind: 'readiness', framework: 'alpha', as_of: '2099-01-01', format: 'xlsx' });
    expect(future.status).toBe(422);
    const junk = await grc.post('/reports', { kind: 'everything' });
    expect(junk.status).toBe(422);
    expect(junk.text).toContain('Choose a report');
    expect((await ctx.db.selectFrom('reports').select('id').execute()).length).toBe(before);
  });

  it('customer-compliance staff may issue the compliance summary only; viewers no report', async () => {
    const page = await cc.get('/reports');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Compliance summary for customers');
    expect(page.text).not.toContain('value="readiness"');
    expect((await cc.post('/reports', { kind: 'readiness', framework: 'alpha', format: 'xlsx' })).status).toBe(403);
    const grcReport = (await ctx.db.selectFrom('reports').select('id').where('kind', '=', 'readiness').executeTakeFirstOrThrow()).id;
    expect((await cc.get(`/reports/${grcReport}`)).status).toBe(403);
    expect((await viewer.get('/reports')).status).toBe(403);
    expect((await viewer.post('/reports', { kind: 'summary' })).status).toBe(403);
  });
});

describe('the auditor’s evidence pack', () => {
  it('an assigned auditor builds the pack from the portal and downloads it; another audit’s reports stay closed', async () => {
    const { user } = await assignedAuditor(ctx, grcUser, auditId, { from: '2026-01-01', until: '2027-12-31' });
    const aria = await signedIn(t.app, user);
    const built = await aria.post(`/portal/audits/${auditId}/reports`, { kind: 'pack' });
    expect(built.status).toBe(303);
    const id = idFrom(built.headers.location);
    await settled(ctx, id);
    const page = await aria.get(`/reports/${id}`);
    expect(page.status).toBe(200);
    const seen = await ctx.db.selectFrom('activity').select('details').where('actor_id', '=', user.id).where('action', '=', 'portal.viewed').execute();
    expect(seen.map((r) => JSON.parse(r.details).page)).toContain('report');
    const zip = await ctx.db.selectFrom('report_files').selectAll().where('report_id', '=', id).executeTakeFirstOrThrow();
    const download = await aria.get(`/reports/${id}/files/${zip.id}`).buffer(true).parse(binary);
    expect(download.status).toBe(200);
    expect(
      createHash('sha256')
        .update(download.body as Buffer)
        .digest('hex'),
    ).toBe(zip.sha256);
    expect((await aria.get('/reports')).headers.location).toBe('/portal');
    expect((await aria.post(`/portal/audits/${otherAuditId}/reports`, { kind: 'pack' })).status).toBe(403);
    const grcPack = await grc.post(`/audits/${otherAuditId}/pack`);
    const other = idFrom(grcPack.headers.location);
    await settled(ctx, other);
    expect((await aria.get(`/reports/${other}`)).status).toBe(403);
    const token = await tokenFor(ctx, user);
    const listed = await supertest(t.app).get('/api/v1/reports').set('Authorization', `Bearer ${token}`);
    expect(listed.body.items.map((r: { id: number }) => r.id)).toEqual([id]);
  }, 120_000);

  it('the API issues a report in the background and refuses what the plan refuses', async () => {
    const token = await tokenFor(ctx, grcUser);
    const api = () => supertest(t.app);
    const started = await api().post('/api/v1/reports').set('Authorization', `Bearer ${token}`).send({ kind: 'readiness', framework: 'beta', format: 'xlsx' });
    expect(started.status).toBe(202);
    expect(started.headers.location).toBe(`/api/v1/reports/${started.body.id}`);
    await settled(ctx, started.body.id);
    const done = await api().get(`/api/v1/reports/${started.body.id}`).set('Authorization', `Bearer ${token}`);
    expect(done.body.status).toBe('ready');
    expect(done.body.files[0].href).toBe(`/api/v1/reports/${started.body.id}/files/${done.body.files[0].id}`);
    const bad = await api().post('/api/v1/reports').set('Authorization', `Bearer ${token}`).send({ kind: 'pack' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0].field).toBe('audit_id');
  });
});
