import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditAlerts, auditCalendarItems } from '../../src/audits/audits.calendar.ts';
import { openMajorFindingCounts, openMajorFindingsByRequirement } from '../../src/audits/findings.service.ts';
import { calendarSources } from '../../src/calendar/calendar.sources.ts';
import { runCli } from '../helpers/cli.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { buildEvidence, buildUser, loadFixtureLibrary, principalFor, tokenFor } from '../helpers/factories.ts';
import { buildApp, type TestApp } from '../helpers/http.ts';
import { programmeCounts } from './helpers.ts';

// The same services through the API and the CLI, and what the audits domain gives the calendar and
// the dashboard.

let ctx: TestContext;
let t: TestApp;
let grcToken: string;
let viewerToken: string;
let grc: Awaited<ReturnType<typeof buildUser>>;
let viewer: Awaited<ReturnType<typeof buildUser>>;
let auditId: number;

const api = (token: string) => ({
  get: (path: string) => supertest(t.app).get(`/api/v1${path}`).set('Authorization', `Bearer ${token}`),
  post: (path: string, body: unknown) =>
    supertest(t.app)
      .post(`/api/v1${path}`)
      .set('Authorization', `Bearer ${token}`)
      .send(body as object),
});

beforeAll(async () => {
  ctx = await createTestContext({ now: '2026-11-21T10:00:00.000Z' });
  await loadFixtureLibrary(ctx);
  t = await buildApp(ctx);
  grc = await buildUser(ctx, { role: 'grc', email: 'grc-api@example.test' });
  viewer = await buildUser(ctx, { role: 'viewer' });
  grcToken = await tokenFor(ctx, grc);
  viewerToken = await tokenFor(ctx, viewer);
});
afterAll(() => ctx.cleanup());

describe('the audits API', () => {
  it('creates an audit, refusing bad input with 400 naming the field', async () => {
    const before = await programmeCounts(ctx);
    const body = {
      kind: 'soc2_type2',
      title: 'SOC 2 Type II 2026',
      frameworks: ['beta'],
      owner: 'grc-api@example.test',
      period_from: '2026-01-01',
      period_to: '2026-12-31',
      fieldwork_from: '2027-01-11',
      fieldwork_to: '2027-01-22',
    };
    const backwards = await api(grcToken).post('/audits', { ...body, fieldwork_to: '2027-01-01' });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.fields).toEqual([{ field: 'fieldwork_to', message: 'Fieldwork cannot end before it starts.' }]);
    const unknown = await api(grcToken).post('/audits', { ...body, frameworks: ['nope'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.fields[0].field).toBe('frameworks');
    const noOwner = await api(grcToken).post('/audits', { ...body, owner: 'nobody@example.test' });
    expect(noOwner.body.error.fields[0].field).toBe('owner');
    expect((await api(viewerToken).post('/audits', body)).status).toBe(403);
    expect(await programmeCounts(ctx)).toEqual(before);

    const created = await api(grcToken).post('/audits', body);
    expect(created.status).toBe(201);
    auditId = created.body.id;
    expect(created.body).toMatchObject({ status: 'planned', frameworks: ['beta'], owner: { email: 'grc-api@example.test' } });
    const got = await api(viewerToken).get(`/audits/${auditId}`);
    expect(got.body.scope).toEqual(['beta:B1', 'beta:B2']);
    expect((await api(viewerToken).get('/audits/999999')).status).toBe(404);
    const list = await api(viewerToken).get('/audits?framework=beta');
    expect(list.body).toMatchObject({ total: 1, items: [{ id: auditId }] });
  });

  it('moves the status, records findings and requests, links evidence and takes comments', async () => {
    const skip = await api(grcToken).post(`/audits/${auditId}/status`, { status: 'closed' });
    expect(skip.status).toBe(409);
    expect(skip.body.error.fields[0].field).toBe('status');
    expect((await api(grcToken).post(`/audits/${auditId}/status`, { status: 'fieldwork' })).body.status).toBe('fieldwork');

    const finding = { kind: 'soc2_exception', title: 'Two leavers kept access', requirements: ['beta:B1'], controls: ['IAM-01'], owner: grc.id, due_on: '2027-02-28' };
    const noOwner = await api(grcToken).post(`/audits/${auditId}/findings`, { ...finding, owner: undefined });
    expect(noOwner.status).toBe(400);
    expect(noOwner.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['owner']);
    const f = await api(grcToken).post(`/audits/${auditId}/findings`, finding);
    expect(f.status).toBe(201);
    expect(f.body).toMatchObject({ ref: 'F-1', requirements: ['beta:B1'], controls: ['IAM-01'] });
    const updated = await api(grcToken).post(`/audits/${auditId}/findings/${f.body.id}`, { ...finding, corrective_action: 'Leaver process automated' });
    expect(updated.body.correctiveAction).toBe('Leaver process automated');
    expect((await api(grcToken).post(`/audits/${auditId}/findings/${f.body.id}/status`, { status: 'action_taken' })).body.status).toBe('action_taken');
    expect((await api(viewerToken).get(`/audits/${auditId}/findings`)).body.items).toHaveLength(1);

    const r = await api(grcToken).post(`/audits/${auditId}/requests`, { title: 'Leaver tickets', requirement: 'beta:B1', due_on: '2026-12-01', assignee: grc.id });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ ref: 'R-1', status: 'open', requirement: 'beta:B1' });
    const evidence = await buildEvidence(ctx, { controls: ['IAM-01'] });
    const linked = await api(grcToken).post(`/audits/${auditId}/requests/${r.body.id}/link`, { evidence: [evidence.id] });
    expect(linked.body).toMatchObject({ status: 'submitted', evidence: [{ id: evidence.id }] });
    expect((await api(grcToken).post(`/audits/${auditId}/requests/${r.body.id}/status`, { status: 'accepted' })).body.status).toBe('accepted');
    expect((await api(viewerToken).get(`/audits/${auditId}/requests`)).body.items[0].status).toBe('accepted');

    const comment = await api(grcToken).post(`/audits/${auditId}/requests/${r.body.id}/comments`, { body: 'Thanks' });
    expect(comment.status).toBe(201);
    expect((await api(viewerToken).get(`/audits/${auditId}/requests/${r.body.id}/comments`)).body.items).toEqual([expect.objectContaining({ body: 'Thanks' })]);
    expect((await api(viewerToken).post(`/audits/${auditId}/comments`, { body: 'x' })).status).toBe(403);
    expect((await api(grcToken).post(`/audits/${auditId}/findings/999999/comments`, { body: 'x' })).status).toBe(404);
  });

  it('documents every audits route in the OpenAPI document', async () => {
    const doc = await supertest(t.app).get('/api/v1/openapi.json');
    const documented = Object.keys(doc.body.paths as Record<string, unknown>);
    for (const route of t.routes.filter((r) => r.api && r.path.startsWith('/api/v1/audits'))) {
      expect(documented).toContain(route.path.replace('/api/v1', '').replace(/:(\w+)/g, '{$1}'));
    }
  });
});

