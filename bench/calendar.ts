import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import Handlebars from 'handlebars';
import ical from 'ical-generator';
import { createApp } from '../src/app.ts';
import { hashPassword } from '../src/auth/password.ts';
import { systemPrincipal, userPrincipal } from '../src/auth/principal.ts';
import { updateUser } from '../src/auth/users.repository.ts';
import { createUser } from '../src/auth/users.service.ts';
import { openContext } from '../src/bootstrap.ts';
import { monthGridRange, monthWeeks } from '../src/calendar/calendar.grid.ts';
import type { CalendarItem, CalendarItemKind } from '../src/calendar/calendar.model.ts';
import { agendaDays, itemView } from '../src/calendar/calendar.presenter.ts';
import type { CalendarEntry } from '../src/calendar/calendar.service.ts';
import { calendarSources, type CalendarSource } from '../src/calendar/calendar.sources.ts';
import { evidenceDueItems } from '../src/calendar/evidence-due.source.ts';
import { createFeed } from '../src/calendar/feeds.service.ts';
import { loadConfig } from '../src/config.ts';
import { readLibraryFiles } from '../src/controls/library.files.ts';
import { loadLibrary } from '../src/controls/library.load.ts';
import { addDays, dayStart } from '../src/dates.ts';
import { seeded } from '../src/demo/demo.data.ts';
import { VIEWS_DIR } from '../src/http/views.ts';
import { createLogger } from '../src/logger.ts';
import { fmt, stats } from './org.ts';

// The calendar with a year of 5,000 dated items (real programme_events rows, read by a bench-only
// source standing in for the certifications domain's): the month view, the agenda and a personal
// iCalendar feed, each requested through HTTP from an in-process server, against a floor measured
// in the same run: the same rows from one raw better-sqlite3 query, shaped by the same presenter
// and rendered by a bare Handlebars compile of the same template (no layout, no Express, no
// session, no Kysely) / serialised by bare ical-generator calls.

const ITEMS = 5_000;
const RUNS = Number(process.env.RUNS ?? 60);
const NOW = '2026-06-15T10:00:00.000Z';
const TODAY = NOW.slice(0, 10);
const MONTH = '2026-06';
const PASSWORD = 'bench password 2026';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-bench-calendar-'));
const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent', COOKIE_SECURE: 'false', NODE_ENV: 'production' });
const ctx = await openContext(config, createLogger('silent'), () => new Date(NOW));
await loadLibrary(ctx, systemPrincipal, readLibraryFiles(), { overwrite: false });
const { user } = await createUser(ctx, systemPrincipal, { email: 'bench@example.test', name: 'Bench', role: 'grc' });
await updateUser(ctx.db, user.id, { password_hash: await hashPassword(PASSWORD), must_change_password: 0 });

// ---- data: 5,000 events over 2026; controls retired, so evidence due dates add nothing ------------
const raw = new SQLite(path.join(dir, 'attest.db'));
raw.pragma('journal_mode = WAL');
const eventKinds = [
  'stage1_audit',
  'surveillance_audit',
  'internal_audit',
  'management_review',
  'soc2_fieldwork',
  'asv_scan',
  'penetration_test',
  'certificate_expiry',
  'bridge_letter',
  'soc2_period',
];
const frameworkIds = (raw.prepare('select id from frameworks').all() as { id: number }[]).map((r) => r.id);
const rand = seeded(7);
raw.transaction(() => {
  raw.prepare("update controls set retired_at = '2026-01-01T00:00:00.000Z'").run();
  const insert = raw.prepare(
    `insert into programme_events (framework_id, kind, title, starts_on, ends_on, rrule, owner_id, status, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, '2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z')`,
  );
  for (let i = 0; i < ITEMS; i += 1) {
    const start = addDays('2026-01-01', Math.floor(rand() * 365));
    const multi = rand() < 0.15;
    const kind = eventKinds[Math.floor(rand() * eventKinds.length)]!;
    insert.run(
      frameworkIds[Math.floor(rand() * frameworkIds.length)]!,
      kind,
      `${kind.replace(/_/g, ' ')} ${i}`,
      start,
      multi ? addDays(start, 1 + Math.floor(rand() * 9)) : null,
      rand() < 0.05 ? 'FREQ=MONTHLY;INTERVAL=3;COUNT=4' : null,
      rand() < 0.5 ? user.id : null,
      rand() < 0.2 ? 'done' : 'planned',
    );
  }
})();
raw.exec('analyze');

