import ICAL from 'ical.js';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setDisabled, setJobTitle } from '../../src/auth/users.service.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { buildUser, loadFixtureLibrary, principalFor } from '../helpers/factories.ts';
import { buildApp, signedIn, type Browser, type TestApp } from '../helpers/http.ts';
import { fakeItems, LONG_WORD, registerFakeSource } from './fake-source.ts';

// iCalendar feeds: created and revoked from /calendar/feeds (recorded), fetched without signing in
// through their secret URL, parsed with a real parser (ical.js). Today is 2026-11-21.

let ctx: TestContext;
let t: TestApp;
let grace: Awaited<ReturnType<typeof buildUser>>;
let grc: Browser;
let auditId: number;
let unregister: () => void;

beforeAll(async () => {
  ctx = await createTestContext({ now: '2026-11-21T10:00:00.000Z' });
  await loadFixtureLibrary(ctx);
  t = await buildApp(ctx);
  grace = await buildUser(ctx, { role: 'grc', name: 'Grace' });
  const omar = await buildUser(ctx, { role: 'grc', name: 'Omar' });
  const now = '2026-11-01T00:00:00.000Z';
  auditId = (
    await ctx.db
      .insertInto('audits')
      .values({ kind: 'surveillance', title: 'Alpha surveillance 2026', firm: 'Test CB', lead_auditor: 'A. Auditor', status: 'planned', created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  unregister = registerFakeSource(fakeItems(grace.id, omar.id, auditId));
  grc = await signedIn(t.app, grace);
});
afterAll(async () => {
  unregister();
  await ctx.cleanup();
});

const SECRET_URL = /https?:\/\/[^/"]+(\/calendar\/feeds\/cal_[A-Za-z0-9_-]{43}\.ics)/;

/** Creates a feed through the page and returns its path, read from the page that shows it once. */
async function createFeed(browser: Browser, fields: Record<string, string>): Promise<string> {
  const res = await browser.post('/calendar/feeds', fields);
  expect(res.status).toBe(201);
  const match = SECRET_URL.exec(res.text);
  expect(match).not.toBeNull();
  return match![1]!;
}

/** A calendar client: no session; one Host, as a subscription always asks the same address. */
const fetchFeed = (path: string) => supertest(t.app).get(path).set('Host', 'attest.example.test');

function eventsOf(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  return {
    calendar,
    events: calendar.getAllSubcomponents('vevent').map((v) => {
      const e = new ICAL.Event(v);
      return {
        uid: e.uid,
        summary: e.summary,
        start: e.startDate,
        end: e.endDate,
        stamp: String(v.getFirstPropertyValue('dtstamp')),
        rrule: v.getFirstPropertyValue('rrule'),
        recurring: e.isRecurring(),
        iterator: () => e.iterator(),
      };
    }),
  };
}

/** Agenda titles of a page (the same regex the page tests use). */
const agendaTitles = (html: string) => [...html.matchAll(/<a class="cal-entry-title" href="[^"]+"><bdi>([^<]*)<\/bdi>/g)].map((m) => m[1]!);
const fromHtml = (s: string) => s.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&#x27;', "'").replaceAll('&amp;', '&');

describe('a personal feed', () => {
  let path: string;

  it('is created from the feeds page, its address shown once and only its prefix afterwards; recorded', async () => {
    expect((await grc.get('/calendar/feeds')).text).toContain('No feeds yet.');
    path = await createFeed(grc, { scope: 'personal' });
    const secret = path.slice('/calendar/feeds/'.length, -'.ics'.length);
    const again = await grc.get('/calendar/feeds');
    expect(again.text).not.toContain(secret);
    expect(again.text).toContain(`<code>${secret.slice(0, 10)}…</code>`);
    const row = await ctx.db.selectFrom('calendar_feeds').selectAll().executeTakeFirstOrThrow();
    expect(row.token_hash).not.toContain(secret);
    expect(row).toMatchObject({ user_id: grace.id, audit_id: null, prefix: secret.slice(0, 10), revoked_at: null });
    const event = await ctx.db.selectFrom('activity').selectAll().where('action', '=', 'feed.created').executeTakeFirstOrThrow();
    expect(event).toMatchObject({ actor_id: grace.id, subject_type: 'calendar_feed', subject_id: String(row.id) });
    expect(JSON.stringify(event)).not.toContain(secret);
  });

  it('is served as text/calendar without signing in, inline, never cached', async () => {
    const res = await fetchFeed(path);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('inline; filename="attest.ics"');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toContain('X-WR-TIMEZONE:UTC');
    expect(res.text).toMatch(/X-WR-CALNAME:Attest: grc-/);
  });

  it('parses cleanly and holds the events the calendar page shows that are hers or the programme’s', async () => {
    const { events } = eventsOf((await fetchFeed(path)).text);
    const page = agendaTitles((await grc.get('/calendar')).text).map(fromHtml);
    // The default agenda window (the feed covers 90 days back to 400 ahead); a recurring event
    // counts once for each occurrence in the window, as the page lists each.
    const inWindow: string[] = [];
    for (const e of events) {
      const days = e.end.subtractDate(e.start).toSeconds() / 86_400;
      const starts: string[] = [];
      if (!e.recurring) starts.push(e.start.toString());
      else for (let it = e.iterator(), next = it.next(); next && next.toString() <= '2027-01-19'; next = it.next()) starts.push(next.toString());
      for (const start of starts) {
        const end = new Date(Date.parse(`${start}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
        if (end > '2026-11-21' && start <= '2027-01-19') inWindow.push(e.summary);
      }
    }
    // Not hers: Omar's request and the control owners' evidence due dates.
    const expected = page.filter((title) => !title.startsWith('Request R-1') && !title.startsWith('Evidence due:'));
    expect(inWindow.sort()).toEqual(expected.sort());
    expect(events.map((e) => e.summary)).toContain('Finding F-2 closed');
    expect(events.map((e) => e.summary)).toContain('Alpha certificate expires');
    expect(events.map((e) => e.summary)).not.toContain('Request R-1: firewall rules');
  });

  it('writes all-day events with an exclusive end, stable UIDs and stamps, and keeps recurrence rules', async () => {
    const first = await fetchFeed(path);
    const second = await fetchFeed(path);
    expect(second.text).toBe(first.text);
    const { events } = eventsOf(first.text);
    const audit = events.find((e) => e.uid === 'audit-7@attest')!;
    expect(audit.start.isDate).toBe(true);
    expect(audit.start.toString()).toBe('2026-11-23');
    expect(audit.end.toString()).toBe('2026-11-28');
    expect(first.text).toContain('DTSTART;VALUE=DATE:20261123\r\nDTEND;VALUE=DATE:20261128');
    expect(audit.stamp).toBe('2026-10-01T09:00:00Z');
    expect(first.text).toContain('URL;VALUE=URI:http://attest.example.test/audits/7');
    const oneDay = events.find((e) => e.uid === 'event-1@attest')!;
    expect([oneDay.start.toString(), oneDay.end.toString()]).toEqual(['2026-11-25', '2026-11-26']);
    const scan = events.find((e) => e.uid === 'event-2@attest')!;
    expect(scan.recurring).toBe(true);
    expect(first.text).toContain('RRULE:FREQ=MONTHLY;INTERVAL=3;COUNT=4\r\n');
    expect(scan.rrule).toMatchObject({ freq: 'MONTHLY', interval: 3, count: 4 });
    const occurrences: string[] = [];
    for (const it = scan.iterator(); ; ) {
      const next = it.next();
      if (!next) break;
      occurrences.push(next.toString());
    }
    expect(occurrences).toEqual(['2026-12-15', '2027-03-15', '2027-06-15', '2027-09-15']);
    // A series that began before the feed's range is kept, from its first day, with its rule.
    const monthly = events.find((e) => e.uid === 'event-7@attest')!;
    expect(monthly.start.toString()).toBe('2025-01-10');
    expect(monthly.rrule).toMatchObject({ freq: 'MONTHLY' });
    expect(new Set(events.map((e) => e.uid)).size).toBe(events.length);
  });

  it('follows changes at once: a job title makes her the owner of that control’s evidence due date', async () => {
    const before = eventsOf((await fetchFeed(path)).text).events.map((e) => e.uid);
    expect(before).not.toContain('evidence-due-IAM-01@attest');
    const admin = principalFor(await buildUser(ctx, { role: 'admin' }));
    await setJobTitle(ctx, admin, grace.id, 'CISO');
    const after = eventsOf((await fetchFeed(path)).text).events;
    expect(after.find((e) => e.uid === 'evidence-due-IAM-01@attest')?.summary).toBe('Evidence due: IAM-01 Access control policy');
    expect(after.map((e) => e.uid).filter((uid) => uid !== 'evidence-due-IAM-01@attest')).toEqual(before);
    await setJobTitle(ctx, admin, grace.id, null);
  });

  it('keeps hostile titles intact as text, in lines folded at 75 octets', async () => {
    const text = (await fetchFeed(path)).text;
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    const long = text.split('\r\n').filter((line) => Buffer.byteLength(line) > 75);
    expect(long).toEqual([]);
    const { events } = eventsOf(text);
    const summaries = events.map((e) => e.summary);
    expect(summaries).toContain('<script>alert(1)</script> & "quotes"');
    expect(summaries).toContain(LONG_WORD);
    expect(summaries).toContain('مراجعة الإدارة السنوية');
  });

  it('stops at once when revoked: 404, like a wrong secret, and nothing leaks; recorded', async () => {
    const row = await ctx.db.selectFrom('calendar_feeds').selectAll().where('user_id', '=', grace.id).executeTakeFirstOrThrow();
    const revoked = await grc.post(`/calendar/feeds/${row.id}/revoke`);
    expect(revoked.status).toBe(303);
    const gone = await fetchFeed(path);
    const wrong = await fetchFeed(`/calendar/feeds/cal_${'A'.repeat(43)}.ics`);
    for (const res of [gone, wrong, await fetchFeed('/calendar/feeds/junk.ics'), await fetchFeed('/calendar/feeds/cal_.ics')]) {
      expect(res.status).toBe(404);
      expect(res.text).not.toContain('BEGIN:VCALENDAR');
      expect(res.text).not.toContain('Alpha');
    }
    expect(gone.text.replace(/[0-9a-f-]{36}/g, '')).toBe(wrong.text.replace(/[0-9a-f-]{36}/g, ''));
    const event = await ctx.db.selectFrom('activity').selectAll().where('action', '=', 'feed.revoked').executeTakeFirstOrThrow();
    expect(event).toMatchObject({ actor_id: grace.id, subject_id: String(row.id) });
    expect((await grc.get('/calendar/feeds')).text).toContain('Revoked');
  });

  it('only its owner (or an administrator) revokes it', async () => {
    const mine = await createFeed(grc, { scope: 'personal' });
    const row = await ctx.db.selectFrom('calendar_feeds').selectAll().where('user_id', '=', grace.id).where('revoked_at', 'is', null).executeTakeFirstOrThrow();
    const other = await signedIn(t.app, await buildUser(ctx, { role: 'grc' }));
    expect((await other.post(`/calendar/feeds/${row.id}/revoke`)).status).toBe(403);
    expect((await fetchFeed(mine)).status).toBe(200);
    // Not in another GRC user's list; in an administrator's, with its owner.
    expect((await other.get('/calendar/feeds')).text).not.toContain(row.prefix);
    const admin = await signedIn(t.app, await buildUser(ctx, { role: 'admin' }));
    const list = await admin.get('/calendar/feeds');
    expect(list.text).toContain(`<code>${row.prefix}…</code>`);
    expect(list.text).toContain(`Personal: ${grace.email}`);
    expect((await admin.post(`/calendar/feeds/${row.id}/revoke`)).status).toBe(303);
    expect((await fetchFeed(mine)).status).toBe(404);
  });

  it('follows its user: a disabled user’s feed is a 404', async () => {
    const user = await buildUser(ctx, { role: 'viewer' });
    const feed = await createFeed(await signedIn(t.app, user), { scope: 'personal' });
    const res = await fetchFeed(feed);
    expect(res.status).toBe(200);
    // A viewer sees no evidence due dates, in the feed as on the page.
    expect(res.text).not.toContain('Evidence due');
    const admin = principalFor(await buildUser(ctx, { role: 'admin' }));
    await setDisabled(ctx, admin, user.id, true);
    expect((await fetchFeed(feed)).status).toBe(404);
  });
});

describe('an audit feed', () => {
  it('holds only that audit’s items, and only GRC staff create one', async () => {
    const path = await createFeed(grc, { scope: 'audit', audit_id: String(auditId) });
    const res = await fetchFeed(path);
    expect(res.headers['content-disposition']).toBe(`inline; filename="attest-audit-${auditId}.ics"`);
    expect(res.text).toContain('X-WR-CALNAME:Attest: Alpha surveillance 2026');
    expect(
      eventsOf(res.text)
        .events.map((e) => e.uid)
        .sort(),
    ).toEqual(['audit-7@attest', 'fieldwork-7@attest', 'finding-1@attest', 'finding-2@attest', 'request-1@attest']);
    const viewer = await signedIn(t.app, await buildUser(ctx, { role: 'viewer' }));
    expect((await viewer.post('/calendar/feeds', { scope: 'audit', audit_id: String(auditId) })).status).toBe(403);
  });

  it('refuses an unknown audit or a missing choice, naming the field, and creates nothing', async () => {
    const before = await ctx.db
      .selectFrom('calendar_feeds')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const refused: Record<string, string>[] = [{ scope: 'audit', audit_id: '999999' }, { scope: 'audit' }, { scope: 'audit', audit_id: 'abc' }, { scope: 'everything' }, {}];
    for (const fields of refused) {
      const res = await grc.post('/calendar/feeds', fields);
      expect(res.status).toBe(422);
      expect(res.text).toMatch(/field-error|flash-error/);
    }
    const after = await ctx.db
      .selectFrom('calendar_feeds')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('can be started from an audit id (?audit=ID preselects it)', async () => {
    const res = await grc.get(`/calendar/feeds?audit=${auditId}`);
    expect(res.text).toContain(`<option value="${auditId}" selected>`);
  });
});
