import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { buildUser, loadFixtureLibrary } from '../helpers/factories.ts';
import { buildApp, signedIn, type Browser, type TestApp } from '../helpers/http.ts';
import { fakeItems, LONG_WORD, registerFakeSource } from './fake-source.ts';

// The calendar pages: agenda (default), month and year, with filters, overdue marking, links and
// refusals, over items of every kind from a registered source. Today is Saturday 2026-11-21.

let ctx: TestContext;
let t: TestApp;
let grc: Browser;
let viewer: Browser;
let grace: Awaited<ReturnType<typeof buildUser>>;
let unregister: () => void;

beforeAll(async () => {
  ctx = await createTestContext({ now: '2026-11-21T10:00:00.000Z' });
  await loadFixtureLibrary(ctx);
  t = await buildApp(ctx);
  grace = await buildUser(ctx, { role: 'grc', name: 'Grace' });
  const omar = await buildUser(ctx, { role: 'grc', name: 'Omar' });
  unregister = registerFakeSource(fakeItems(grace.id, omar.id));
  grc = await signedIn(t.app, grace);
  viewer = await signedIn(t.app, await buildUser(ctx, { role: 'viewer' }));
});
afterAll(async () => {
  unregister();
  await ctx.cleanup();
});

/** The page as text, with the `=` Handlebars escapes in attributes put back, so links read as written. */
const html = (res: { text: string }) => res.text.replaceAll('&#x3D;', '=');

/** The agenda's entries (titles as links), in page order. */
const linksIn = (html: string) => [...html.matchAll(/<a class="cal-entry-title" href="([^"]+)"><bdi>([^<]*)<\/bdi>/g)].map((m) => [m[1], m[2]]);

describe('agenda', () => {
  it('is the default view: the next 60 days grouped by day, each item linking to its page', async () => {
    const res = await grc.get('/calendar');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Sat, 21 Nov 2026 – Tue, 19 Jan 2027');
    const links = linksIn(res.text);
    expect(links).toContainEqual(['/audits/7', 'Alpha surveillance audit']);
    expect(links).toContainEqual(['/certifications/1', 'Management review']);
    expect(links).toContainEqual(['/certifications/2', 'Bridge letter']);
    // Never evidenced controls are due today, flagged; their page is the control's.
    expect(links).toContainEqual(['/controls/CRY-02', 'Evidence due: CRY-02 Key rotation']);
    expect(res.text).toMatch(/Due now: never evidenced/);
    // After the window: not shown.
    expect(res.text).not.toContain('Alpha certificate expires');
    // A period that began before the window is listed on its first day.
    const firstDay = res.text.indexOf('id="d-2026-11-21"');
    expect(firstDay).toBeGreaterThan(0);
    expect(res.text.indexOf('Beta observation period')).toBeGreaterThan(firstDay);
    expect(res.text).toMatch(/class="cal-agenda-day is-today" id="d-2026-11-21"/);
    // The layout's navigation is intact, with the calendar as the current section.
    expect(res.text).toContain('<a href="/calendar" aria-current="page">Calendar</a>');
  });

  it('lists overdue items first, marked in words as well as colour; done items are never overdue', async () => {
    const res = await grc.get('/calendar');
    const section = res.text.slice(res.text.indexOf('cal-overdue'), res.text.indexOf('<ol class="cal-agenda"'));
    expect(section).toContain('Request R-1: firewall rules');
    expect(section).toContain('Overdue 11 days');
    expect(section).not.toContain('Finding F-2 closed');
  });

  it('orders items by start day, then title', async () => {
    const res = await grc.get('/calendar?from=2026-11-26&to=2026-11-26');
    const titles = linksIn(res.text).map((l) => l[1]);
    // Items that began earlier come first, by their start day; then the day's own, by title.
    expect(titles.slice(0, 2)).toEqual(['Beta observation period', 'Alpha surveillance audit']);
    expect(titles.slice(2)).toEqual(['&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;', 'Crowded day item', LONG_WORD, 'مراجعة الإدارة السنوية']);
    expect(titles).toHaveLength(6);
  });

  it('filters by framework, owner and kind, server-side, keeping the filters in its links', async () => {
    const alpha = linksIn((await grc.get('/calendar?framework=alpha')).text).map((l) => l[1]);
    expect(alpha).toContain('Alpha surveillance audit');
    expect(alpha).toContain('Alpha fieldwork');
    expect(alpha).not.toContain('Management review');
    const mine = linksIn((await grc.get(`/calendar?owner=${grace.id}&from=2026-11-01&to=2026-12-31`)).text).map((l) => l[1]);
    expect(mine.sort()).toEqual(['Alpha surveillance audit', 'Finding F-1 corrective action', 'Finding F-2 closed', 'Monthly access review', 'Monthly access review']);
    const kinds = await grc.get('/calendar?kind=fieldwork');
    expect(linksIn(kinds.text).map((l) => l[1])).toEqual(['Alpha fieldwork']);
    expect(kinds.text).toContain('<option value="fieldwork" selected>');
    expect(html(kinds)).toMatch(/href="\/calendar\?view=month&amp;kind=fieldwork"/);
  });

  it('escapes hostile titles and keeps right-to-left ones isolated', async () => {
    const res = await grc.get('/calendar?from=2026-11-26&to=2026-11-26');
    expect(res.text).not.toContain('<script>alert(1)</script>');
    expect(res.text).toContain('<bdi>مراجعة الإدارة السنوية</bdi>');
    expect(res.text).toContain(LONG_WORD);
  });

  it('pages through later and earlier windows', async () => {
    const res = await grc.get('/calendar?from=2027-01-20&to=2027-03-20&framework=alpha');
    expect(linksIn(res.text).map((l) => l[1])).toEqual([]);
    expect(html(res)).toContain('href="/calendar?view=agenda&amp;from=2027-03-21&amp;to=2027-05-19&amp;framework=alpha"');
    expect(html(res)).toContain('href="/calendar?view=agenda&amp;from=2026-11-21&amp;to=2027-01-19&amp;framework=alpha"');
    const later = await grc.get('/calendar?from=2027-03-21&to=2027-05-19&framework=alpha');
    expect(linksIn(later.text).map((l) => l[1])).toEqual(['Alpha certificate expires']);
  });
});

