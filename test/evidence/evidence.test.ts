import fs from 'node:fs';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/activity/activity.service.ts';
import { cliPrincipal } from '../../src/auth/principal.ts';
import { readLibraryFiles } from '../../src/controls/library.files.ts';
import { loadLibrary } from '../../src/controls/library.load.ts';
import { computeCoverage } from '../../src/coverage/coverage.service.ts';
import { fileStore } from '../../src/evidence/evidence.service.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { postEvidenceForm } from '../helpers/evidence.ts';
import { buildUser, tokenFor } from '../helpers/factories.ts';
import { buildApp, signedIn, type Browser, type TestApp } from '../helpers/http.ts';
import { writeFixture } from '../helpers/library-fixture.ts';

let ctx: TestContext;
let t: TestApp;
let alice: Browser;
let bob: Browser;

beforeAll(async () => {
  ctx = await createTestContext({ now: '2026-11-21T10:00:00.000Z', env: { UPLOAD_MAX_MB: '0.01' } });
  await loadLibrary(ctx, cliPrincipal, readLibraryFiles(writeFixture()), { overwrite: false });
  t = await buildApp(ctx);
  alice = await signedIn(t.app, await buildUser(ctx, { role: 'grc', email: 'alice@example.test' }));
  bob = await signedIn(t.app, await buildUser(ctx, { role: 'grc', email: 'bob@example.test' }));
});
afterAll(() => ctx.cleanup());

const statusOf = async (framework: string, ref: string, asOf?: string) => {
  const report = await computeCoverage(ctx, cliPrincipal, { framework, asOf, detail: true });
  return report.frameworks[0]!.requirements!.find((r) => r.ref === ref)!.status;
};
const evidenceCount = async () => (await ctx.db.selectFrom('evidence').select('id').execute()).length;
const idFrom = (location: string) => Number(/\/evidence\/(\d+)/.exec(location)![1]);

