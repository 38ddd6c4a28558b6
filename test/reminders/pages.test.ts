import supertest from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CalendarItem } from '../../src/calendar/calendar.model.ts';
import { myDigest } from '../../src/reminders/digest.service.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { buildUser, loadFixtureLibrary, principalFor, tokenFor } from '../helpers/factories.ts';
import { type Browser, buildApp, signedIn, type TestApp } from '../helpers/http.ts';
import { fakeSource, installSource } from './fake-source.ts';
import { buildPeople, type People, type Person, scenarioItems } from './scenario.ts';
import { startSmtp, type TestSmtp } from './smtp.ts';

const DAY = '2026-11-21';
const PUBLIC_URL = 'https://attest.example.test';
let ctx: TestContext;
let t: TestApp;
let smtp: TestSmtp;
let people: People;
let tag: string;
let items: CalendarItem[];
let admin: Person;
let adminBrowser: Browser;
let uninstall: () => void;

beforeAll(async () => {
  smtp = await startSmtp();
  ctx = await createTestContext({ now: `${DAY}T09:00:00.000Z`, env: { SMTP_URL: smtp.url, PUBLIC_URL } });
  await loadFixtureLibrary(ctx);
  t = await buildApp(ctx);
  people = await buildPeople(ctx);
  ({ tag, items } = scenarioItems(people, DAY));
  uninstall = installSource(fakeSource(() => items));
  admin = await buildUser(ctx, { role: 'admin', name: 'Ada Admin' });
  adminBrowser = await signedIn(t.app, admin);
});
afterAll(async () => {
  uninstall();
  await ctx.cleanup();
  await smtp.close();
});
beforeEach(() => {
  smtp.received.length = 0;
});

describe('/reminders', () => {
  it('shows the signed-in user their own items, overdue first, and no one else’s', async () => {
    const ana = await signedIn(t.app, people.ana);
    const res = await ana.get('/reminders');
    expect(res.status).toBe(200);
    const html = res.text;
    expect(html).toContain('Overdue (1)');
    expect(html).toContain('Due in the next 14 days (3)');
    for (const title of [`Finding F-1 ${tag}: rotate the keys`, `Evidence due: IAM-01 ${tag}`, `Request R-7 ${tag}`, `Stage 2 audit booked ${tag}`]) expect(html).toContain(title);
    expect(html.indexOf(`Finding F-1 ${tag}`)).toBeLessThan(html.indexOf(`Evidence due: IAM-01 ${tag}`));
    expect(html).toContain(`href="/audits/1/findings/${tag}"`);
    expect(html).toContain('11 days late');
    for (const absent of ['DONE finding', 'PAST WINDOW', 'AUDIT SPAN', 'SOMEONE ELSE', 'TITLE ONLY', 'DISABLED', 'Odd link']) expect(html).not.toContain(absent);
    expect(html).toContain(`A digest is e-mailed to ${people.ana.email}`);
    // Not an administrator: no "send now".
    expect(html).not.toContain('action="/reminders/send"');
  });

  it('escapes hostile titles and never links outside the app', async () => {
    const ben = await signedIn(t.app, people.ben);
    const html = (await ben.get('/reminders')).text;
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('javascript:');
    expect(html).toContain(`<a href="/reminders"><bdi class="prewrap">Odd link ${tag}</bdi></a>`);
  });

  it('says so when nothing is due, and offers administrators "send now"', async () => {
    const cy = await signedIn(t.app, people.cy);
    const html = (await cy.get('/reminders')).text;
    expect(html).toContain('Nothing you own is overdue or due in the next 14 days.');
    expect(html).toContain('action="/reminders/send"');
  });

  it('the API gives the token’s user their digest', async () => {
    const token = await tokenFor(ctx, people.ana);
    const res = await supertest(t.app).get('/api/v1/reminders').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ day: DAY, window_days: 14 });
    expect(res.body.overdue.map((i: { key: string }) => i.key)).toEqual([`f-${tag}`]);
    expect(res.body.due_soon.map((i: { days_left: number }) => i.days_left)).toEqual([0, 4, 14]);
  });
});

