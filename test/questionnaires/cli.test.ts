import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';

// The shipped answer library checks clean, and a fresh install answers a customer's questionnaire
// from it at once, through the real CLI.

let ctx: TestContext;
let dir: string;

beforeAll(async () => {
  ctx = await createTestContext();
  dir = ctx.config.dataDir;
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Security');
  ws.getCell('A1').value = 'Supplier due diligence — information security';
  ws.getRow(3).values = ['No.', 'Question', 'Answer', 'Comments'];
  ws.getRow(4).values = ['1', 'Is two-factor authentication enforced for your employees and administrators?'];
  ws.getRow(5).values = ['2', 'Is customer data encrypted at rest, and can we bring our own keys?'];
  ws.getRow(6).values = ['3', 'Can you share your most recent SOC 2 Type II report?'];
  ws.getRow(7).values = ['4', 'Are you certified to ISO/IEC 27017?'];
  ws.getRow(8).values = ['5', 'What colour is the reception carpet in your head office?'];
  await wb.xlsx.writeFile(path.join(dir, 'customer.xlsx'));
}, 60_000);
afterAll(() => ctx.cleanup());

describe('the shipped answer library', () => {
  it('passes attest answers check with at least 150 entries', () => {
    const res = runCli(['answers', 'check'], ctx.childEnv);
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    const count = Number(/(\d+) entries/.exec(res.stdout)?.[1]);
    expect(count).toBeGreaterThanOrEqual(150);
  });

  it('answers a questionnaire on a fresh install, as JSON with requirements per framework, and says when nothing matches', () => {
    const out = path.join(dir, 'answers.json');
    const res = runCli(['questionnaire', 'answer', path.join(dir, 'customer.xlsx'), '--format', 'json', '--out', out, '--customer', 'Northwind'], ctx.childEnv);
    expect(res.status, res.stderr).toBe(0);
    expect(res.stderr).toContain('Found 5 questions on sheet "Security", header row 3');
    const answers = JSON.parse(fs.readFileSync(out, 'utf8')) as {
      row: number;
      answer: string | null;
      entry: string | null;
      controls: string[];
      requirements: Record<string, string[]>;
      confidence: number;
    }[];
    expect(answers.map((a) => a.row)).toEqual([4, 5, 6, 7, 8]);
    const [mfa, crypto, soc2, iso27017, carpet] = answers;
    expect(mfa!.answer).toBe('Yes');
    expect(mfa!.controls.length).toBeGreaterThan(0);
    expect(Object.keys(mfa!.requirements)).toContain('iso27001-2022');
    expect(crypto!.entry).not.toBeNull();
    expect(soc2!.answer).toBe('Yes');
    expect(iso27017!.answer).toBe('No');
    expect(carpet).toMatchObject({ entry: null, answer: null });
    const csv = runCli(['questionnaire', 'answer', path.join(dir, 'customer.xlsx'), '--format', 'csv'], ctx.childEnv);
    expect(csv.status).toBe(0);
    expect(csv.stdout.split('\n')[0]).toBe('row,ref,question,answer,detail,confidence,entry,stale,controls,requirements');
  }, 180_000);

  it('refuses a file that is not a questionnaire, and a missing one, with a clear message', () => {
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'just some notes\nnothing tabular\n');
    const bad = runCli(['questionnaire', 'answer', path.join(dir, 'notes.txt')], ctx.childEnv);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('header row');
    const missing = runCli(['questionnaire', 'answer', path.join(dir, 'nope.xlsx')], ctx.childEnv);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('no such file');
  }, 120_000);
});