const calendarKind = (k: string): CalendarItemKind =>
  k.endsWith('_audit') ? 'audit' : k === 'soc2_fieldwork' ? 'fieldwork' : k === 'certificate_expiry' || k === 'bridge_letter' || k === 'soc2_period' ? k : 'milestone';

interface Row {
  id: number;
  kind: string;
  title: string;
  starts_on: string;
  ends_on: string | null;
  rrule: string | null;
  owner_id: number | null;
  owner_name: string | null;
  status: string;
  audit_id: number | null;
  updated_at: string;
  slug: string | null;
}

const toItem = (r: Row): CalendarItem => ({
  key: `event-${r.id}`,
  kind: calendarKind(r.kind),
  title: r.title,
  start: r.starts_on,
  end: r.ends_on ?? r.starts_on,
  frameworks: r.slug ? [r.slug] : [],
  ownerId: r.owner_id,
  ownerLabel: r.owner_name,
  done: r.status === 'done',
  rrule: r.rrule,
  href: `/certifications/events/${r.id}`,
  auditId: r.audit_id,
  updatedAt: r.updated_at,
});

/** What a domain's source does: one Kysely query for the range, mapped to the contract. */
const benchSource: CalendarSource = async (c, _principal, range) => {
  const rows = await c.db
    .selectFrom('programme_events as e')
    .leftJoin('frameworks as f', 'f.id', 'e.framework_id')
    .leftJoin('users as u', 'u.id', 'e.owner_id')
    .select(['e.id', 'e.kind', 'e.title', 'e.starts_on', 'e.ends_on', 'e.rrule', 'e.owner_id', 'u.name as owner_name', 'e.status', 'e.audit_id', 'e.updated_at', 'f.slug'])
    .where('e.starts_on', '<=', range.to)
    .where((eb) => eb(eb.fn.coalesce('e.ends_on', 'e.starts_on'), '>=', range.from))
    .execute();
  return rows.map(toItem);
};
// Only the evidence source (real, empty here) and the bench source: other domains' sources, if
// registered by now, would add their own (empty) queries and nothing else.
calendarSources.splice(0, calendarSources.length, evidenceDueItems, benchSource);

// ---- the floor: one raw query, the presenter, a bare template ------------------------------------
const floorQuery = raw.prepare(
  `select e.id, e.kind, e.title, e.starts_on, e.ends_on, e.rrule, e.owner_id, u.name as owner_name, e.status, e.audit_id, e.updated_at, f.slug
   from programme_events e left join frameworks f on f.id = e.framework_id left join users u on u.id = e.owner_id
   where e.starts_on <= ? and coalesce(e.ends_on, e.starts_on) >= ?`,
);
const floorItems = (from: string, to: string): CalendarEntry[] =>
  (floorQuery.all(to, from) as Row[])
    .map(toItem)
    .map((i) => ({ ...i, overdue: !i.done && i.end < TODAY }))
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.title < b.title ? -1 : 1));
const hbs = Handlebars.create();
for (const name of ['field-error', 'pagination']) hbs.registerPartial(name, fs.readFileSync(path.join(VIEWS_DIR, 'partials', `${name}.hbs`), 'utf8'));
hbs.registerHelper('plural', (n: number, one: string, many: string) => (n === 1 ? one : many));
hbs.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
const template = hbs.compile(fs.readFileSync(path.join(VIEWS_DIR, 'calendar', 'calendar.hbs'), 'utf8'));
const nav = { prevHref: '/calendar?x', nextHref: '/calendar?y', todayHref: '/calendar', prevLabel: 'Earlier', nextLabel: 'Later' };

function floorMonth(): string {
  const range = monthGridRange(MONTH);
  const items = floorItems(range.from, range.to);
  return template({ month: true, today: TODAY, heading: 'June 2026', count: items.length, calNav: nav, tabs: [], weeks: monthWeeks(items, MONTH, TODAY, {}) });
}
/** The same rows as the page: the 60 days and the 90 before (for what is still open), in one query. */
function floorAgenda(): string {
  const all = floorItems(addDays(TODAY, -90), addDays(TODAY, 59));
  const items = all.filter((i) => i.end >= TODAY).slice(0, 150);
  const overdue = all.filter((i) => i.end < TODAY && i.overdue).slice(0, 30);
  return template({
    agenda: true,
    today: TODAY,
    heading: 'agenda',
    count: items.length,
    calNav: nav,
    tabs: [],
    days: agendaDays(items, TODAY, TODAY),
    overdue: overdue.map((i) => itemView(i, TODAY)),
    overdueTotal: overdue.length,
  });
}
function floorFeed(): string {
  const calendar = ical({ name: 'Attest: bench@example.test' });
  for (const i of floorItems(addDays(TODAY, -90), addDays(TODAY, 400))) {
    calendar.createEvent({
      id: `${i.key}@attest`,
      allDay: true,
      start: dayStart(i.start),
      end: dayStart(addDays(i.end, 1)),
      stamp: new Date(i.updatedAt ?? NOW),
      summary: i.title,
      repeating: i.rrule,
    });
  }
  return calendar.toString();
}

