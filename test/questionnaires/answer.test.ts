import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertification } from '../../src/certifications/certifications.service.ts';
import { answerQuestions } from '../../src/questionnaires/answer.service.ts';
import { type AnswerEntry, readAnswerFiles } from '../../src/questionnaires/answers.files.ts';
import { readQuestionnaire } from '../../src/questionnaires/questionnaire.read.ts';
import { tokens } from '../../src/questionnaires/ranker.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { buildEvidence, buildUser, loadFixtureLibrary, principalFor } from '../helpers/factories.ts';

// Answering questionnaires from an answer library over the fixture control library: reading
// ordinary customer workbooks, ranking with synonyms, saying "no match" instead of guessing,
// flagging answers the evidence no longer supports, and putting unheld schemes on the demand list.

let ctx: TestContext;
let entries: AnswerEntry[];
let cc: Awaited<ReturnType<typeof buildUser>>;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-answers-'));

const ANSWERS = `topic: fixture
name: Fixture answers
entries:
  - id: FIX-01
    question: Do you enforce multi-factor authentication for all workforce access?
    variants: [Is MFA required for staff?, Do administrators use two-factor login?]
    short: "Yes"
    detail: Every employee signs in with multi-factor authentication under the access control policy.
    controls: [IAM-01]
    frameworks: []
    owner: CISO
    reviewed: 2026-10-01
    review_months: 12
  - id: FIX-02
    question: Is customer data encrypted at rest?
    variants: [Do you encrypt stored data?, Are databases and disks encrypted?]
    short: "Yes"
    detail: All customer data stores are encrypted with AES-256 keys held in the key management service.
    controls: [CRY-01, CRY-02]
    frameworks: [alpha]
    owner: Head of Platform
    reviewed: 2026-10-01
    review_months: 12
  - id: FIX-03
    question: Do you hold an ISO/IEC 27017 certificate?
    variants: [Are you certified against ISO 27017 for cloud services?]
    short: "No"
    detail: The organisation is not currently certified against ISO/IEC 27017.
    controls: [IAM-01]
    frameworks: []
    owner: CISO
    reviewed: 2026-10-01
    review_months: 12
`;

async function workbook(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const cover = wb.addWorksheet('Instructions');
  cover.getCell('A1').value = 'Vendor security questionnaire';
  cover.getCell('A3').value = 'Please answer every question in the Questions sheet and return it by Friday.';
  const ws = wb.addWorksheet('Questions');
  ws.getCell('A1').value = 'ACME Corp — Supplier Security Assessment 2026';
  ws.mergeCells('A1:D1');
  ws.getCell('A2').value = 'Confidential';
  ws.addRow([]);
  ws.getRow(4).values = ['Ref', 'Question', 'Response (Yes/No)', 'Comments'];
  ws.getRow(5).values = ['ACCESS CONTROL'];
  ws.getRow(6).values = ['1.1', 'Please confirm whether two-factor authentication (2FA) is required for your staff.', '', ''];
  ws.getRow(7).values = ['Cryptography'];
  ws.getRow(8).values = ['2.1', 'Describe how our data is protected when stored on disk (encryption at rest, key management).', '', ''];
  ws.getRow(9).values = ['2.2', 'Do you operate a staff canteen with vegetarian options?', '', ''];
  ws.getRow(10).values = ['3.1', 'Is your cloud service certified to ISO 27017?', '', ''];
  ws.getCell('C6').dataValidation = { type: 'list', allowBlank: true, formulae: ['"Yes,No,N/A"'] };
  return Buffer.from(await wb.xlsx.writeBuffer());
}

beforeAll(async () => {
  ctx = await createTestContext({ now: '2026-11-21T10:00:00.000Z' });
  await loadFixtureLibrary(ctx);
  fs.writeFileSync(path.join(dir, 'fixture.yaml'), ANSWERS);
  const read = readAnswerFiles(dir);
  expect(read.problems).toEqual([]);
  entries = read.entries;
  cc = await buildUser(ctx, { role: 'customer_compliance' });
  // IAM-01 has current accepted evidence; CRY-01 and CRY-02 have none: the encryption answer is stale.
  await buildEvidence(ctx, { controls: ['IAM-01'], review: 'accepted', collectedAt: '2026-11-01' });
});
afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await ctx.cleanup();
});

