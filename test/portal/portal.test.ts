import fs from 'node:fs';
import path from 'node:path';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignAuditor, listAssignments, removeAssignment } from '../../src/audits/assignments.service.ts';
import { createAudit } from '../../src/audits/audits.service.ts';
import { changeScope } from '../../src/audits/scope.service.ts';
import { drawIndexes } from '../../src/audits/samples.draw.ts';
import { createEvidence, fileStore, reviewEvidence } from '../../src/evidence/evidence.service.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { buildUser, loadFixtureLibrary, principalFor, tokenFor } from '../helpers/factories.ts';
import { type Browser, buildApp, signedIn, type TestApp } from '../helpers/http.ts';

// The external auditor's portal, as an auditor uses it in a browser: only the assigned audit,
// only inside the window, only what the audit holds; every view and download recorded.

let ctx: TestContext;
let t: TestApp;
let grcUser: Awaited<ReturnType<typeof buildUser>>;
let auditorUser: Awaited<ReturnType<typeof buildUser>>;
let aria: Browser;
let grc: Browser;
let auditId: number;
let otherAuditId: number;
let inScopeEvidence: number;
let outOfScopeEvidence: number;
let fileId: number;

const HOSTILE = '<img src=x onerror=alert(1)> ‮reversed‬ ' + 'W'.repeat(200);

async function evidenceWithFile(control: string, title: string, content: string): Promise<number> {
  const file = path.join(fileStore(ctx).tmpDir, `upload-${Math.random().toString(36).slice(2)}.txt`);
  fs.writeFileSync(file, content);
  const submitter = principalFor(grcUser);
  const id = await createEvidence(ctx, submitter, { title, kind: 'document', collected_at: '2026-11-01', controls: [control] }, [
    { path: file, originalName: `${control}.txt`, mediaType: 'text/plain' },
  ]);
  await reviewEvidence(ctx, principalFor(await buildUser(ctx, { role: 'grc' })), id, { decision: 'accepted' });
  return id;
}

beforeAll(async () => {
  ctx = await createTestContext({ now: '2026-11-21T10:00:00.000Z', env: { LOGIN_MAX_PER_IP: '10000', LOGIN_MAX_PER_ACCOUNT: '10000' } });
  await loadFixtureLibrary(ctx);
  t = await buildApp(ctx);
  grcUser = await buildUser(ctx, { role: 'grc', name: 'Grace GRC' });
  auditorUser = await buildUser(ctx, { role: 'auditor', name: 'Aria Auditor' });
  const grcP = principalFor(grcUser);
  auditId = await createAudit(ctx, grcP, { kind: 'surveillance', title: `Alpha surveillance ${HOSTILE}`, frameworks: ['alpha'], owner: { id: grcUser.id } });
  // 1.2 (encryption) leaves the scope: CRY-01 maps to nothing else in it, so its evidence is not the audit's.
  await changeScope(ctx, grcP, auditId, { add: [], remove: ['alpha:1.2'] });
  otherAuditId = await createAudit(ctx, grcP, { kind: 'internal', title: 'Beta internal audit', frameworks: ['beta'], owner: { id: grcUser.id } });
  await assignAuditor(ctx, grcP, auditId, { user: { id: auditorUser.id }, access_from: '2026-11-01', access_until: '2026-12-15' });
  inScopeEvidence = await evidenceWithFile('IAM-01', `Access policy ${HOSTILE}`, 'the access policy, approved');
  outOfScopeEvidence = await evidenceWithFile('CRY-01', 'KMS configuration export', 'kms config');
  fileId = (await ctx.db.selectFrom('evidence_files').select('id').where('evidence_id', '=', inScopeEvidence).executeTakeFirstOrThrow()).id;
  aria = await signedIn(t.app, auditorUser);
  grc = await signedIn(t.app, grcUser);
});
afterAll(() => ctx.cleanup());