describe('send now', () => {
  it('is refused to non-administrators and without the confirmation, sending nothing', async () => {
    const deliveries = async () => (await ctx.db.selectFrom('reminder_deliveries').selectAll().execute()).length;
    const before = await deliveries();
    const ana = await signedIn(t.app, people.ana);
    expect((await ana.post('/reminders/send', { confirm: 'yes' })).status).toBe(403);
    const unconfirmed = await adminBrowser.post('/reminders/send', {});
    expect(unconfirmed.status).toBe(422);
    expect(unconfirmed.text).toContain('Confirm that the digests should be sent now.');
    await new Promise((r) => setTimeout(r, 100));
    expect(smtp.received).toEqual([]);
    expect(await deliveries()).toBe(before);
  });

  it('e-mails everyone’s digest at once, recorded as the administrator, and says what it did', async () => {
    expect((await adminBrowser.get('/reminders')).text).toContain('No digest has gone out today.');
    const res = await adminBrowser.post('/reminders/send', { confirm: 'yes' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/reminders');
    const page = await adminBrowser.get('/reminders');
    // Ana and Ben, and whoever the job-title tests made a control owner (if they ran first).
    expect(page.text).toMatch(new RegExp(`Reminders for ${DAY}: \\d+ digests sent by e-mail`));
    expect(page.text).toMatch(/Today: \d+ digests e-mailed \(\d+ items\)\./);
    const received = await smtp.waitFor(2);
    expect(received.map((r) => r.to[0])).toEqual(expect.arrayContaining([people.ana.email, people.ben.email]));
    expect(received.map((r) => r.to[0])).not.toContain(people.cy.email);
    const records = await ctx.db
      .selectFrom('activity')
      .selectAll()
      .where('action', '=', 'reminders.sent')
      .where('subject_id', 'in', [String(people.ana.id), String(people.ben.id)])
      .execute();
    expect(records.map((r) => r.actor_label)).toEqual([admin.email, admin.email]);
  });
});

describe('job title', () => {
  // Users of their own: a title gives its holder evidence due dates, which would change the digests above.
  let eve: Person;
  let fay: Person;
  let gus: Person;
  beforeAll(async () => {
    [eve, fay, gus] = [await buildUser(ctx, { role: 'grc' }), await buildUser(ctx, { role: 'viewer' }), await buildUser(ctx, { role: 'viewer' })];
  });
  const titleOf = async (id: number) => (await ctx.db.selectFrom('users').select('job_title').where('id', '=', id).executeTakeFirstOrThrow()).job_title;

  it('an administrator picks the control owner a user is; the change is recorded and the page says which controls it owns', async () => {
    const page = await adminBrowser.get(`/admin/users/${eve.id}`);
    expect(page.text).toContain('<option value="CISO"></option>');
    expect(page.text).toContain('<option value="Head of Platform"></option>');
    const res = await adminBrowser.post(`/admin/users/${eve.id}/job-title`, { job_title: '  ciso ' });
    expect(res.status).toBe(303);
    expect(await titleOf(eve.id)).toBe('ciso');
    const after = await adminBrowser.get(`/admin/users/${eve.id}`);
    expect(after.text).toContain('value="ciso"');
    expect(after.text).toContain('Owns the evidence due dates of the controls owned by “CISO”.');
    const record = await ctx.db
      .selectFrom('activity')
      .selectAll()
      .where('action', '=', 'user.job_title_changed')
      .where('subject_id', '=', String(eve.id))
      .executeTakeFirstOrThrow();
    expect(JSON.parse(record.details)).toEqual({ from: null, to: 'ciso' });
    expect(record.actor_label).toBe(admin.email);

    // The evidence-due calendar source now gives Ana the CISO's controls' evidence due dates.
    const keys = (await myDigest(ctx, principalFor(eve))).dueSoon.flatMap((s) => s.items.map((i) => i.key));
    expect(keys).toContain('evidence-due-IAM-01');
  });

  it('refuses a title someone else holds, a too-long one and control characters, changing nothing', async () => {
    await adminBrowser.post(`/admin/users/${gus.id}/job-title`, { job_title: 'Head of Platform' });
    const taken = await adminBrowser.post(`/admin/users/${fay.id}/job-title`, { job_title: 'HEAD OF PLATFORM' });
    expect(taken.status).toBe(422);
    expect(taken.text).toContain(`${gus.email} already has this job title`);
    expect(taken.text).toContain('value="HEAD OF PLATFORM"');
    const long = await adminBrowser.post(`/admin/users/${fay.id}/job-title`, { job_title: 'x'.repeat(121) });
    expect(long.status).toBe(422);
    expect(long.text).toContain('Job titles are at most 120 characters.');
    const bidi = await adminBrowser.post(`/admin/users/${fay.id}/job-title`, { job_title: 'CISO\u202Egnp.exe' });
    expect(bidi.status).toBe(422);
    expect(await titleOf(fay.id)).toBeNull();
  });

  it('empty clears it; only administrators may set it', async () => {
    await adminBrowser.post(`/admin/users/${fay.id}/job-title`, { job_title: 'Auditor liaison' });
    expect(await titleOf(fay.id)).toBe('Auditor liaison');
    expect((await adminBrowser.get(`/admin/users/${fay.id}`)).text).toContain('No control in the library has this owner');
    await adminBrowser.post(`/admin/users/${fay.id}/job-title`, { job_title: '' });
    expect(await titleOf(fay.id)).toBeNull();
    const grc = await signedIn(t.app, eve);
    expect((await grc.post(`/admin/users/${fay.id}/job-title`, { job_title: 'CISO' })).status).toBe(403);
    expect(await titleOf(fay.id)).toBeNull();
  });
});