describe('the CLI', () => {
  it('`audits list` prints a table, or JSON and nothing else on stdout', () => {
    const table = runCli(['audits', 'list'], ctx.childEnv);
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/^ID\s+STATUS\s+KIND/);
    expect(table.stdout).toContain('SOC 2 Type II 2026');
    const json = runCli(['audits', 'list', '--format', 'json'], ctx.childEnv);
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([expect.objectContaining({ id: auditId, status: 'fieldwork', frameworks: ['beta'] })]);
    expect(runCli(['audits', 'list', '--format', 'xml'], ctx.childEnv).status).not.toBe(0);
  }, 120_000);
});

describe('what the audits domain gives the calendar and the dashboard', () => {
  it('calendar items with stable keys, frameworks, owners and done flags; nothing for those who may not read audits', async () => {
    expect(calendarSources).toContain(auditCalendarItems);
    const items = await auditCalendarItems(ctx, principalFor(viewer), { from: '2026-11-01', to: '2027-03-31' });
    const byKey = new Map(items.map((i) => [i.key, i]));
    expect(byKey.get(`audit-${auditId}`)).toMatchObject({
      kind: 'audit',
      start: '2026-01-01',
      end: '2026-12-31',
      frameworks: ['beta'],
      ownerId: grc.id,
      href: `/audits/${auditId}`,
      auditId,
      done: false,
    });
    expect(byKey.get(`fieldwork-${auditId}`)).toMatchObject({ kind: 'fieldwork', start: '2027-01-11', end: '2027-01-22', done: false });
    const finding = items.find((i) => i.kind === 'finding_due')!;
    expect(finding).toMatchObject({ start: '2027-02-28', frameworks: ['beta'], ownerId: grc.id, done: false });
    expect(finding.key).toMatch(/^finding-\d+$/);
    const request = items.find((i) => i.kind === 'evidence_request_due')!;
    expect(request).toMatchObject({ start: '2026-12-01', done: true, ownerId: grc.id });
    expect(request.key).toMatch(/^request-\d+$/);
    // Outside the range: nothing.
    expect(await auditCalendarItems(ctx, principalFor(viewer), { from: '2024-01-01', to: '2024-12-31' })).toEqual([]);
    const cc = await buildUser(ctx, { role: 'customer_compliance' });
    expect(await auditCalendarItems(ctx, principalFor(cc), { from: '2026-01-01', to: '2027-12-31' })).toEqual([]);
  });

  it('alerts: audits starting within 90 days, overdue requests, open findings', async () => {
    const upcoming = await api(grcToken).post('/audits', {
      kind: 'internal',
      title: 'Internal audit Q1',
      frameworks: ['alpha'],
      owner: grc.id,
      fieldwork_from: '2027-01-05',
      fieldwork_to: '2027-01-06',
    });
    await api(grcToken).post('/audits', { kind: 'internal', title: 'Far away', frameworks: ['alpha'], owner: grc.id, fieldwork_from: '2027-06-01', fieldwork_to: '2027-06-02' });
    const late = await api(grcToken).post(`/audits/${auditId}/requests`, { title: 'Change tickets', control: 'CRY-01', due_on: '2026-11-10' });
    expect(late.status).toBe(201);
    const alerts = await auditAlerts(ctx, principalFor(viewer));
    expect(alerts.upcoming).toEqual([
      { label: 'Internal audit Q1: fieldwork starts 2027-01-05 (in 45 days)', href: `/audits/${upcoming.body.id}`, day: '2027-01-05', overdue: false },
      { label: 'SOC 2 Type II 2026: fieldwork starts 2027-01-11 (in 51 days)', href: `/audits/${auditId}`, day: '2027-01-11', overdue: false },
    ]);
    expect(alerts.overdueRequests).toEqual([
      expect.objectContaining({
        href: `/audits/${auditId}/requests/${late.body.id}`,
        overdue: true,
        label: expect.stringContaining('R-2 Change tickets (SOC 2 Type II 2026): due 2026-11-10, 11 days overdue'),
      }),
    ]);
    expect(alerts.openFindings).toEqual([expect.objectContaining({ label: expect.stringContaining('F-1 SOC 2 exception: Two leavers kept access'), overdue: false })]);
    const cc = await buildUser(ctx, { role: 'customer_compliance' });
    expect(await auditAlerts(ctx, principalFor(cc))).toEqual({ upcoming: [], overdueRequests: [], openFindings: [] });
  });

  it('a request is due until its evidence is submitted, and due again when the auditor returns it', async () => {
    const ask = await api(grcToken).post(`/audits/${auditId}/requests`, { title: 'Key rotation log', control: 'CRY-01', due_on: '2026-11-12', assignee: grc.id });
    expect(ask.status).toBe(201);
    const key = `request-${ask.body.id}`;
    const done = async () => (await auditCalendarItems(ctx, principalFor(viewer), { from: '2026-11-01', to: '2026-11-30' })).find((i) => i.key === key)!.done;
    expect(await done()).toBe(false);
    const evidence = await buildEvidence(ctx, { controls: ['CRY-01'], review: 'accepted' });
    expect((await api(grcToken).post(`/audits/${auditId}/requests/${ask.body.id}/link`, { evidence: [evidence.id] })).body.status).toBe('submitted');
    expect(await done()).toBe(true);
    const back = await api(grcToken).post(`/audits/${auditId}/requests/${ask.body.id}/status`, { status: 'returned', comment: 'Wrong quarter.' });
    expect(back.body.status).toBe('returned');
    expect(await done()).toBe(false);
  });

  it('open major nonconformities by requirement and per framework', async () => {
    const major = await api(grcToken).post(`/audits/${auditId}/findings`, {
      kind: 'major_nc',
      title: 'No key rotation',
      requirements: ['beta:B2'],
      owner: grc.id,
      due_on: '2027-01-31',
    });
    expect(major.status).toBe(201);
    const b2 = await ctx.db
      .selectFrom('requirements as r')
      .innerJoin('frameworks as f', 'f.id', 'r.framework_id')
      .select('r.id')
      .where('f.slug', '=', 'beta')
      .where('r.ref', '=', 'B2')
      .executeTakeFirstOrThrow();
    const map = await openMajorFindingsByRequirement(ctx, principalFor(viewer));
    expect(map.get(b2.id)).toEqual([{ auditId, findingId: major.body.id, ref: 'F-2', title: 'No key rotation' }]);
    expect(await openMajorFindingCounts(ctx, principalFor(viewer))).toEqual({ alpha: 0, beta: 1 });
    const cc = await buildUser(ctx, { role: 'customer_compliance' });
    expect((await openMajorFindingsByRequirement(ctx, principalFor(cc))).size).toBe(0);
    expect(await openMajorFindingCounts(ctx, principalFor(cc))).toEqual({});
  });
});