describe('the auditor inside the window', () => {
  it('lands on their audits and sees only the assigned one', async () => {
    const home = await aria.get('/');
    expect(home.status).toBe(303);
    expect(home.headers.location).toBe('/portal');
    const portal = await aria.get('/portal');
    expect(portal.status).toBe(200);
    expect(portal.text).toContain('Alpha surveillance');
    expect(portal.text).not.toContain('Beta internal audit');
    expect(portal.text).not.toContain('<img src=x');
    expect(portal.text).toContain('&lt;img src');
  });

  it('sees the scope, the controls mapped to it and the evidence the audit holds, and nothing else', async () => {
    const page = await aria.get(`/portal/audits/${auditId}`);
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toContain('no-store');
    expect(page.text).toContain('Evidence: 1 item');
    const scope = await aria.get(`/portal/audits/${auditId}/scope`);
    expect(scope.text).toContain('Access policy');
    expect(scope.text).toContain('IAM-01');
    expect(scope.text).not.toContain('Encryption');
    const list = await aria.get(`/portal/audits/${auditId}/evidence`);
    expect(list.text).toContain('Access policy');
    expect(list.text).not.toContain('KMS configuration export');
    expect((await aria.get(`/portal/audits/${auditId}/evidence?control=CRY-01`)).text).toContain('No evidence matches these filters');
    expect((await aria.get(`/portal/audits/${auditId}/evidence?control=${'X'.repeat(40)}`)).status).toBe(422);
    expect((await aria.get(`/portal/audits/${auditId}/evidence/${inScopeEvidence}`)).status).toBe(200);
    // Evidence outside the audit does not exist for the auditor.
    expect((await aria.get(`/portal/audits/${auditId}/evidence/${outOfScopeEvidence}`)).status).toBe(404);
    const file = await aria.get(`/portal/audits/${auditId}/evidence/${inScopeEvidence}/files/${fileId}`);
    expect(file.status).toBe(200);
    expect(file.text ?? file.body.toString()).toContain('the access policy, approved');
  });

  it('is refused every other audit and every staff page, through pages and the API', async () => {
    expect((await aria.get(`/portal/audits/${otherAuditId}`)).status).toBe(403);
    for (const p of ['/audits', `/audits/${auditId}`, `/evidence/${inScopeEvidence}`, '/frameworks', '/controls', '/calendar', '/certifications', '/reports']) {
      const res = await aria.get(p);
      expect([403, 303], p).toContain(res.status);
      if (res.status === 303) expect(res.headers.location, p).toBe('/portal');
    }
    const token = await tokenFor(ctx, auditorUser);
    for (const p of [`/api/v1/audits/${auditId}`, `/api/v1/evidence/${inScopeEvidence}`, '/api/v1/coverage']) {
      expect((await supertest(t.app).get(p).set('Authorization', `Bearer ${token}`)).status, p).toBe(403);
    }
  });

  it('raises a request, records a finding with a company owner, and comments; bad input is refused and writes nothing', async () => {
    const raised = await aria.post(`/portal/audits/${auditId}/requests`, { title: 'Last access review', control: 'IAM-01', due_on: '2026-11-28', assignee: String(grcUser.id) });
    expect(raised.status).toBe(303);
    const finding = await aria.post(`/portal/audits/${auditId}/findings`, {
      kind: 'minor_nc',
      title: 'Policy review overdue',
      requirements: 'alpha:1.1',
      controls: 'IAM-01',
      owner: String(grcUser.id),
      due_on: '2027-01-31',
    });
    expect(finding.status).toBe(303);
    expect((await aria.post(`/portal/audits/${auditId}/comments`, { body: 'Fieldwork starts Monday.' })).status).toBe(303);
    const before = await ctx.db.selectFrom('findings').select('id').execute();
    const noOwner = await aria.post(`/portal/audits/${auditId}/findings`, { kind: 'minor_nc', title: 'No owner', due_on: '2027-01-31' });
    expect(noOwner.status).toBe(422);
    expect(noOwner.text).toContain('every finding needs one');
    const outside = await aria.post(`/portal/audits/${auditId}/findings`, {
      kind: 'observation',
      title: 'Out',
      requirements: 'alpha:1.2',
      owner: String(grcUser.id),
      due_on: '2027-01-31',
    });
    expect(outside.status).toBe(422);
    expect(outside.text).toContain('not in this audit');
    expect(await ctx.db.selectFrom('findings').select('id').execute()).toHaveLength(before.length);
    const page = await aria.get(`/portal/audits/${auditId}`);
    expect(page.text).toContain('Last access review');
    expect(page.text).toContain('Policy review overdue');
    expect(page.text).toContain('Fieldwork starts Monday.');
  });

  it('draws a sample whose seed is recorded, so the same draw can be shown again', async () => {
    const population = Array.from({ length: 120 }, (_, i) => `CHG-${1000 + i}`).join('\n');
    const drawn = await aria.post(`/portal/audits/${auditId}/samples`, { title: 'Change tickets 2026', population, size: '25' });
    expect(drawn.status).toBe(303);
    const sample = await ctx.db.selectFrom('samples').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(sample.sample_size).toBe(25);
    expect(JSON.parse(sample.selected)).toEqual(drawIndexes(sample.seed, 120, 25));
    expect(new Set(JSON.parse(sample.selected) as number[]).size).toBe(25);
    const shown = await aria.get(drawn.headers.location as string);
    expect(shown.text).toContain('reproduced');
    expect(shown.text).toContain(sample.seed);
    // The same population and seed draw the same items.
    const again = await aria.post(`/portal/audits/${auditId}/samples`, { title: 'Change tickets 2026 (again)', population, size: '25', seed: sample.seed });
    expect(again.status).toBe(303);
    const second = await ctx.db.selectFrom('samples').select('selected').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(second.selected).toBe(sample.selected);
    const count = (await ctx.db.selectFrom('samples').select('id').execute()).length;
    const bads: Record<string, string>[] = [
      { title: 'Too many', population: 'a\nb', size: '3' },
      { title: 'Empty', population: '\n\n', size: '1' },
      { title: 'Bad seed', population: 'a\nb', size: '1', seed: 'not a seed!' },
      { title: '', population: 'a', size: '1' },
      { title: 'Zero', population: 'a', size: '0' },
    ];
    for (const bad of bads) {
      const res = await aria.post(`/portal/audits/${auditId}/samples`, bad);
      expect(res.status, bad.title).toBe(422);
    }
    expect((await ctx.db.selectFrom('samples').select('id').execute()).length).toBe(count);
  });

  it('records every view and download, and GRC staff read them in the audit’s auditor-activity log', async () => {
    const records = await ctx.db.selectFrom('activity').select(['action', 'details']).where('actor_id', '=', auditorUser.id).execute();
    const actions = records.map((r) => r.action);
    expect(actions).toContain('portal.viewed');
    expect(actions).toContain('evidence.file_downloaded');
    expect(actions).toContain('sample.drawn');
    const log = await grc.get(`/audits/${auditId}/auditor-activity`);
    expect(log.status).toBe(200);
    // What a reader sees: the sentences without their markup (names are isolated in <bdi>).
    const seen = log.text.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');
    expect(seen).toMatch(/downloaded IAM-01\.txt from evidence “[^”]+” for IAM-01/);
    expect(seen).toContain('drew a sample of 25 from 120 for the audit');
    expect(seen).toContain('Details');
    expect((await aria.get(`/audits/${auditId}/auditor-activity`)).status).toBe(403);
  });
});

