import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { createAudit } from '../../src/audits/audits.service.ts';
import { createCertification } from '../../src/certifications/certifications.service.ts';
import { buildEvidence, buildUser, loadFixtureLibrary, principalFor } from '../helpers/factories.ts';
import { buildApp, signedIn, type Browser, type TestApp } from '../helpers/http.ts';
import { actionsOn, idFrom, postImport, programmeCounts, xlsxOf } from './helpers.ts';

// One audit run end to end by a GRC user through the pages: planned to closed, with a finding, an
// imported request list (CSV and xlsx), evidence linked, comments; and every refusal on the way.

let ctx: TestContext;
let t: TestApp;
let grc: Browser;
let viewer: Browser;
let grcUser: Awaited<ReturnType<typeof buildUser>>;
let owner: Awaited<ReturnType<typeof buildUser>>;
let auditId: number;
let findingId: number;

const auditForm = (over: Record<string, string | string[]> = {}) => ({
  kind: 'surveillance',
  title: 'Alpha surveillance 2026',
  frameworks: ['alpha', 'beta'],
  owner: String(owner.id),
  firm: 'Example Assurance LLP',
  lead_auditor: 'A. Auditor',
  period_from: '2025-12-01',
  period_to: '2026-11-30',
  fieldwork_from: '2026-12-07',
  fieldwork_to: '2026-12-11',
  ...over,
});

beforeAll(async () => {
  ctx = await createTestContext({ now: '2026-11-21T10:00:00.000Z', env: { LOGIN_MAX_PER_IP: '10000', LOGIN_MAX_PER_ACCOUNT: '10000' } });
  await loadFixtureLibrary(ctx);
  t = await buildApp(ctx);
  grcUser = await buildUser(ctx, { role: 'grc', name: 'Grace GRC' });
  owner = await buildUser(ctx, { role: 'grc', name: 'Olive Owner', email: 'olive@example.test' });
  grc = await signedIn(t.app, grcUser);
  viewer = await signedIn(t.app, await buildUser(ctx, { role: 'viewer' }));
});
afterAll(() => ctx.cleanup());

/** Posts a form with repeated fields (frameworks) as a browser sends them. */
async function postForm(browser: Browser, path: string, fields: Record<string, string | string[]>) {
  const token = await browser.csrfToken();
  const parts = Object.entries({ ...fields, _csrf: token }).flatMap(([k, v]) => [v].flat().map((one) => `${encodeURIComponent(k)}=${encodeURIComponent(one)}`));
  return browser.agent.post(path).type('form').send(parts.join('&'));
}