// ---- Attest through HTTP, in process --------------------------------------------------------------
const { app } = await createApp(ctx);
const server = http.createServer(app);
// The floors run for a minute between requests: keep the client's idle connections open meanwhile.
server.keepAliveTimeout = 600_000;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const login = await fetch(`${base}/login`);
const csrfCookie = login.headers
  .getSetCookie()
  .map((c) => c.split(';')[0])
  .join('; ');
const csrf = /name="_csrf" value="([^"]+)"/.exec(await login.text())![1]!;
const signIn = await fetch(`${base}/login`, {
  method: 'POST',
  redirect: 'manual',
  headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie },
  body: new URLSearchParams({ email: user.email, password: PASSWORD, _csrf: csrf }).toString(),
});
const session = signIn.headers
  .getSetCookie()
  .map((c) => c.split(';')[0])
  .find((c) => c!.startsWith('attest_session='));
if (!session) throw new Error(`sign-in failed: ${signIn.status}`);
const cookie = `${csrfCookie}; ${session}`;
const { secret } = await createFeed(ctx, userPrincipal(user, 'session'), { scope: 'personal' });

/** A feed fetch as a calendar app makes it; a new Host each time makes the feed's cache miss. */
function fetchFeed(host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}/calendar/feeds/${secret}.ics`, { headers: { host }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`feed: ${res.statusCode}`))));
    });
    req.on('error', reject);
  });
}
let cold = 0;

async function get(url: string, withCookie = true): Promise<string> {
  const res = await fetch(`${base}${url}`, { headers: withCookie ? { cookie } : {} });
  if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
  return res.text();
}

async function time(work: () => Promise<unknown> | unknown): Promise<{ median: number; p95: number }> {
  for (let i = 0; i < 5; i += 1) await work();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const t0 = performance.now();
    await work();
    samples.push(performance.now() - t0);
  }
  return stats(samples);
}

// Check that both sides show the same thing before timing them.
const monthPage = await get(`/calendar?view=month&month=${MONTH}`);
const monthSpans = (html: string) => (html.match(/class="cal-span /g) ?? []).length;
const monthItems = (html: string) => (html.match(/class="cal-item /g) ?? []).length;
if (monthSpans(monthPage) !== monthSpans(floorMonth()) || monthItems(monthPage) !== monthItems(floorMonth())) throw new Error('month: Attest and the floor disagree');
const feedText = await fetchFeed('check.bench.test');
const events = (s: string) => (s.match(/BEGIN:VEVENT/g) ?? []).length;
if (events(feedText) !== events(floorFeed())) throw new Error(`feed: ${events(feedText)} events against ${events(floorFeed())}`);

const coldHost = () => {
  cold += 1;
  return `cold-${cold}.bench.test`;
};
const feedFloor = await time(floorFeed);
const results = [
  ['month view', `GET /calendar?view=month&month=${MONTH}`, await time(() => get(`/calendar?view=month&month=${MONTH}`)), await time(floorMonth), 100],
  ['agenda', 'GET /calendar (60 days, 150 a page, overdue lookback)', await time(() => get('/calendar')), await time(floorAgenda), 100],
  ['feed', 'GET /calendar/feeds/<secret>.ics, built afresh each time', await time(() => fetchFeed(coldHost())), feedFloor, 200],
  ['feed', 'GET /calendar/feeds/<secret>.ics, unchanged since the last fetch', await time(() => fetchFeed('warm.bench.test')), feedFloor, 200],
] as const;
server.close();
await ctx.database.close();
raw.close();
fs.rmSync(dir, { recursive: true, force: true });

console.log(
  `calendar: ${ITEMS} programme events over 2026 (${monthItems(monthPage)} day entries and ${monthSpans(monthPage)} bars in ${MONTH}; feed ${events(feedText)} events), ${RUNS} runs each`,
);
for (const [name, what, attest, floor, target] of results) {
  console.log(
    `${name.padEnd(10)} ${what}:\n            median ${fmt(attest.median)}, p95 ${fmt(attest.p95)} (target < ${target} ms median) | floor median ${fmt(floor.median)}, p95 ${fmt(floor.p95)} | ratio ${(attest.median / floor.median).toFixed(2)}`,
  );
}