describe('the answer pack', () => {
  it('writes a recorded PDF answer pack for the customer, with the answers and the certifications of the day', async () => {
    const out = path.join(dir, 'answers.pdf');
    const res = runCli(['questionnaire', 'answer', path.join(dir, 'customer.xlsx'), '--format', 'pdf', '--customer', 'Northwind <Health>', '--out', out], ctx.childEnv);
    expect(res.status, res.stderr).toBe(0);
    const { spawnSync } = await import('node:child_process');
    expect(spawnSync('qpdf', ['--check', out], { encoding: 'utf8' }).status).toBe(0);
    const text = spawnSync('pdftotext', [out, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, ' ');
    expect(text).toContain('Security questionnaire answers for Northwind <Health>');
    expect(text).toContain('Is two-factor authentication enforced');
    expect(text).toContain('Not answered');
    const report = await ctx.db.selectFrom('reports').selectAll().where('kind', '=', 'answers').executeTakeFirstOrThrow();
    expect(report.status).toBe('ready');
    expect(runCli(['report', 'verify', out], ctx.childEnv).status).toBe(0);
    const noCustomer = runCli(['questionnaire', 'answer', path.join(dir, 'customer.xlsx'), '--format', 'pdf', '--out', out], ctx.childEnv);
    expect(noCustomer.status).toBe(2);
    expect(noCustomer.stderr).toContain('--customer');
  }, 180_000);
});

describe('the customer’s own workbook, filled in', () => {
  it('writes answers and comments only into their cells and keeps every sheet, merge, validation, width, fill, frozen pane, filter and formula', async () => {
    const wb = new ExcelJS.Workbook();
    const cover = wb.addWorksheet('Read me');
    cover.getCell('A1').value = 'Instructions: answer every question.';
    const ws = wb.addWorksheet('Assessment', { views: [{ state: 'frozen', ySplit: 3 }], pageSetup: { orientation: 'landscape', fitToPage: true } });
    ws.getCell('A1').value = 'Cloud vendor assessment';
    ws.mergeCells('A1:D1');
    ws.getCell('A1').fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF1F4E79' } };
    ws.getRow(3).values = ['Ref', 'Question', 'Answer', 'Comments'];
    ws.getRow(4).values = ['A1', 'Do you enforce MFA for all staff access to production?'];
    ws.getRow(5).values = ['A2', 'What colour is the reception carpet in your head office?'];
    ws.getRow(6).values = ['A3', 'Do you hold a SOC 2 Type II report?'];
    ws.getCell('E4').value = { formula: 'LEN(B4)', result: 52 };
    ws.columns = [{ width: 8 }, { width: 60 }, { width: 14 }, { width: 50 }];
    ws.autoFilter = 'A3:D6';
    for (const r of [4, 5, 6]) ws.getCell(`C${r}`).dataValidation = { type: 'list', allowBlank: true, formulae: ['"Yes,No,Partial,N/A"'] };
    ws.getCell('C4').fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF2CC' } };
    const original = path.join(dir, 'assessment.xlsx');
    await wb.xlsx.writeFile(original);

    const out = path.join(dir, 'assessment-filled.xlsx');
    const res = runCli(['questionnaire', 'answer', original, '--format', 'xlsx', '--out', out], ctx.childEnv);
    expect(res.status, res.stderr).toBe(0);

    const before = new ExcelJS.Workbook();
    await before.xlsx.readFile(original);
    const after = new ExcelJS.Workbook();
    await after.xlsx.readFile(out);
    expect(after.worksheets.map((w) => w.name)).toEqual(['Read me', 'Assessment']);
    const a = after.getWorksheet('Assessment')!;
    const b = before.getWorksheet('Assessment')!;
    expect(a.model.merges).toEqual(b.model.merges);
    expect(a.views).toEqual(b.views);
    expect(a.autoFilter).toEqual(b.autoFilter);
    expect(a.columns.map((c) => c.width)).toEqual(b.columns.map((c) => c.width));
    expect(a.pageSetup.orientation).toBe('landscape');
    expect(a.getCell('A1').fill).toEqual(b.getCell('A1').fill);
    expect(a.getCell('C4').fill).toEqual(b.getCell('C4').fill);
    expect(a.getCell('C6').dataValidation).toEqual(b.getCell('C6').dataValidation);
    expect(a.getCell('E4').formula).toBe('LEN(B4)');
    expect(after.getWorksheet('Read me')!.getCell('A1').value).toBe('Instructions: answer every question.');
    // Answers only where the library answers; the carpet row stays empty. This install has no
    // evidence and no certificates yet, so every answer is stale and goes out as "To confirm".
    expect(a.getCell('C4').value).toBe('To confirm');
    expect(String(a.getCell('D4').value)).toContain('re-confirming');
    expect(a.getCell('C5').value).toBeNull();
    expect(a.getCell('C6').value).toBe('To confirm');
    for (const ref of ['A4', 'B4', 'B5', 'A6', 'B6']) expect(a.getCell(ref).value, ref).toEqual(b.getCell(ref).value);

    const csvOut = runCli(['questionnaire', 'answer', path.join(dir, 'notes.txt'), '--format', 'xlsx'], ctx.childEnv);
    expect(csvOut.status).toBe(2);
  }, 180_000);
});
