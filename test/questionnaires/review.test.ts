import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { buildUser } from '../helpers/factories.ts';
import { type Browser, buildApp, csrfFrom, signedIn, type TestApp } from '../helpers/http.ts';

// Review as a team does it: assign answers, discuss them, correct what detection chose, and let
// approved answers teach the answer library the customers' phrasings.

let ctx: TestContext;
let t: TestApp;
let cc: Browser;
let grcId: number;
let grace: Awaited<ReturnType<typeof buildUser>>;

async function upload(browser: Browser, customer: string, name: string, content: Buffer): Promise<number> {
  const page = await browser.get('/questionnaires');
  const token = /action="\/questionnaires\?_csrf=([^"]+)"/.exec(page.text)?.[1] ?? csrfFrom(page.text);
  const res = await browser.agent.post(`/questionnaires?_csrf=${token}`).field('customer', customer).attach('file', content, name);
  expect(res.status, res.text.slice(0, 300)).toBe(303);
  return Number(/\/questionnaires\/(\d+)$/.exec(res.headers.location ?? '')?.[1]);
}

const answers = (id: number) => ctx.db.selectFrom('questionnaire_answers').selectAll().where('questionnaire_id', '=', id).orderBy('row_number').execute();

// Detection takes "Question" as the question column; the customer's real questions are under "Text".
const csv = (rows: string[][]) => Buffer.from(rows.map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(',')).join('\n'));
const misleading = csv([
  ['Ref', 'Question', 'Text', 'Answer'],
  ['1', 'Q1', 'Is multi-factor authentication enforced for every administrator account?', ''],
  ['2', 'Q2', 'How quickly do you patch critical vulnerabilities on internet-facing systems?', ''],
  ['3', 'Q3', 'Do you hold a current ISO/IEC 27001 certificate?', ''],
]);

beforeAll(async () => {
  ctx = await createTestContext({ env: { LOGIN_MAX_PER_IP: '10000', LOGIN_MAX_PER_ACCOUNT: '10000' } });
  t = await buildApp(ctx);
  const { loadLibraryIfEmpty } = await import('../../src/bootstrap.ts');
  await loadLibraryIfEmpty(ctx);
  cc = await signedIn(t.app, await buildUser(ctx, { role: 'customer_compliance' }));
  grace = await buildUser(ctx, { role: 'grc', name: 'Grace Reviewer' });
  grcId = grace.id;
}, 120_000);
afterAll(() => ctx.cleanup());