describe('recurring items', () => {
  it('show each occurrence in the range, even when the series began long before, marked as repeating', async () => {
    const june = await grc.get('/calendar?from=2027-06-01&to=2027-06-30&kind=milestone');
    expect(linksIn(june.text).map((l) => l[1])).toEqual(['Monthly access review', 'Quarterly ASV scan']);
    expect(june.text).toContain('id="d-2027-06-10"');
    expect(june.text).toContain('id="d-2027-06-15"');
    expect(june.text).toContain(' · repeats');
    // COUNT=4 from 2026-12-15: the last occurrence is 2027-09-15.
    const later = await grc.get('/calendar?from=2027-10-01&to=2027-12-31&kind=milestone');
    expect(linksIn(later.text).map((l) => l[1])).toEqual(['Monthly access review', 'Monthly access review', 'Monthly access review']);
    // A series without end is never overdue; past occurrences are not either.
    const now = await grc.get('/calendar?kind=milestone');
    expect(now.text.slice(now.text.indexOf('cal-overdue'), now.text.indexOf('<ol class="cal-agenda"'))).not.toContain('Monthly access review');
  });
});

describe('month', () => {
  it('is a grid of weeks from Monday, multi-day items as bars, crowded days with "+N more", today highlighted', async () => {
    const res = await grc.get('/calendar?view=month&month=2026-11');
    expect(res.status).toBe(200);
    expect(res.text).toContain('November 2026');
    // 2026-11-01 is a Sunday: the grid starts on Monday 26 October and ends on Sunday 6 December.
    expect(res.text).toContain('id="d-2026-10-26"');
    expect(res.text).toContain('id="d-2026-12-06"');
    expect(res.text).not.toContain('id="d-2026-12-07"');
    expect(res.text).toMatch(/class="cal-day c6 is-today" id="d-2026-11-21"/);
    // The audit spans Monday 23 to Friday 27: one bar of five days from column 1.
    expect(res.text).toMatch(/<a class="cal-span c1 s5 l\d k-audit" href="\/audits\/7"/);
    // Thursday 26 holds four single-day items: three shown, one counted.
    expect(res.text).toContain('+1 more');
    expect(html(res)).toContain('href="/calendar?view=agenda&amp;from=2026-11-26&amp;to=2026-11-26"');
    // The overdue request is marked by more than colour.
    expect(res.text).toMatch(/is-overdue">\s*<a href="\/audits\/7\/requests\/1"[^>]*><span class="cal-mark" aria-hidden="true">!<\/span><span class="sr-only">Overdue: <\/span>/);
  });

  it('moves by month and refuses an impossible one, naming the field', async () => {
    const res = await grc.get('/calendar?view=month&month=2026-11');
    expect(html(res)).toContain('href="/calendar?view=month&amp;month=2026-10"');
    expect(html(res)).toContain('href="/calendar?view=month&amp;month=2026-12"');
    const bad = await grc.get('/calendar?view=month&month=2026-13');
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('id="f-month-error"');
  });
});

describe('year', () => {
  it('shows twelve months with counts per day, each linking to its month', async () => {
    const res = await grc.get('/calendar?view=year&year=2026');
    expect(res.status).toBe(200);
    expect((res.text.match(/class="cal-mini"/g) ?? []).length).toBe(12);
    expect(html(res)).toContain('<a href="/calendar?view=month&amp;month=2026-11">November</a>');
    expect(html(res)).toMatch(/href="\/calendar\?view=month&amp;month=2026-11#d-2026-11-26" title="Thu, 26 Nov 2026: 4 items"/);
    expect(res.text).toMatch(/<td class="lvl-\d is-today">/);
  });
});

describe('refusals and access', () => {
  it.each([
    ['from=2026-02-30', 'from'],
    ['from=2026-11-01&to=2028-01-01', 'to'],
    ['to=2026-01-01', 'to'],
    ['framework=nope', 'framework'],
    ['kind=party', 'kind'],
    ['owner=abc', 'owner'],
    ['view=year&year=20x6', 'year'],
  ])('refuses %s with a 422 naming %s', async (query, field) => {
    const res = await grc.get(`/calendar?${query}`);
    expect(res.status).toBe(422);
    expect(res.text).toContain(`id="f-${field}-error"`);
  });

  it('refuses a NUL byte', async () => {
    const res = await grc.get('/calendar?framework=a%00b');
    expect(res.status).toBe(422);
    expect(res.text).toContain('framework');
  });

  it('lets viewers read, without evidence due dates; customer-compliance staff and auditors get 403', async () => {
    const res = await viewer.get('/calendar');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Alpha surveillance audit');
    expect(res.text).not.toContain('Evidence due:');
    for (const role of ['customer_compliance', 'auditor'] as const) {
      const browser = await signedIn(t.app, await buildUser(ctx, { role }));
      expect((await browser.get('/calendar')).status).toBe(403);
      expect((await browser.get('/calendar/feeds')).status).toBe(403);
    }
  });
});
