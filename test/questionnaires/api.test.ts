import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settled } from '../../src/reports/reports.service.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { buildUser, tokenFor } from '../helpers/factories.ts';
import { buildApp, type TestApp } from '../helpers/http.ts';

// The questionnaire API as a script would use it: import, correct, review, send back — and junk of
// every shape on every endpoint, against a real questionnaire: no 5xx, nothing half-written.

let ctx: TestContext;
let t: TestApp;
let token: string;
let ccId: number;
const csv = Buffer.from('Ref,Question,Text,Answer\n1,Q1,Is multi-factor authentication enforced for administrators?,\n2,Q2,Do you hold a SOC 2 Type II report?,\n');

const api = () => ({
  get: (path: string) => supertest(t.app).get(path).set('Authorization', `Bearer ${token}`),
  post: (path: string) => supertest(t.app).post(path).set('Authorization', `Bearer ${token}`),
});

const snapshot = async () => ({
  questionnaires: await ctx.db.selectFrom('questionnaires').selectAll().orderBy('id').execute(),
  answers: await ctx.db.selectFrom('questionnaire_answers').selectAll().orderBy('id').execute(),
  comments: await ctx.db.selectFrom('questionnaire_comments').selectAll().orderBy('id').execute(),
  variants: await ctx.db.selectFrom('answer_variants').selectAll().orderBy('id').execute(),
});

beforeAll(async () => {
  ctx = await createTestContext();
  t = await buildApp(ctx);
  const { loadLibraryIfEmpty } = await import('../../src/bootstrap.ts');
  await loadLibraryIfEmpty(ctx);
  const cc = await buildUser(ctx, { role: 'customer_compliance' });
  ccId = cc.id;
  token = await tokenFor(ctx, cc, 'questionnaires');
}, 120_000);
afterAll(() => ctx.cleanup());