describe('reviewing a questionnaire', () => {
  it('corrects the detected columns: the file is read again and answered afresh, recorded; refused once review starts', async () => {
    const id = await upload(cc, 'Contoso', 'contoso.csv', misleading);
    expect((await answers(id)).every((a) => a.entry === null)).toBe(true);
    const page = await cc.get(`/questionnaires/${id}`);
    expect(page.text).toContain('C — Text');
    // Bad choices: each names its field and changes nothing.
    for (const [body, text] of [
      [{ sheet: 'csv', header_row: '1', question: '3' }, 'as a letter'],
      [{ sheet: 'Other', header_row: '1', question: 'C' }, 'no sheet named'],
      [{ sheet: 'csv', header_row: '99', question: 'C' }, 'choose a header row'],
      [{ sheet: 'csv', header_row: '1', question: 'C', answer: 'C' }, 'different column'],
      [{ sheet: 'csv', header_row: '1', question: 'F' }, 'no questions'],
      [{ sheet: 'csv\u0000', header_row: '1', question: 'C' }, ''],
    ] as const) {
      const res = await cc.post(`/questionnaires/${id}/columns`, body);
      expect(res.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.text).toContain(text);
    }
    expect((await answers(id)).every((a) => a.entry === null)).toBe(true);
    const ok = await cc.post(`/questionnaires/${id}/columns`, { sheet: 'csv', header_row: '1', question: 'C', answer: 'D', ref: 'A', comment: '' });
    expect(ok.status).toBe(303);
    const after = await answers(id);
    expect(after.map((a) => a.question)[0]).toContain('multi-factor');
    expect(after.filter((a) => a.entry !== null).length).toBeGreaterThanOrEqual(2);
    expect(after[0]!.ref).toBe('1');
    const trail = await ctx.db.selectFrom('activity').select('details').where('action', '=', 'questionnaire.columns_corrected').execute();
    expect(trail).toHaveLength(1);
    expect(JSON.parse(trail[0]!.details)).toMatchObject({ before: { question: 1 }, after: { question: 2, answer: 3 }, questions: 3 });
    // Once a person has worked on an answer, reading again would lose it.
    expect((await cc.post(`/questionnaires/${id}/answers/3/comments`, { body: 'Checking with the platform team.' })).status).toBe(303);
    const refused = await cc.post(`/questionnaires/${id}/columns`, { sheet: 'csv', header_row: '1', question: 'B' });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('Review has started (row 3)');
    expect((await answers(id))[0]!.question).toContain('multi-factor');
  }, 120_000);

  it('assigns answers to people who work on questionnaires and keeps a recorded comment thread', async () => {
    const id = await upload(
      cc,
      'Northwind',
      'northwind.csv',
      csv([
        ['#', 'Question', 'Answer'],
        ['1', 'Do you encrypt customer data at rest?', ''],
        ['2', 'Is there a documented incident response plan?', ''],
      ]),
    );
    const viewer = await buildUser(ctx, { role: 'viewer' });
    expect((await cc.post(`/questionnaires/${id}/answers/2/assign`, { assignee: String(viewer.id) })).status).toBe(422);
    expect((await cc.post(`/questionnaires/${id}/answers/2/assign`, { assignee: 'abc' })).status).toBe(422);
    expect((await cc.post(`/questionnaires/${id}/answers/9/assign`, { assignee: String(grcId) })).status).toBe(404);
    expect((await cc.post(`/questionnaires/${id}/answers/2/assign`, { assignee: String(grcId) })).status).toBe(303);
    expect((await answers(id))[0]!.assignee_id).toBe(grcId);
    expect((await cc.post(`/questionnaires/${id}/answers/2/comments`, { body: '' })).status).toBe(422);
    expect((await cc.post(`/questionnaires/${id}/answers/2/comments`, { body: 'x'.repeat(4001) })).status).toBe(422);
    expect((await cc.post(`/questionnaires/${id}/answers/2/comments`, { body: 'Is the <b>KMS</b> rotation yearly?' })).status).toBe(303);
    const page = await cc.get(`/questionnaires/${id}`);
    expect(page.text).toContain('Assigned to <bdi>Grace Reviewer</bdi>');
    expect(page.text).toContain('Is the &lt;b&gt;KMS&lt;/b&gt; rotation yearly?');
    // Grace sees it under "Assigned to me"; somebody else does not.
    const mine = await (await signedIn(t.app, grace)).get(`/questionnaires/${id}?show=mine`);
    expect(mine.text).toContain('id="row-2"');
    expect(mine.text).not.toContain('id="row-3"');
    expect((await cc.get(`/questionnaires/${id}?show=mine`)).text).toContain('Nothing to show');
    expect((await cc.post(`/questionnaires/${id}/answers/2/assign`, { assignee: '' })).status).toBe(303);
    expect((await answers(id))[0]!.assignee_id).toBeNull();
    const actions = await ctx.db.selectFrom('activity').select('action').where('subject_id', '=', String(id)).where('subject_type', '=', 'questionnaire').orderBy('id').execute();
    expect(actions.map((a) => a.action)).toEqual(['questionnaire.imported', 'questionnaire.answer_assigned', 'questionnaire.answer_commented', 'questionnaire.answer_assigned']);
  }, 120_000);

  it('an approved answer teaches the library the customer’s phrasing; an answer changed by its reviewer does not; a removed phrasing is not learned again', async () => {
    const phrasing = 'Do administrators need MFA when they sign in to production consoles?';
    const first = await upload(
      cc,
      'Fabrikam',
      'fabrikam.csv',
      csv([
        ['#', 'Question', 'Answer'],
        ['1', phrasing, ''],
        ['2', 'Are backups encrypted?', ''],
      ]),
    );
    const [before, other] = await answers(first);
    expect(before!.entry).not.toBeNull();
    // Row 3's reviewer changes the short answer: the entry did not fit, so nothing is learned from it.
    const otherShort = other!.answer === 'Yes' ? 'Partial' : 'Yes';
    expect((await cc.post(`/questionnaires/${first}/answers/3`, { answer: otherShort, detail: 'Only some of them.' })).status).toBe(303);
    expect((await cc.post(`/questionnaires/${first}/answers/2/approve`)).status).toBe(303);
    expect((await cc.post(`/questionnaires/${first}/answers/3/approve`)).status).toBe(303);
    const learned = await ctx.db.selectFrom('answer_variants').selectAll().execute();
    expect(learned).toHaveLength(1);
    expect(learned[0]).toMatchObject({ entry: before!.entry, question: phrasing, questionnaire_id: first, row_number: 2 });
    const approval = await ctx.db.selectFrom('activity').select('details').where('action', '=', 'questionnaire.answers_approved').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(JSON.parse(approval.details)).toMatchObject({ rows: [3], learned_variants: [] });
    // The same phrasing from another customer now matches its entry as well as the entry's own question.
    const second = await upload(
      cc,
      'Tailspin',
      'tailspin.csv',
      csv([
        ['#', 'Question', 'Answer'],
        ['1', phrasing, ''],
      ]),
    );
    const again = (await answers(second))[0]!;
    expect(again.entry).toBe(before!.entry);
    expect(again.confidence).toBeGreaterThan(before!.confidence);
    // The library shows it, with where it came from.
    const entryPage = await cc.get(`/questionnaires/library/${before!.entry}`);
    expect(entryPage.text).toContain('need MFA when they sign in');
    expect(entryPage.text).toContain(`/questionnaires/${first}#row-2`);
    expect((await cc.get(`/questionnaires/library?q=need+MFA+when`)).text).toContain(before!.entry!);
    // Removal needs the confirmation, is recorded, and the phrasing is not learned again.
    const variant = learned[0]!.id;
    expect((await cc.post(`/questionnaires/library/${before!.entry}/variants/${variant}/remove`, {})).status).toBe(422);
    expect((await cc.post(`/questionnaires/library/ZZZ-99/variants/${variant}/remove`, { confirm: 'yes' })).status).toBe(404);
    expect((await cc.post(`/questionnaires/library/${before!.entry}/variants/${variant}/remove`, { confirm: 'yes' })).status).toBe(303);
    expect((await cc.post(`/questionnaires/${second}/answers/2/approve`)).status).toBe(303);
    expect(await ctx.db.selectFrom('answer_variants').select(['id', 'removed_at']).execute()).toEqual([{ id: variant, removed_at: expect.any(String) }]);
    expect((await cc.get(`/questionnaires/library/${before!.entry}`)).text).not.toContain('need MFA when they sign in');
    expect((await cc.get('/questionnaires/library/not-an-id')).status).toBe(422);
    expect((await cc.get('/questionnaires/library/ZZZ-99')).status).toBe(404);
  }, 120_000);

  it('pages a long questionnaire, 50 answers at a time, keeping the filter', async () => {
    const rows = [['#', 'Question', 'Answer']].concat(Array.from({ length: 120 }, (_, i) => [String(i + 1), `Do you review firewall rule number ${i + 1} every six months?`, '']));
    const id = await upload(cc, 'Long Corp', 'long.csv', csv(rows));
    const p1 = await cc.get(`/questionnaires/${id}`);
    expect(p1.text).toContain('1–50 of 120');
    expect(p1.text).toContain('id="row-51"');
    expect(p1.text).not.toContain('id="row-52"');
    const p3 = await cc.get(`/questionnaires/${id}?show=all&page=3`);
    expect(p3.text).toContain('101–120 of 120');
    expect(p3.text).toContain('id="row-121"');
    expect((await cc.get(`/questionnaires/${id}?show=nonsense`)).status).toBe(422);
  }, 120_000);
});