describe('reading a customer workbook', () => {
  it('finds the questions sheet past the cover, the header row under the title, and skips section headings', async () => {
    const read = await readQuestionnaire(await workbook());
    expect(read.layout).toMatchObject({ sheet: 'Questions', headerRow: 4 });
    expect(read.headers).toEqual({ question: 'Question', answer: 'Response (Yes/No)', comment: 'Comments', ref: 'Ref' });
    expect(read.questions.map((q) => [q.row, q.ref])).toEqual([
      [6, '1.1'],
      [8, '2.1'],
      [9, '2.2'],
      [10, '3.1'],
    ]);
    expect(read.headings).toBe(2);
  });

  it('refuses what it cannot read, saying why', async () => {
    await expect(readQuestionnaire(Buffer.alloc(0))).rejects.toThrow(/empty/);
    await expect(readQuestionnaire(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]))).rejects.toThrow(/old .xls|password/);
    await expect(readQuestionnaire(Buffer.from('PK\u0003\u0004not really a zip'))).rejects.toThrow(/not an xlsx/);
    await expect(readQuestionnaire(Buffer.from('Frage;Antwort\nK\xf6nnen Sie?;\n', 'latin1'))).rejects.toThrow(/not UTF-8/);
    await expect(readQuestionnaire(Buffer.from('a,b\n1,2\n'))).rejects.toThrow(/header row/);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Question,Answer\nIs MFA enforced for staff?,\n', 'utf16le')]);
    expect((await readQuestionnaire(utf16)).questions).toHaveLength(1);
    // A NUL inside a UTF-16 file's text is dropped, not passed on (PostgreSQL refuses NUL in text).
    const withNul = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Question,Answer\nIs MFA\u0000 enforced for staff?,\n', 'utf16le')]);
    expect((await readQuestionnaire(withNul)).questions[0]!.text).toBe('Is MFA enforced for staff?');
  });
});

describe('answering from the library', () => {
  it('folds synonyms, so 2FA meets multi-factor authentication', () => {
    expect(tokens('Is 2FA required?')).toContain('§mfa');
    expect(tokens('multi-factor authentication')).toEqual(['§mfa']);
    expect(tokens('Do you support BYOK?')).toContain('§cmk');
  });

  it('answers each question with the right entry, its controls and requirements; no guess when nothing matches', async () => {
    const read = await readQuestionnaire(await workbook());
    const answers = await answerQuestions(ctx, principalFor(cc), read.questions, { entries, customer: 'ACME Corp', source: 'test' });
    const [mfa, crypto, canteen, cloud] = answers;
    expect(mfa).toMatchObject({ row: 6, entry: 'FIX-01', answer: 'Yes', controls: ['IAM-01'], stale: false });
    expect(mfa!.confidence).toBeGreaterThanOrEqual(0.3);
    expect(mfa!.requirements).toEqual({ alpha: ['1.1'], beta: ['B1'] });
    expect(crypto).toMatchObject({ entry: 'FIX-02', answer: 'Yes', stale: true });
    // Equal before subset before intersect: CRY-01 (equal 1.2) first, then CRY-02's 1.2 (already listed) and 1.1 (intersect).
    expect(crypto!.requirements.alpha).toEqual(['1.2', '1.1']);
    expect(crypto!.staleReasons.join(' ')).toContain('CRY-01 has no accepted evidence');
    expect(crypto!.staleReasons.join(' ')).toContain('no current alpha certification');
    expect(canteen).toMatchObject({ entry: null, answer: null, controls: [] });
    expect(cloud).toMatchObject({ entry: 'FIX-03', answer: 'No' });
  });

  it('a question about a scheme not held goes on the demand list once, and a certificate brings the answer back from stale', async () => {
    const demand = await ctx.db.selectFrom('certification_requests').selectAll().execute();
    expect(demand).toHaveLength(1);
    expect(demand[0]).toMatchObject({ customer: 'ACME Corp', source: 'questionnaire' });
    const read = await readQuestionnaire(await workbook());
    await answerQuestions(ctx, principalFor(cc), read.questions, { entries, customer: 'ACME Corp', source: 'test' });
    expect(await ctx.db.selectFrom('certification_requests').selectAll().execute()).toHaveLength(1);
    const grc = await buildUser(ctx, { role: 'grc' });
    await createCertification(ctx, principalFor(grc), { framework: 'alpha', kind: 'iso_certificate', issuer: 'CB', valid_from: '2026-01-01', valid_until: '2028-12-31' });
    await buildEvidence(ctx, { controls: ['CRY-01', 'CRY-02'], review: 'accepted', collectedAt: '2026-11-01' });
    const [, crypto] = await answerQuestions(ctx, principalFor(cc), read.questions, { entries });
    expect(crypto).toMatchObject({ entry: 'FIX-02', stale: false, staleReasons: [] });
  });

  it('viewers and auditors may not answer questionnaires', async () => {
    for (const role of ['viewer', 'auditor'] as const) {
      await expect(answerQuestions(ctx, principalFor(await buildUser(ctx, { role })), [], { entries })).rejects.toThrow(/permission/);
    }
  });
});