describe('/api/v1/questionnaires', () => {
  let id: number;

  it('imports, corrects the columns, reviews, and sends the answers back', async () => {
    const created = await api().post('/api/v1/questionnaires').field('customer', 'Contoso').attach('file', csv, 'contoso.csv');
    expect(created.status, created.text).toBe(201);
    id = created.body.id;
    expect(created.headers.location).toBe(`/api/v1/questionnaires/${id}`);
    expect(created.body.layout).toMatchObject({ sheet: 'csv', headerRow: 1, question: 1 });
    const fixed = await api().post(`/api/v1/questionnaires/${id}/columns`).send({ sheet: 'csv', header_row: 1, question: 'C', answer: 'D', ref: 'A' });
    expect(fixed.status, fixed.text).toBe(200);
    expect(fixed.body.answers.map((a: { question: string }) => a.question)[0]).toContain('multi-factor');
    expect(fixed.body.answers[0]).toMatchObject({ row: 2, ref: '1', status: 'auto', assignee: null, comments: [] });
    expect(Object.keys(fixed.body.answers[0].requirements)).toContain('iso27001-2022');
    expect((await api().post(`/api/v1/questionnaires/${id}/answers/2/assign`).send({ assignee: ccId })).status).toBe(204);
    expect((await api().post(`/api/v1/questionnaires/${id}/answers/2/comments`).send({ body: 'Confirm with IAM.' })).status).toBe(201);
    expect((await api().post(`/api/v1/questionnaires/${id}/answers/3`).send({ answer: 'Yes', detail: 'Our SOC 2 Type II report is available under NDA.' })).status).toBe(204);
    const approved = await api()
      .post(`/api/v1/questionnaires/${id}/approve`)
      .send({ rows: [2, 3] });
    expect(approved.body).toEqual({ approved: [2, 3] });
    const got = await api().get(`/api/v1/questionnaires/${id}`);
    expect(got.headers['cache-control']).toBe('no-store');
    expect(got.body.answers[0]).toMatchObject({ status: 'approved', assignee: { id: ccId }, comments: [{ body: 'Confirm with IAM.' }] });
    expect(got.body.answers[1]).toMatchObject({ status: 'approved', answer: 'Yes' });
    const list = await api().get('/api/v1/questionnaires?limit=1');
    expect(list.body).toMatchObject({ total: 1, page: 1, limit: 1, items: [{ id, customer: 'Contoso', questions: 2 }] });
    const asCsv = await api().get(`/api/v1/questionnaires/${id}/download?format=csv`);
    expect(asCsv.status).toBe(200);
    expect(asCsv.text).toContain('Our SOC 2 Type II report is available under NDA.');
    expect((await api().get(`/api/v1/questionnaires/${id}/download?format=xlsx`)).status).toBe(409);
    const pack = await api().post(`/api/v1/questionnaires/${id}/pack`);
    expect(pack.status).toBe(202);
    await settled(ctx, pack.body.id);
    expect((await api().get(pack.headers.location!)).body.status).toBe('ready');
    const library = await api().get('/api/v1/answer-library?topic=access');
    expect(library.body.items.length).toBeGreaterThan(5);
    expect(library.body.items[0].file).toBeUndefined();
    const entry = await api().get(`/api/v1/answer-library/${fixed.body.answers[0].entry}`);
    expect(entry.body.learned.map((v: { question: string }) => v.question)).toContain(fixed.body.answers[0].question);
  }, 120_000);

  it('refuses junk of every shape on every endpoint with a 4xx naming the field, and writes nothing', async () => {
    const before = await snapshot();
    const NUL = 'a\u0000b';
    const junk: unknown[] = [
      null,
      1,
      'text',
      [],
      [1, 2],
      { rows: 'all' },
      { rows: [] },
      { rows: [NUL] },
      { min_confidence: 2 },
      { min_confidence: '0.5' },
      { rows: [2], min_confidence: 0.5 },
      { answer: 'Maybe', detail: 'x' },
      { answer: 'Yes', detail: NUL.repeat(3000) },
      { answer: ['Yes'], detail: {} },
      { assignee: 'me' },
      { assignee: -1 },
      { assignee: 2 ** 40 },
      { assignee: 99999 },
      { body: '' },
      { body: NUL },
      { body: 'z'.repeat(5000) },
      { sheet: NUL, header_row: 1, question: 'C' },
      { sheet: 'csv', header_row: 'one', question: 'C' },
      { sheet: 'csv', header_row: 1, question: 'ZZZ' },
      { sheet: 'csv', header_row: 1e9, question: 'C' },
      { sheet: 'x'.repeat(10_000), header_row: 1, question: 'C' },
    ];
    const endpoints = ['columns', 'answers/2', 'answers/2/assign', 'answers/2/comments', 'approve'];
    for (const path of endpoints) {
      for (const body of junk) {
        const res = await api().post(`/api/v1/questionnaires/${id}/${path}`).type('json').send(JSON.stringify(body));
        // Some junk is a valid request elsewhere (an edit body sent to /approve is refused, but a valid approve of row 2 again is fine).
        expect(res.status, `${path} ${JSON.stringify(body)?.slice(0, 80)}`).toBeLessThan(500);
        if (res.status >= 400) expect(res.body.error?.message, path).toBeTruthy();
      }
    }
    for (const path of [
      '/api/v1/questionnaires/0',
      '/api/v1/questionnaires/abc',
      `/api/v1/questionnaires/${id}/download?format=exe`,
      `/api/v1/questionnaires/${id}/download`,
      '/api/v1/answer-library/acc-01',
      `/api/v1/answer-library?topic=${encodeURIComponent(NUL)}`,
      '/api/v1/answer-library/ZZZ-99',
    ]) {
      const res = await api().get(path);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
    }
    // Imports: not multipart, no file, no customer, a NUL in the customer, junk files.
    const imports = [
      api().post('/api/v1/questionnaires').send({ customer: 'X' }),
      api().post('/api/v1/questionnaires').field('customer', 'X'),
      api().post('/api/v1/questionnaires').attach('file', csv, 'a.csv'),
      api().post('/api/v1/questionnaires').field('customer', NUL).attach('file', csv, 'a.csv'),
      api()
        .post('/api/v1/questionnaires')
        .field('customer', 'X')
        .attach('file', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), 'a.xls'),
      api().post('/api/v1/questionnaires').field('customer', 'X').attach('file', Buffer.from('PK\u0003\u0004not really a zip'), 'a.xlsx'),
      api()
        .post('/api/v1/questionnaires')
        .field('customer', 'X')
        .attach('file', Buffer.from([0xe9, 0x74, 0xe9, 0x2c, 0x0a]), 'latin1.csv'),
      api().post('/api/v1/questionnaires').field('customer', 'X').attach('file', Buffer.alloc(0), 'empty.csv'),
    ];
    for (const req of imports) {
      const res = await req;
      expect(res.status, res.text.slice(0, 200)).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
    const after = await snapshot();
    expect(after.questionnaires).toEqual(before.questionnaires);
    expect(after.comments).toEqual(before.comments);
    expect(after.variants).toEqual(before.variants);
    // Only the idempotent re-approval of rows already approved may have touched answers: nothing changed.
    expect(after.answers).toEqual(before.answers);
  }, 120_000);

  it('is closed to viewers and auditors', async () => {
    for (const role of ['viewer', 'auditor'] as const) {
      const other = await tokenFor(ctx, await buildUser(ctx, { role }), role);
      expect((await supertest(t.app).get('/api/v1/questionnaires').set('Authorization', `Bearer ${other}`)).status).toBe(403);
      expect((await supertest(t.app).get('/api/v1/answer-library').set('Authorization', `Bearer ${other}`)).status).toBe(403);
    }
  });
});