describe('when access ends', () => {
  it('the window closing ends access at once, and the portal says so', async () => {
    ctx.setNow('2026-12-16T08:00:00.000Z');
    // Weeks later the old session has expired too; the auditor signs in again.
    aria = await signedIn(t.app, auditorUser);
    const page = await aria.get(`/portal/audits/${auditId}`);
    expect(page.status).toBe(403);
    expect(page.text).toContain('ended on 2026-12-15');
    expect((await aria.get(`/portal/audits/${auditId}/evidence/${inScopeEvidence}/files/${fileId}`)).status).toBe(403);
    expect((await aria.post(`/portal/audits/${auditId}/comments`, { body: 'late' })).status).toBe(403);
    const portal = await aria.get('/portal');
    expect(portal.text).toContain('has ended');
    ctx.setNow('2026-11-21T10:00:00.000Z');
    aria = await signedIn(t.app, auditorUser);
  });

  it('removing the assignment ends access on the next request', async () => {
    expect((await aria.get(`/portal/audits/${auditId}`)).status).toBe(200);
    const [assignment] = await listAssignments(ctx, principalFor(grcUser), auditId);
    await removeAssignment(ctx, principalFor(grcUser), auditId, assignment!.id);
    expect((await aria.get(`/portal/audits/${auditId}`)).status).toBe(403);
    expect((await aria.get('/portal')).text).not.toContain('Alpha surveillance');
  });
});
