import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settled } from '../../src/reports/reports.service.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { buildEvidence, buildUser } from '../helpers/factories.ts';
import { type Browser, buildApp, csrfFrom, signedIn, type TestApp } from '../helpers/http.ts';

// Customer-compliance staff in a browser: upload a customer's workbook, see what was found and
// the answers, download their workbook filled in, and build the PDF answer pack.

let ctx: TestContext;
let t: TestApp;
let cc: Browser;
let workbook: Buffer;

async function upload(browser: Browser, fields: Record<string, string>, file?: { name: string; content: Buffer }) {
  const page = await browser.get('/questionnaires');
  const token = /action="\/questionnaires\?_csrf=([^"]+)"/.exec(page.text)?.[1] ?? csrfFrom(page.text);
  let req = browser.agent.post(`/questionnaires?_csrf=${token}`);
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  if (file) req = req.attach('file', file.content, file.name);
  return req;
}

const count = async () =>
  Number(
    (
      await ctx.db
        .selectFrom('questionnaires')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

beforeAll(async () => {
  ctx = await createTestContext({ env: { LOGIN_MAX_PER_IP: '10000', LOGIN_MAX_PER_ACCOUNT: '10000' } });
  t = await buildApp(ctx);
  // The shipped library, as a fresh install has it.
  const { loadLibraryIfEmpty } = await import('../../src/bootstrap.ts');
  await loadLibraryIfEmpty(ctx);
  cc = await signedIn(t.app, await buildUser(ctx, { role: 'customer_compliance' }));
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Vendor questions');
  ws.getCell('A1').value = 'Fabrikam — vendor security review';
  ws.getRow(2).values = ['#', 'Question', 'Response', 'Notes'];
  ws.getRow(3).values = ['1', 'Do you require multi-factor authentication for administrators?'];
  ws.getRow(4).values = ['2', 'Do you hold a SOC 2 Type II report?'];
  ws.getRow(5).values = ['3', 'Which football team does your CEO support?'];
  workbook = Buffer.from(await wb.xlsx.writeBuffer());
}, 120_000);
afterAll(() => ctx.cleanup());

describe('questionnaires in the browser', () => {
  it('uploads a workbook, shows what was found and the answers, and sends their workbook back filled in', async () => {
    const res = await upload(cc, { customer: 'Fabrikam <Ltd>' }, { name: 'fabrikam.xlsx', content: workbook });
    expect(res.status).toBe(303);
    const id = Number(/\/questionnaires\/(\d+)$/.exec(res.headers.location ?? '')?.[1]);
    const page = await cc.get(`/questionnaires/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Fabrikam &lt;Ltd&gt;');
    expect(page.text).toContain('"<bdi>Question</bdi>"');
    expect(page.text).toContain('No good match');
    expect((await cc.get(`/questionnaires/${id}?show=unanswered`)).text).toContain('football');
    const filled = await cc
      .get(`/questionnaires/${id}/download?format=xlsx`)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(filled.status).toBe(200);
    const back = new ExcelJS.Workbook();
    await back.xlsx.load(filled.body as unknown as ArrayBuffer);
    const ws = back.getWorksheet('Vendor questions')!;
    expect(ws.getCell('A1').value).toBe('Fabrikam — vendor security review');
    expect(['Yes', 'To confirm']).toContain(ws.getCell('C3').value);
    expect(ws.getCell('C5').value).toBeNull();
    const csv = await cc.get(`/questionnaires/${id}/download?format=csv`);
    expect(csv.text.split('\n')[0]).toBe('row,ref,question,answer,detail,confidence,entry,stale,controls,requirements');
    expect((await cc.get(`/questionnaires/${id}/download?format=exe`)).status).toBe(422);
    const trail = await ctx.db.selectFrom('activity').select('action').where('subject_type', '=', 'questionnaire').execute();
    expect(trail.map((r) => r.action)).toEqual(['questionnaire.imported']);
  }, 120_000);

  it('builds the PDF answer pack as a report customer-compliance staff may open, with an appendix of the shareable evidence behind the answers', async () => {
    const id = (await ctx.db.selectFrom('questionnaires').select('id').executeTakeFirstOrThrow()).id;
    // A reviewer vouches for the MFA answer (so it goes out as true); one of its controls has a
    // shareable accepted item and an internal one: only the shareable one may reach the customer.
    const mfa = await ctx.db.selectFrom('questionnaire_answers').select(['result']).where('questionnaire_id', '=', id).where('row_number', '=', 3).executeTakeFirstOrThrow();
    const control = (JSON.parse(mfa.result) as { controls: string[] }).controls[0]!;
    expect((await cc.post(`/questionnaires/${id}/answers/3`, { answer: 'Yes', detail: 'MFA is enforced for every administrator.' })).status).toBe(303);
    await buildEvidence(ctx, { title: 'MFA enforcement report Q4', controls: [control], shareable: true, review: 'accepted' });
    await buildEvidence(ctx, { title: 'Internal IdP export', controls: [control], shareable: false, review: 'accepted' });
    await buildEvidence(ctx, { title: 'Shareable but waiting for review', controls: [control], shareable: true });
    const built = await cc.post(`/questionnaires/${id}/pack`);
    expect(built.status).toBe(303);
    const reportId = Number(/\/reports\/(\d+)$/.exec(built.headers.location ?? '')?.[1]);
    await settled(ctx, reportId);
    const page = await cc.get(`/reports/${reportId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Security questionnaire answers for Fabrikam');
    const fileHref = /href="(\/reports\/\d+\/files\/\d+)"/.exec(page.text)?.[1];
    const pdf = await cc
      .get(fileHref!)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(pdf.status).toBe(200);
    const file = path.join(ctx.config.dataDir, 'pack.pdf');
    fs.writeFileSync(file, pdf.body as Buffer);
    const text = spawnSync('pdftotext', [file, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, ' ');
    expect(text).toContain('Appendix: evidence behind these answers');
    expect(text).toContain('MFA enforcement report Q4');
    expect(text).toContain('Evidence: E1');
    expect(text).not.toContain('Internal IdP export');
    expect(text).not.toContain('waiting for review');
  }, 120_000);

  it('refuses what is not a questionnaire, or a missing customer, saying why, and saves nothing', async () => {
    const before = await count();
    const text = await upload(cc, { customer: 'X' }, { name: 'notes.txt', content: Buffer.from('hello\nworld\n') });
    expect(text.status).toBe(422);
    expect(text.text).toContain('header row');
    const xls = await upload(cc, { customer: 'X' }, { name: 'old.xls', content: Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0]) });
    expect(xls.status).toBe(422);
    expect(xls.text).toContain('.xlsx');
    const noCustomer = await upload(cc, { customer: '' }, { name: 'fabrikam.xlsx', content: workbook });
    expect(noCustomer.status).toBe(422);
    expect(noCustomer.text).toContain('Name the customer');
    const noFile = await upload(cc, { customer: 'X' });
    expect(noFile.status).toBe(422);
    // An empty sheet, a 50,000-row sheet (xlsx and CSV), a CSV in Windows-1252: each says why.
    const empty = new ExcelJS.Workbook();
    empty.addWorksheet('Sheet1');
    const huge = new ExcelJS.Workbook();
    const hs = huge.addWorksheet('Questions');
    hs.getRow(1).values = ['Question', 'Answer'];
    for (let r = 2; r <= 50_001; r += 1) hs.getRow(r).values = [`Question ${r}?`];
    const hugeCsv = Buffer.from(['Question,Answer', ...Array.from({ length: 50_000 }, (_, i) => `Question ${i}?,`)].join('\n'));
    const cp1252 = Buffer.concat([Buffer.from('Question,Answer\nDo you support r'), Buffer.from([0xe9]), Buffer.from('sum'), Buffer.from([0xe9]), Buffer.from(' uploads?,\n')]);
    for (const [name, content, reason] of [
      ['empty.xlsx', Buffer.from(await empty.xlsx.writeBuffer()), 'header row'],
      ['huge.xlsx', Buffer.from(await huge.xlsx.writeBuffer()), 'at most 20000'],
      ['huge.csv', hugeCsv, 'at most 20000'],
      ['latin.csv', cp1252, 'not UTF-8'],
    ] as const) {
      const res = await upload(cc, { customer: 'X' }, { name, content });
      expect(res.status, name).toBe(422);
      expect(res.text, name).toContain(reason);
    }
    expect(await count()).toBe(before);
    const viewer = await signedIn(t.app, await buildUser(ctx, { role: 'viewer' }));
    expect((await viewer.get('/questionnaires')).status).toBe(403);
  }, 120_000);

  it('reviewers edit an answer (recorded, sent as edited), approve one, and approve in bulk only current matched answers', async () => {
    const id = (await ctx.db.selectFrom('questionnaires').select('id').orderBy('id').executeTakeFirstOrThrow()).id;
    const rows = async () =>
      ctx.db.selectFrom('questionnaire_answers').select(['row_number', 'status', 'answer', 'stale']).where('questionnaire_id', '=', id).orderBy('row_number').execute();
    // Row 5 had no match: it cannot be approved until someone answers it.
    expect((await cc.post(`/questionnaires/${id}/answers/5/approve`)).status).toBe(409);
    const bad = await cc.post(`/questionnaires/${id}/answers/5`, { answer: 'Maybe', detail: 'x' });
    expect(bad.status).toBe(422);
    expect((await rows()).find((r) => r.row_number === 5)!.status).toBe('auto');
    expect((await cc.post(`/questionnaires/${id}/answers/5`, { answer: 'N/A', detail: 'We do not share personal details of our staff.' })).status).toBe(303);
    expect((await rows()).find((r) => r.row_number === 5)).toMatchObject({ status: 'edited', answer: 'N/A', stale: 0 });
    const edited = await ctx.db.selectFrom('activity').select('details').where('action', '=', 'questionnaire.answer_edited').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(JSON.parse(edited.details).before).toMatchObject({ answer: null, status: 'auto' });
    const bulk = await cc.post(`/questionnaires/${id}/approve`, { min_confidence: '0' });
    expect(bulk.status).toBe(303);
    const after = await rows();
    // Stale answers stay unapproved; the edited row is current and approved with the rest.
    for (const r of after) expect(r.status === 'approved', `row ${r.row_number}`).toBe(r.stale === 0 && r.answer !== null);
    expect((await cc.post(`/questionnaires/${id}/approve`, { min_confidence: '101' })).status).toBe(422);
    expect((await cc.post(`/questionnaires/999999/approve`, { min_confidence: '50' })).status).toBe(404);
  }, 120_000);
});