describe('an audit from planned to closed', () => {
  it('plans an audit whose scope is every applicable assessable requirement of its frameworks', async () => {
    const form = await grc.get('/audits/new');
    expect(form.status).toBe(200);
    expect(form.text).toContain('Alpha Standard');
    const res = await postForm(grc, '/audits', auditForm());
    expect(res.status).toBe(303);
    auditId = idFrom(res.headers.location, /\/audits\/(\d+)$/);
    const page = await grc.get(`/audits/${auditId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Alpha surveillance 2026');
    // alpha 1.1 and 1.2 (1.3 is excluded as not applicable), beta B1 and B2.
    expect(page.text).toMatch(/<strong>2<\/strong> of 3 assessable requirements of Alpha Standard/);
    const scope = await grc.get(`/audits/${auditId}/scope`);
    expect(scope.text).toContain('value="alpha:1.1"');
    expect(scope.text).toContain('not applicable');
    const edit = await grc.get(`/audits/${auditId}/edit`);
    expect(edit.text).toContain('value="A. Auditor"');
    expect((await postForm(grc, `/audits/${auditId}`, auditForm({ lead_auditor: 'B. Auditor' }))).status).toBe(303);
    expect((await grc.get(`/audits/${auditId}`)).text).toContain('B. Auditor');
  });

  it('refuses bad input with a 422 naming the field, and writes nothing', async () => {
    const before = await programmeCounts(ctx);
    const cases: [Record<string, string | string[]>, string, string][] = [
      [{ fieldwork_to: '2026-12-01' }, 'fieldwork_to', 'Fieldwork cannot end before it starts'],
      [{ frameworks: ['alpha', 'gamma-2030'] }, 'frameworks', 'Unknown framework: gamma-2030'],
      [{ title: 'x'.repeat(10_000) }, 'title', 'At most 200 characters'],
      [{ owner: '' }, 'owner', 'Choose an owner'],
      [{ frameworks: [] }, 'frameworks', 'Choose at least one framework'],
      [{ period_from: '2026-02-30' }, 'period_from', 'not a real date'],
    ];
    for (const [over, field, message] of cases) {
      const res = await postForm(grc, '/audits', auditForm(over));
      expect(res.status, field).toBe(422);
      expect(res.text).toContain(`id="${field}-error"`);
      expect(res.text).toContain(message);
    }
    const nul = await postForm(grc, '/audits', auditForm({ title: 'a\u0000b' }));
    expect(nul.status).toBe(422);
    expect(nul.text).toContain('NUL');
    expect(await programmeCounts(ctx)).toEqual(before);
  });

  it('moves one status step at a time and records each move', async () => {
    const skip = await grc.post(`/audits/${auditId}/status`, { status: 'reporting' });
    expect(skip.status).toBe(409);
    expect(skip.text).toContain('can move to fieldwork only, one step at a time');
    const ok = await grc.post(`/audits/${auditId}/status`, { status: 'fieldwork' });
    expect(ok.status).toBe(303);
    const bogus = await grc.post(`/audits/${auditId}/status`, { status: 'archived' });
    expect(bogus.status).toBe(422);
    const page = await grc.get(`/audits/${auditId}`);
    expect(page.text).toContain('aria-current="step">Fieldwork');
    expect(page.text).toContain('Move to reporting');
  });

  it('records a finding only with an owner and requirements in scope, numbering it F-1', async () => {
    const before = await programmeCounts(ctx);
    const finding = {
      kind: 'major_nc',
      title: 'Access policy not reviewed',
      requirements: 'alpha:1.1',
      controls: 'IAM-01',
      owner: String(owner.id),
      due_on: '2027-01-31',
      root_cause: 'No owner for the review',
    };
    const noOwner = await grc.post(`/audits/${auditId}/findings`, { ...finding, owner: '' });
    expect(noOwner.status).toBe(422);
    expect(noOwner.text).toContain('id="owner-error"');
    const outside = await grc.post(`/audits/${auditId}/findings`, { ...finding, requirements: 'alpha:1.3' });
    expect(outside.status).toBe(422);
    // Requirements are named by their framework's name, never its slug.
    expect(outside.text).toContain('Alpha Standard 1.3 is not in this audit&#x27;s scope');
    const unknownRequirement = await grc.post(`/audits/${auditId}/findings`, { ...finding, requirements: 'beta:Z.99.99' });
    expect(unknownRequirement.status).toBe(422);
    expect(unknownRequirement.text).toContain('Beta Criteria has no requirement Z.99.99.');
    const unknownFramework = await grc.post(`/audits/${auditId}/findings`, { ...finding, requirements: 'gamma:1.1' });
    expect(unknownFramework.text).toContain('There is no framework &quot;gamma&quot; (in gamma:1.1).');
    const unknownControl = await grc.post(`/audits/${auditId}/findings`, { ...finding, controls: 'ZZZ-99' });
    expect(unknownControl.status).toBe(422);
    expect(unknownControl.text).toContain('Unknown or retired control: ZZZ-99');
    expect(await programmeCounts(ctx)).toEqual(before);

    const res = await grc.post(`/audits/${auditId}/findings`, finding);
    expect(res.status).toBe(303);
    findingId = idFrom(res.headers.location, /\/findings\/(\d+)$/);
    const page = await grc.get(`/audits/${auditId}/findings/${findingId}`);
    expect(page.text).toContain('F-1');
    expect(page.text).toContain('Major nonconformity');
    const second = await grc.post(`/audits/${auditId}/findings`, { ...finding, kind: 'ofi', title: 'Automate the review', requirements: '' });
    expect(second.status).toBe(303);
    const list = await grc.get(`/audits/${auditId}`);
    expect(list.text).toContain('F-2');
  });

  it('shows an open major nonconformity on the framework coverage page and the requirement page', async () => {
    for (const browser of [grc, viewer]) {
      const coverage = await browser.get('/coverage/alpha');
      expect(coverage.status).toBe(200);
      expect(coverage.text).toContain(`href="/audits/${auditId}/findings/${findingId}"`);
      expect(coverage.text).toContain('Open major NC F-1');
      const requirement = await browser.get('/frameworks/alpha/requirements/1.1');
      expect(requirement.text).toContain('Open major nonconformity');
      expect(requirement.text).toContain(`href="/audits/${auditId}/findings/${findingId}"`);
    }
    const other = await grc.get('/frameworks/alpha/requirements/1.2');
    expect(other.text).not.toContain('Open major nonconformity');
    // Customer-compliance staff see coverage but not audits: no badge.
    const cc = await signedIn(t.app, await buildUser(ctx, { role: 'customer_compliance' }));
    expect((await cc.get('/coverage/alpha')).text).not.toContain('Open major NC');
  });

  it('moves a finding one step at a time; taking action needs a corrective action', async () => {
    const noAction = await grc.post(`/audits/${auditId}/findings/${findingId}/status`, { status: 'action_taken' });
    expect(noAction.status).toBe(422);
    expect(noAction.text).toContain('Record the corrective action');
    const skip = await grc.post(`/audits/${auditId}/findings/${findingId}/status`, { status: 'closed' });
    expect(skip.status).toBe(409);
    const edit = await grc.post(`/audits/${auditId}/findings/${findingId}`, {
      kind: 'major_nc',
      title: 'Access policy not reviewed',
      requirements: 'alpha:1.1',
      controls: 'IAM-01',
      owner: String(owner.id),
      due_on: '2027-01-31',
      corrective_action: 'Review scheduled every January, owned by the CISO',
    });
    expect(edit.status).toBe(303);
    expect((await grc.post(`/audits/${auditId}/findings/${findingId}/status`, { status: 'action_taken' })).status).toBe(303);
    // Still open (not verified): still shown on coverage.
    expect((await grc.get('/coverage/alpha')).text).toContain('Open major NC F-1');
  });
});

describe('evidence requests', () => {
  const HEADER = 'title,description,requirement,control,due,assignee';

  it('refuses a malformed list, naming every bad row by line and column, and imports nothing', async () => {
    const before = await programmeCounts(ctx);
    const csv = [
      HEADER,
      'Good row,,alpha:1.1,,2026-12-15,olive@example.test',
      ',No title,alpha:1.1,,2026-12-15,',
      'Outside scope,,alpha:1.3,,2026-12-15,',
      'Bad date,,,IAM-01,2026-13-01,',
      'Unknown person,,,CRY-01,2026-12-15,nobody@example.test',
      'Neither,,,,2026-12-15,',
      `${'L'.repeat(10_000)},,,IAM-01,2026-12-15,`,
      'Unknown control,,,ZZZ-01,2026-12-15,',
    ].join('\n');
    const res = await postImport(grc, auditId, 'pbc.csv', csv);
    expect(res.status).toBe(422);
    for (const expected of [
      '<td class="num">3</td><td><code>title</code>',
      '<td class="num">4</td><td><code>requirement</code>',
      '<td class="num">5</td><td><code>due</code>',
      '<td class="num">6</td><td><code>assignee</code>',
      '<td class="num">7</td><td><code>requirement</code>',
      '<td class="num">8</td><td><code>title</code>',
      '<td class="num">9</td><td><code>control</code>',
    ]) {
      expect(res.text).toContain(expected);
    }
    expect(res.text).toContain('Nothing was changed');
    expect(res.text).not.toContain('<td class="num">2</td>');
    expect(await programmeCounts(ctx)).toEqual(before);
  });

  it('refuses files that are not spreadsheets, encrypted workbooks and NUL bytes with a clear message', async () => {
    const before = await programmeCounts(ctx);
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0xff, 0xfe]);
    const notSheet = await postImport(grc, auditId, 'photo.csv', png);
    expect(notSheet.status).toBe(422);
    expect(notSheet.text).toContain('This file is not a spreadsheet');
    const encrypted = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512, 1)]);
    const locked = await postImport(grc, auditId, 'locked.xlsx', encrypted);
    expect(locked.status).toBe(422);
    expect(locked.text).toContain('password-protected');
    const brokenZip = await postImport(grc, auditId, 'broken.xlsx', Buffer.from('PK\u0003\u0004this is not a workbook'));
    expect(brokenZip.status).toBe(422);
    expect(brokenZip.text).toContain('could not be read');
    const nul = await postImport(grc, auditId, 'nul.csv', `${HEADER}\nA\u0000B,,alpha:1.1,,2026-12-15,\n`);
    expect(nul.status).toBe(422);
    expect(nul.text).toContain('NUL character');
    expect(nul.text).toContain('<td class="num">2</td><td><code>title</code>');
    const empty = await postImport(grc, auditId, 'empty.csv', `${HEADER}\n`);
    expect(empty.status).toBe(422);
    expect(empty.text).toContain('no rows');
    const unknownColumn = await postImport(grc, auditId, 'cols.csv', 'title,due,colour\nA,2026-12-15,red\n');
    expect(unknownColumn.text).toContain('Unknown column');
    expect(await programmeCounts(ctx)).toEqual(before);
  });

  it('imports a clean CSV list and a clean xlsx list, numbering requests R-1 onwards', async () => {
    const sample = await grc.get(`/audits/${auditId}/requests/import/sample.csv`);
    expect(sample.status).toBe(200);
    expect(sample.headers['content-disposition']).toContain('attachment');
    expect(sample.text.split('\r\n')[0]).toBe(HEADER);
    const fromSample = await postImport(grc, auditId, 'sample.csv', sample.text);
    expect(fromSample.status).toBe(201);

    const csv = `${HEADER}\nAccess review sign-offs,"Q3 and Q4, signed",alpha:1.1,,2026-12-15,olive@example.test\nKey rotation log,,,CRY-02,2026-12-16,\n`;
    const res = await postImport(grc, auditId, 'pbc.csv', csv);
    expect(res.status).toBe(201);
    expect(res.text).toContain('Imported 2 requests');
    const xlsx = await xlsxOf([
      ['Title', 'Description', 'Requirement', 'Control', 'Due', 'Assignee'],
      ['Encryption settings export', 'From the KMS', 'beta:B2', '', new Date(Date.UTC(2026, 11, 18)), 'olive@example.test'],
      ['Logical access list', '', 'beta:B1', 'IAM-01', '2026-12-19', ''],
    ]);
    const fromXlsx = await postImport(grc, auditId, 'pbc.xlsx', xlsx);
    expect(fromXlsx.status).toBe(201);
    const rows = await ctx.db.selectFrom('evidence_requests').select(['ref', 'title', 'due_on', 'assignee_id']).where('audit_id', '=', auditId).orderBy('id').execute();
    expect(rows.map((r) => r.ref)).toEqual(['R-1', 'R-2', 'R-3', 'R-4', 'R-5', 'R-6']);
    expect(rows[4]).toMatchObject({ title: 'Encryption settings export', due_on: '2026-12-18', assignee_id: owner.id });
    const badXlsx = await postImport(
      grc,
      auditId,
      'bad.xlsx',
      await xlsxOf([
        ['title', 'due'],
        ['No date', ''],
        ['', '2026-12-01'],
      ]),
    );
    expect(badXlsx.status).toBe(422);
    expect(badXlsx.text).toContain('<td class="num">2</td><td><code>due</code>');
    expect(badXlsx.text).toContain('<td class="num">3</td><td><code>title</code>');
  });

  it('links evidence to a request, which submits it in the same unit of work; the auditors accept or return it', async () => {
    const request = await ctx.db.selectFrom('evidence_requests').select(['id', 'status']).where('audit_id', '=', auditId).where('ref', '=', 'R-3').executeTakeFirstOrThrow();
    const evidence = await buildEvidence(ctx, { controls: ['IAM-01'], title: 'Access review Q3', review: 'accepted' });
    const page = await grc.get(`/audits/${auditId}/requests/${request.id}`);
    expect(page.text).toContain('Access review Q3');
    expect(page.text).toContain('/evidence/new?control=IAM-01');
    const missing = await grc.post(`/audits/${auditId}/requests/${request.id}/link`, { evidence: '999999' });
    expect(missing.status).toBe(422);
    expect(missing.text).toContain('no evidence 999999');
    const submitEarly = await grc.post(`/audits/${auditId}/requests/${request.id}/status`, { status: 'accepted' });
    expect(submitEarly.status).toBe(409);
    const linked = await grc.post(`/audits/${auditId}/requests/${request.id}/link`, { evidence: String(evidence.id) });
    expect(linked.status).toBe(303);
    const after = await ctx.db.selectFrom('evidence_requests').select('status').where('id', '=', request.id).executeTakeFirstOrThrow();
    expect(after.status).toBe('submitted');
    const again = await grc.post(`/audits/${auditId}/requests/${request.id}/link`, { evidence: String(evidence.id) });
    expect(again.status).toBe(409);

    const noReason = await grc.post(`/audits/${auditId}/requests/${request.id}/status`, { status: 'returned' });
    expect(noReason.status).toBe(422);
    expect(noReason.text).toContain('Say why the evidence is returned');
    expect((await grc.post(`/audits/${auditId}/requests/${request.id}/status`, { status: 'returned', comment: 'Only Q3; we need Q4 too.' })).status).toBe(303);
    const returned = await grc.get(`/audits/${auditId}/requests/${request.id}`);
    expect(returned.text).toContain('Only Q3; we need Q4 too.');
    expect((await grc.post(`/audits/${auditId}/requests/${request.id}/status`, { status: 'submitted' })).status).toBe(303);
    expect((await grc.post(`/audits/${auditId}/requests/${request.id}/status`, { status: 'accepted' })).status).toBe(303);
    const accepted = await ctx.db.selectFrom('evidence_requests').select('status').where('id', '=', request.id).executeTakeFirstOrThrow();
    expect(accepted.status).toBe('accepted');
  });

  it('adds a request by hand and takes comments on the audit, the finding and the request', async () => {
    const bad = await grc.post(`/audits/${auditId}/requests`, { title: 'Vendor list', due_on: '2026-12-20' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('Tie the request to a requirement in scope or to a control');
    const unknownRequirement = await grc.post(`/audits/${auditId}/requests`, { title: 'Vendor list', requirement: 'beta:B9', due_on: '2026-12-20' });
    expect(unknownRequirement.status).toBe(422);
    expect(unknownRequirement.text).toContain('Beta Criteria has no requirement B9.');
    const outOfScope = await grc.post(`/audits/${auditId}/requests`, { title: 'Vendor list', requirement: 'alpha:1.3', due_on: '2026-12-20' });
    expect(outOfScope.text).toContain('Alpha Standard 1.3 is not in this audit&#x27;s scope.');
    const res = await grc.post(`/audits/${auditId}/requests`, { title: 'Vendor list', control: 'iam-01', due_on: '2026-12-20', assignee: String(owner.id) });
    expect(res.status).toBe(303);
    const requestId = idFrom(res.headers.location, /\/requests\/(\d+)$/);
    for (const path of [`/audits/${auditId}/comments`, `/audits/${auditId}/findings/${findingId}/comments`, `/audits/${auditId}/requests/${requestId}/comments`]) {
      const empty = await grc.post(path, { body: '   ' });
      expect(empty.status).toBe(422);
      const ok = await grc.post(path, { body: '<script>alert(1)</script> Please upload by Friday.' });
      expect(ok.status).toBe(303);
    }
    const page = await grc.get(`/audits/${auditId}`);
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Please upload by Friday.');
    expect(page.text).not.toContain('<script>alert(1)');
  });
});

describe('roles', () => {
  it('viewers read every audit page but cannot change anything (403); auditors get 403 for now', async () => {
    const before = await programmeCounts(ctx);
    for (const path of ['/audits', `/audits/${auditId}`, `/audits/${auditId}/scope`, `/audits/${auditId}/findings/${findingId}`]) {
      expect((await viewer.get(path)).status, path).toBe(200);
    }
    // Viewers may not read evidence: a request shows that evidence was provided, not what.
    const linkedRequest = await ctx.db.selectFrom('evidence_requests').select('id').where('audit_id', '=', auditId).where('ref', '=', 'R-3').executeTakeFirstOrThrow();
    const requestPage = await viewer.get(`/audits/${auditId}/requests/${linkedRequest.id}`);
    expect(requestPage.status).toBe(200);
    expect(requestPage.text).not.toContain('Access review Q3');
    expect(requestPage.text).toMatch(/Evidence #\d+/);
    const page = await viewer.get(`/audits/${auditId}`);
    expect(page.text).not.toContain('Record a finding');
    expect(page.text).not.toContain('Move to reporting');
    for (const path of ['/audits', `/audits/${auditId}/status`, `/audits/${auditId}/findings`, `/audits/${auditId}/comments`, `/audits/${auditId}/scope`]) {
      expect((await viewer.post(path, { status: 'reporting', body: 'x' })).status, path).toBe(403);
    }
    expect((await viewer.get('/audits/new')).status).toBe(403);
    const auditor = await signedIn(t.app, await buildUser(ctx, { role: 'auditor' }));
    expect((await auditor.get('/audits')).status).toBe(403);
    expect((await auditor.get(`/audits/${auditId}`)).status).toBe(403);
    expect(await programmeCounts(ctx)).toEqual(before);
  });
});

describe('scope, assignments and closing', () => {
  it('removes and adds requirements, refusing to orphan a finding or request', async () => {
    const orphan = await grc.post(`/audits/${auditId}/scope`, { remove: 'alpha:1.1' });
    expect(orphan.status).toBe(409);
    expect(orphan.text).toContain('Still named by');
    const excluded = await grc.post(`/audits/${auditId}/scope`, { add: 'alpha:1.3' });
    expect(excluded.status).toBe(422);
    expect(excluded.text).toContain('Alpha Standard 1.3 is excluded as not applicable');
    const unknown = await grc.post(`/audits/${auditId}/scope`, { add: 'beta:B9' });
    expect(unknown.status).toBe(422);
    expect(unknown.text).toContain('Beta Criteria has no requirement B9.');
    const heading = await grc.post(`/audits/${auditId}/scope`, { add: 'alpha:1' });
    expect(heading.text).toContain('Alpha Standard 1 is a heading, not an assessable requirement.');
    const noFramework = await grc.post(`/audits/${auditId}/scope`, { add: 'gamma:1' });
    expect(noFramework.text).toContain('There is no framework &quot;gamma&quot; (in gamma:1).');
    const messages = (html: string) => [...html.matchAll(/class="(?:field-error|flash[^"]*)"[^>]*>([^<]*)</g)].map((m) => m[1]).join(' ');
    for (const res of [excluded, unknown, heading]) expect(messages(res.text)).not.toMatch(/\b(alpha|beta)\b/);
    expect((await grc.post(`/audits/${auditId}/scope`, { remove: 'alpha:1.2' })).status).toBe(303);
    expect((await grc.post(`/audits/${auditId}/scope`, { add: 'alpha:1.2' })).status).toBe(303);
  });

  it('assigns an external auditor for a window and removes the assignment, recorded', async () => {
    const auditor = await buildUser(ctx, { role: 'auditor', name: 'Ext Auditor' });
    const wrongRole = await grc.post(`/audits/${auditId}/assignments`, { user: String(owner.id), access_from: '2026-12-01', access_until: '2026-12-31' });
    expect(wrongRole.status).toBe(422);
    const backwards = await grc.post(`/audits/${auditId}/assignments`, { user: String(auditor.id), access_from: '2026-12-31', access_until: '2026-12-01' });
    expect(backwards.status).toBe(422);
    expect(backwards.text).toContain('Access cannot end before it starts');
    expect((await grc.post(`/audits/${auditId}/assignments`, { user: String(auditor.id), access_from: '2026-12-01', access_until: '2026-12-31' })).status).toBe(303);
    const page = await grc.get(`/audits/${auditId}`);
    expect(page.text).toContain('Ext Auditor');
    const assignment = await ctx.db.selectFrom('audit_assignments').select('id').where('audit_id', '=', auditId).executeTakeFirstOrThrow();
    expect((await grc.post(`/audits/${auditId}/assignments/${assignment.id}/remove`)).status).toBe(303);
    expect((await grc.post(`/audits/${auditId}/assignments/${assignment.id}/remove`)).status).toBe(404);
  });

  it('goes back from reporting to fieldwork, then closes; a closed audit refuses edits with 409', async () => {
    for (const status of ['reporting', 'fieldwork', 'reporting', 'closed']) {
      expect((await grc.post(`/audits/${auditId}/status`, { status })).status, status).toBe(303);
    }
    const before = await programmeCounts(ctx);
    expect((await postForm(grc, `/audits/${auditId}`, auditForm({ title: 'Renamed' }))).status).toBe(409);
    expect((await grc.post(`/audits/${auditId}/status`, { status: 'reporting' })).status).toBe(409);
    expect((await grc.post(`/audits/${auditId}/findings`, { kind: 'observation', title: 'Late', owner: String(owner.id), due_on: '2027-01-01' })).status).toBe(409);
    expect((await grc.post(`/audits/${auditId}/requests`, { title: 'Late', control: 'IAM-01', due_on: '2027-01-01' })).status).toBe(409);
    expect((await grc.post(`/audits/${auditId}/comments`, { body: 'Late' })).status).toBe(409);
    expect((await postImport(grc, auditId, 'late.csv', 'title,due,control\nLate,2027-01-01,IAM-01\n')).status).toBe(409);
    expect(await programmeCounts(ctx)).toEqual(before);
    // Follow-up of findings goes on after the audit closes: verification clears the coverage badge.
    expect((await grc.post(`/audits/${auditId}/findings/${findingId}/status`, { status: 'verified' })).status).toBe(303);
    expect((await grc.get('/coverage/alpha')).text).not.toContain('Open major NC');
    const page = await grc.get(`/audits/${auditId}`);
    expect(page.text).toContain('Closed: this audit is a record');
    expect(page.text).not.toContain('>Edit<');
  });

  it('recorded every change in the activity trail', async () => {
    const actions = await actionsOn(ctx);
    for (const action of [
      'audit.created',
      'audit.status_changed',
      'audit.updated',
      'audit.scope_changed',
      'audit.auditor_assigned',
      'audit.auditor_removed',
      'finding.recorded',
      'finding.updated',
      'finding.status_changed',
      'request.imported',
      'request.created',
      'request.evidence_linked',
      'request.status_changed',
      'comment.added',
    ]) {
      expect(actions, action).toContain(action);
    }
    const moves = await ctx.db
      .selectFrom('activity')
      .select('details')
      .where('action', '=', 'audit.status_changed')
      .where('subject_id', '=', String(auditId))
      .orderBy('id')
      .execute();
    expect(moves.map((m) => JSON.parse(m.details) as { from: string; to: string }).map((d) => `${d.from}>${d.to}`)).toEqual([
      'planned>fieldwork',
      'fieldwork>reporting',
      'reporting>fieldwork',
      'fieldwork>reporting',
      'reporting>closed',
    ]);
  });

  it('lists audits with filters, an empty state and pagination', async () => {
    const list = await viewer.get('/audits?status=closed&framework=alpha&kind=surveillance');
    expect(list.text).toContain('Alpha surveillance 2026');
    const none = await viewer.get('/audits?status=planned');
    expect(none.text).toContain('No audit matches these filters');
    const junk = await viewer.get('/audits?status=archived');
    expect(junk.status).toBe(422);
    for (let i = 0; i < 25; i++) await createAudit(ctx, principalFor(grcUser), { kind: 'internal', title: `Internal audit ${i}`, frameworks: ['beta'], owner: { id: owner.id } });
    const first = await viewer.get('/audits?kind=internal');
    expect(first.text).toContain('1–25 of 25');
    const all = await viewer.get('/audits');
    expect(all.text).toContain('1–25 of 26');
    const second = await viewer.get('/audits?page=2');
    expect(second.text).toContain('26–26 of 26');
    expect(second.text).toContain('Alpha surveillance 2026');
  });

  it('names the audit’s certification with a link for those who read the register, its number for others', async () => {
    const certId = await createCertification(ctx, principalFor(grcUser), {
      framework: 'alpha',
      kind: 'iso_certificate',
      number: 'ALPHA-<b>1</b>',
      issuer: 'Example Assurance LLP',
      valid_from: '2025-01-01',
      valid_until: '2027-12-31',
    });
    const id = await createAudit(ctx, principalFor(grcUser), {
      kind: 'surveillance',
      title: 'Linked audit',
      frameworks: ['alpha'],
      certification_id: certId,
      owner: { id: owner.id },
    });
    const page = await grc.get(`/audits/${id}`);
    expect(page.text).toContain(`<a href="/certifications/${certId}"><bdi>Alpha Standard ISO certificate ALPHA-&lt;b&gt;1&lt;/b&gt;</bdi></a>`);
  });
});