describe('logging evidence and watching coverage', () => {
  let evidenceId: number;

  it('a GRC user logs evidence with a file; it is submitted and changes nothing yet', async () => {
    expect(await statusOf('alpha', '1.2')).toBe('gap');
    const res = await postEvidenceForm(
      alice,
      '/evidence',
      { title: 'KMS encryption config export', kind: 'export', collected_at: '2026-11-01', controls: 'CRY-01', description: 'Exported from the KMS console' },
      [{ name: '../../kms config.json', content: '{"keys": 12}' }],
    );
    expect(res.status).toBe(303);
    evidenceId = idFrom(res.headers.location!);
    const row = await ctx.db.selectFrom('evidence').selectAll().where('id', '=', evidenceId).executeTakeFirstOrThrow();
    // CRY-01 is continuous: one month of validity by default.
    expect(row).toMatchObject({ status: 'submitted', valid_until: '2026-11-30', lineage_id: evidenceId, version: 1 });
    const file = await ctx.db.selectFrom('evidence_files').selectAll().where('evidence_id', '=', evidenceId).executeTakeFirstOrThrow();
    expect(file.filename).toBe('kms config.json');
    expect(fs.readFileSync(fileStore(ctx).pathOf(file.sha256), 'utf8')).toBe('{"keys": 12}');
    expect(await statusOf('alpha', '1.2')).toBe('gap');
  });

  it('the submitter cannot accept their own evidence', async () => {
    const page = await alice.get(`/evidence/${evidenceId}`);
    expect(page.text).toContain('someone else must accept or reject it');
    const res = await alice.post(`/evidence/${evidenceId}/review`, { decision: 'accepted' });
    expect(res.status).toBe(403);
    expect((await ctx.db.selectFrom('evidence').select('status').where('id', '=', evidenceId).executeTakeFirstOrThrow()).status).toBe('submitted');
  });

  it('a second user accepts it, and the requirement turns met in every framework the control maps to', async () => {
    const res = await bob.post(`/evidence/${evidenceId}/review`, { decision: 'accepted', comment: 'Matches the KMS inventory' });
    expect(res.status).toBe(303);
    expect(await statusOf('alpha', '1.2')).toBe('met');
    expect(await statusOf('beta', 'B2')).toBe('met');
    const reason = (await computeCoverage(ctx, cliPrincipal, { framework: 'alpha', detail: true })).frameworks[0]!.requirements!.find((r) => r.ref === '1.2')!.reason;
    expect(reason).toBe('Met by CRY-01 (equal).');
    const dashboard = await bob.get('/');
    expect(dashboard.text).toContain('<svg');
    expect(dashboard.text).toMatch(/Alpha Standard: 1 met/);
  });

  it('moving the date back shows it as it was', async () => {
    expect(await statusOf('alpha', '1.2', '2026-10-31')).toBe('gap');
    expect(await statusOf('alpha', '1.2', '2026-11-30')).toBe('met');
    expect(await statusOf('alpha', '1.2', '2026-12-01')).toBe('gap');
    const page = await bob.get('/coverage/alpha?as_of=2026-10-31');
    expect(page.status).toBe(200);
    expect(page.text).toContain('CRY-01: no accepted evidence for this date');
  });

  it('a second review is refused as a conflict', async () => {
    const res = await bob.post(`/evidence/${evidenceId}/review`, { decision: 'rejected', comment: 'late' });
    expect(res.status).toBe(409);
  });

  it('downloads send the file as an attachment and are recorded', async () => {
    const file = await ctx.db.selectFrom('evidence_files').selectAll().where('evidence_id', '=', evidenceId).executeTakeFirstOrThrow();
    const res = await bob.get(`/evidence/${evidenceId}/files/${file.id}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toContain('attachment; filename="kms config.json"');
    expect(res.headers['content-type']).toContain('application/json');
    expect(res.text ?? res.body.toString()).toContain('"keys"');
    const event = await ctx.db.selectFrom('activity').selectAll().where('action', '=', 'evidence.file_downloaded').executeTakeFirstOrThrow();
    expect(JSON.parse(event.details)).toMatchObject({ file_id: file.id, sha256: file.sha256 });
  });

  it('a file altered on disk is detected on download, refused, logged and recorded', async () => {
    const file = await ctx.db.selectFrom('evidence_files').selectAll().where('evidence_id', '=', evidenceId).executeTakeFirstOrThrow();
    const stored = fileStore(ctx).pathOf(file.sha256);
    fs.writeFileSync(stored, '{"keys": 13}');
    const res = await bob.get(`/evidence/${evidenceId}/files/${file.id}`);
    expect(res.status).toBe(500);
    expect(res.text).toContain('no longer matches its fingerprint');
    expect(res.text).not.toContain('"keys": 13');
    const event = await ctx.db.selectFrom('activity').selectAll().where('action', '=', 'evidence.file_integrity_failed').executeTakeFirstOrThrow();
    expect(JSON.parse(event.details)).toMatchObject({ reason: 'mismatch', sha256: file.sha256 });
    fs.writeFileSync(stored, '{"keys": 12}');
  });

  it('a new version supersedes the old one; the history stays; only the current version counts', async () => {
    const res = await postEvidenceForm(
      alice,
      `/evidence/${evidenceId}/versions`,
      { title: 'KMS encryption config export (corrected)', kind: 'export', collected_at: '2026-11-02', controls: 'CRY-01' },
      [{ name: 'kms.json', content: '{"keys": 14}' }],
    );
    expect(res.status).toBe(303);
    const newId = idFrom(res.headers.location!);
    const old = await ctx.db.selectFrom('evidence').selectAll().where('id', '=', evidenceId).executeTakeFirstOrThrow();
    expect(old).toMatchObject({ superseded_by_id: newId, status: 'accepted', title: 'KMS encryption config export' });
    const page = await bob.get(`/evidence/${newId}`);
    expect(page.text).toContain('Version 1');
    expect(page.text).toContain('Version 2');
    // The new version awaits review, and the superseded one no longer counts.
    expect(await statusOf('alpha', '1.2')).toBe('gap');
    const again = await postEvidenceForm(alice, `/evidence/${evidenceId}/versions`, {
      title: 'x',
      kind: 'export',
      collected_at: '2026-11-02',
      controls: 'CRY-01',
      link_url: 'https://example.test/x',
    });
    expect(again.status).toBe(422);
    expect(again.text).toContain('already has a newer version');
    await bob.post(`/evidence/${newId}/review`, { decision: 'accepted' });
    expect(await statusOf('alpha', '1.2')).toBe('met');
  });

  it('rejecting needs a comment', async () => {
    const res = await postEvidenceForm(alice, '/evidence', {
      title: 'Access policy',
      kind: 'link',
      collected_at: '2026-11-10',
      controls: 'IAM-01',
      link_url: 'https://wiki.example.test/policy',
    });
    const id = idFrom(res.headers.location!);
    const noComment = await bob.post(`/evidence/${id}/review`, { decision: 'rejected' });
    expect(noComment.status).toBe(422);
    expect(noComment.text).toContain('Say why the evidence is rejected.');
    const ok = await bob.post(`/evidence/${id}/review`, { decision: 'rejected', comment: 'Draft, not the approved version' });
    expect(ok.status).toBe(303);
    expect(await statusOf('alpha', '1.1')).toBe('gap');
  });

  it('the activity chain stays intact through all of it', async () => {
    expect((await verifyChain(ctx.db)).ok).toBe(true);
  });
});

describe('bad evidence input changes nothing', () => {
  const valid = { title: 'Evidence', kind: 'document', collected_at: '2026-11-01', controls: 'CRY-02' };
  const cases: [string, Record<string, string>, { name: string; content: string }[], number, string][] = [
    ['missing title', { ...valid, title: '' }, [{ name: 'a.txt', content: 'x' }], 422, 'Enter a title.'],
    ['dates backwards', { ...valid, valid_until: '2026-10-01' }, [{ name: 'a.txt', content: 'x' }], 422, 'Valid until must be on or after the collection date.'],
    ['unknown control', { ...valid, controls: 'CRY-02, ZZZ-99' }, [{ name: 'a.txt', content: 'x' }], 422, 'Unknown or retired control: ZZZ-99.'],
    ['no file and no link', valid, [], 422, 'Attach at least one file or give a link.'],
    ['empty file', valid, [{ name: 'empty.pdf', content: '' }], 422, 'The file &quot;empty.pdf&quot; is empty.'],
    ['oversized file', valid, [{ name: 'big.bin', content: 'x'.repeat(20_000) }], 413, 'Files may be at most'],
    ['future date', { ...valid, collected_at: '2026-12-25' }, [{ name: 'a.txt', content: 'x' }], 422, 'cannot be in the future'],
    ['not a date', { ...valid, collected_at: '2026-02-30' }, [{ name: 'a.txt', content: 'x' }], 422, 'not a real date'],
    ['bad link', { ...valid, kind: 'link', link_url: 'javascript:alert(1)' }, [], 422, 'Links must start with http'],
  ];
  for (const [name, fields, files, status, message] of cases) {
    it(`${name}: ${status} with the reason`, async () => {
      const before = await evidenceCount();
      const tmpBefore = fs.readdirSync(fileStore(ctx).tmpDir).length;
      const res = await postEvidenceForm(alice, '/evidence', fields, files);
      expect(res.status).toBe(status);
      expect(res.text).toContain(message);
      expect(await evidenceCount()).toBe(before);
      expect(fs.readdirSync(fileStore(ctx).tmpDir).length).toBe(tmpBefore);
    });
  }

  it('reports every problem at once: unknown control, future date and nothing attached', async () => {
    const before = await evidenceCount();
    const res = await postEvidenceForm(alice, '/evidence', { ...valid, controls: 'ZZZ-99', collected_at: '2027-01-01' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Unknown or retired control: ZZZ-99.');
    expect(res.text).toContain('The collection date cannot be in the future.');
    expect(res.text).toContain('Attach at least one file or give a link.');
    expect(await evidenceCount()).toBe(before);
  });

  it('a form without its CSRF token is refused', async () => {
    const res = await alice.agent
      .post('/evidence')
      .field('title', 'x')
      .field('kind', 'document')
      .field('collected_at', '2026-11-01')
      .field('controls', 'CRY-02')
      .attach('files', Buffer.from('x'), 'a.txt');
    expect(res.status).toBe(403);
  });
});

describe('evidence API', () => {
  it('creates evidence with files (multipart) and with a link (JSON), lists, reviews and reports coverage', async () => {
    const carol = await buildUser(ctx, { role: 'grc', email: 'carol@example.test' });
    const dave = await buildUser(ctx, { role: 'grc', email: 'dave@example.test' });
    const carolToken = await tokenFor(ctx, carol, 'ci');
    const daveToken = await tokenFor(ctx, dave, 'ci');
    const multipart = await supertest(t.app)
      .post('/api/v1/evidence')
      .set('Authorization', `Bearer ${carolToken}`)
      .field('title', 'Nightly key rotation check')
      .field('kind', 'automated_check')
      .field('collected_at', '2026-11-20')
      .field('controls', 'CRY-02')
      .attach('files', Buffer.from('rotation ok'), 'rotation.log');
    expect(multipart.status).toBe(201);
    expect(multipart.body).toMatchObject({ status: 'submitted', controls: [{ ref: 'CRY-02' }], files: [{ filename: 'rotation.log' }] });
    const json = await supertest(t.app)
      .post('/api/v1/evidence')
      .set('Authorization', `Bearer ${carolToken}`)
      .send({ title: 'Policy link', kind: 'link', collected_at: '2026-11-20', controls: ['IAM-01'], link_url: 'https://wiki.example.test/p' });
    expect(json.status).toBe(201);
    const bad = await supertest(t.app).post('/api/v1/evidence').set('Authorization', `Bearer ${carolToken}`).send({ title: '', kind: 'nope', collected_at: 'x', controls: [] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { field: string }) => f.field)).toEqual(expect.arrayContaining(['title', 'kind', 'collected_at', 'controls']));
    const self = await supertest(t.app).post(`/api/v1/evidence/${json.body.id}/review`).set('Authorization', `Bearer ${carolToken}`).send({ decision: 'accepted' });
    expect(self.status).toBe(403);
    const review = await supertest(t.app).post(`/api/v1/evidence/${json.body.id}/review`).set('Authorization', `Bearer ${daveToken}`).send({ decision: 'accepted' });
    expect(review.status).toBe(200);
    expect(review.body.status).toBe('accepted');
    const list = await supertest(t.app).get('/api/v1/evidence?control=IAM-01').set('Authorization', `Bearer ${daveToken}`);
    expect(list.body.items.map((e: { id: number }) => e.id)).toContain(json.body.id);
    const coverage = await supertest(t.app).get('/api/v1/coverage?framework=alpha&as_of=2026-11-21&detail=true').set('Authorization', `Bearer ${daveToken}`);
    expect(coverage.body.frameworks[0].requirements.find((r: { ref: string }) => r.ref === '1.1').status).toBe('met');
    const badDate = await supertest(t.app).get('/api/v1/coverage?as_of=2026-13-01').set('Authorization', `Bearer ${daveToken}`);
    expect(badDate.status).toBe(400);
    expect(badDate.body.error.fields[0].field).toBe('as_of');
  });
});
