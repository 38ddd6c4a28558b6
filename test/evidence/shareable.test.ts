import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPrincipal } from '../../src/auth/principal.ts';
import { readLibraryFiles } from '../../src/controls/library.files.ts';
import { loadLibrary } from '../../src/controls/library.load.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { postEvidenceForm } from '../helpers/evidence.ts';
import { buildUser, tokenFor } from '../helpers/factories.ts';
import { buildApp, signedIn, type Browser, type TestApp } from '../helpers/http.ts';
import { writeFixture } from '../helpers/library-fixture.ts';

// Customer-compliance staff see evidence marked shareable and nothing else (DESIGN.md, roles);
// GRC staff decide what is shareable, and every decision is recorded.

let ctx: TestContext;
let t: TestApp;
let grc: Browser;
let carlos: Browser;
let carlosToken: string;
let shared: number;
let internal: number;

const idFrom = (location: string | undefined) => Number(/\/evidence\/(\d+)/.exec(String(location))![1]);

beforeAll(async () => {
  ctx = await createTestContext({ now: '2026-11-21T10:00:00.000Z' });
  await loadLibrary(ctx, cliPrincipal, readLibraryFiles(writeFixture()), { overwrite: false });
  t = await buildApp(ctx);
  grc = await signedIn(t.app, await buildUser(ctx, { role: 'grc' }));
  const cc = await buildUser(ctx, { role: 'customer_compliance' });
  carlos = await signedIn(t.app, cc);
  carlosToken = await tokenFor(ctx, cc);
  const base = { kind: 'document', collected_at: '2026-11-01', controls: 'IAM-01' };
  shared = idFrom(
    (await postEvidenceForm(grc, '/evidence', { ...base, title: 'Access control policy', shareable: 'yes' }, [{ name: 'policy.txt', content: 'the policy' }])).headers.location,
  );
  internal = idFrom(
    (await postEvidenceForm(grc, '/evidence', { ...base, title: 'Internal pentest findings' }, [{ name: 'findings.txt', content: 'secret findings' }])).headers.location,
  );
});
afterAll(() => ctx.cleanup());

const api = (path: string) => supertest(t.app).get(path).set('Authorization', `Bearer ${carlosToken}`);
const fileIdOf = async (id: number) => (await ctx.db.selectFrom('evidence_files').select('id').where('evidence_id', '=', id).executeTakeFirstOrThrow()).id;

describe('shareable evidence', () => {
  it('records the choice made on the form', async () => {
    const rows = await ctx.db.selectFrom('evidence').select(['id', 'shareable']).orderBy('id').execute();
    expect(rows).toEqual([
      { id: shared, shareable: 1 },
      { id: internal, shareable: 0 },
    ]);
    const event = await ctx.db.selectFrom('activity').selectAll().where('action', '=', 'evidence.submitted').where('subject_id', '=', String(shared)).executeTakeFirstOrThrow();
    expect(JSON.parse(event.details)).toMatchObject({ shareable: true });
  });

  it('a customer-compliance user sees and downloads a shareable item in pages, and is refused an internal one', async () => {
    const list = await carlos.get('/evidence');
    expect(list.status).toBe(200);
    expect(list.text).toContain('Access control policy');
    expect(list.text).not.toContain('Internal pentest findings');
    expect((await carlos.get(`/evidence/${shared}`)).status).toBe(200);
    const download = await carlos.get(`/evidence/${shared}/files/${await fileIdOf(shared)}`);
    expect(download.status).toBe(200);
    expect(download.text).toBe('the policy');
    expect((await carlos.get(`/evidence/${internal}`)).status).toBe(403);
    expect((await carlos.get(`/evidence/${internal}/files/${await fileIdOf(internal)}`)).status).toBe(403);
    // A download is recorded with who made it.
    const recorded = await ctx.db.selectFrom('activity').selectAll().where('action', '=', 'evidence.file_downloaded').execute();
    expect(recorded).toHaveLength(1);
  });

  it('the same through the API', async () => {
    const list = await api('/api/v1/evidence');
    expect(list.status).toBe(200);
    expect(list.body.items.map((e: { id: number }) => e.id)).toEqual([shared]);
    expect(list.body.total).toBe(1);
    expect((await api(`/api/v1/evidence/${shared}`)).body).toMatchObject({ title: 'Access control policy', shareable: true });
    expect((await api(`/api/v1/evidence/${shared}/files/${await fileIdOf(shared)}`)).status).toBe(200);
    const refused = await api(`/api/v1/evidence/${internal}`);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('not marked shareable');
    expect((await api(`/api/v1/evidence/${internal}/files/${await fileIdOf(internal)}`)).status).toBe(403);
    expect((await api(`/api/v1/evidence/${internal}/versions`)).status).toBe(403);
  });

  it('customer-compliance staff cannot log, review or change sharing; GRC staff can, and it is recorded', async () => {
    expect((await carlos.post(`/evidence/${internal}/shareable`, { shareable: 'yes' })).status).toBe(403);
    expect((await carlos.post(`/evidence/${internal}/review`, { decision: 'accepted' })).status).toBe(403);
    const made = await grc.post(`/evidence/${internal}/shareable`, { shareable: 'yes' });
    expect(made.status).toBe(303);
    const event = await ctx.db.selectFrom('activity').selectAll().where('action', '=', 'evidence.shareability_changed').executeTakeFirstOrThrow();
    expect(event).toMatchObject({ subject_id: String(internal), details: '{"shareable":true}' });
    expect((await carlos.get(`/evidence/${internal}`)).status).toBe(200);
    // Back to internal: access ends at once.
    expect((await grc.post(`/evidence/${internal}/shareable`, { shareable: 'no' })).status).toBe(303);
    expect((await carlos.get(`/evidence/${internal}`)).status).toBe(403);
    // A refused value changes nothing.
    expect((await grc.post(`/evidence/${internal}/shareable`, { shareable: 'maybe' })).status).toBe(422);
  });

  it('a new version keeps its predecessor’s sharing unless the form says otherwise', async () => {
    const page = await grc.get(`/evidence/${shared}/new-version`);
    expect(page.text).toMatch(/id="shareable"[^>]*checked/);
    const v2 = await postEvidenceForm(
      grc,
      `/evidence/${shared}/versions`,
      { title: 'Access control policy v2', kind: 'document', collected_at: '2026-11-10', controls: 'IAM-01' },
      [{ name: 'p2.txt', content: 'v2' }],
    );
    expect(v2.status).toBe(303);
    const row = await ctx.db.selectFrom('evidence').select('shareable').where('id', '=', idFrom(v2.headers.location)).executeTakeFirstOrThrow();
    expect(row.shareable).toBe(1);
  });
});
