import type { Response } from 'express';
import { can } from '../auth/policy.ts';
import type { AppContext } from '../context.ts';
import { addDays, formatMonth, isDay, isMonth, today } from '../dates.ts';
import { principalOf } from '../http/actor.ts';
import { AppError, isAppError } from '../http/errors.ts';
import { pageView } from '../http/pagination.ts';
import type { Routes } from '../http/routes.ts';
import { errorsByField, parseInput } from '../http/validate.ts';
import { monthGridRange, monthWeeks, yearMonths } from './calendar.grid.ts';
import { agendaDays, agendaWindows, calendarHref, filterOptions, itemView, type FilterValues } from './calendar.presenter.ts';
import { calendarPageSchema, type CalendarPageQuery, type CalendarView } from './calendar.schema.ts';
import { calendarView, DEFAULT_AGENDA_DAYS, OVERDUE_LOOKBACK_DAYS, occurrencesOf } from './calendar.service.ts';
import { feedRoutes } from './feeds.routes.ts';

const AGENDA_PER_PAGE = 150;
/** The agenda lists the most recent overdue items first, this many at most, and links to the rest. */
const OVERDUE_SHOWN = 30;
const YEAR = /^\d{4}$/;

/** The range a view shows, or a 422 naming the field that cannot give one. */
function rangeOf(q: CalendarPageQuery, day: string): { from: string; to: string; month?: string; year?: string } {
  if (q.view === 'month') {
    const month = q.month ?? day.slice(0, 7);
    if (!isMonth(month)) throw AppError.invalid([{ field: 'month', message: 'Give an existing month as YYYY-MM.' }]);
    return { ...monthGridRange(month), month };
  }
  if (q.view === 'year') {
    const year = q.year ?? day.slice(0, 4);
    if (!YEAR.test(year) || year < '1000') throw AppError.invalid([{ field: 'year', message: 'Give a year as YYYY.' }]);
    return { from: `${year}-01-01`, to: `${year}-12-31`, year };
  }
  const from = q.from ?? day;
  // An impossible `from` is named by the service; `to` then defaults to it rather than to arithmetic on it.
  return { from, to: q.to ?? (isDay(from) ? addDays(from, DEFAULT_AGENDA_DAYS - 1) : from) };
}

export function calendarRoutes(routes: Routes, ctx: AppContext): void {
  routes.get('/calendar', 'audits.read', async (req, res) => {
    const principal = principalOf(req);
    const day = today(ctx.clock);
    const raw = req.query as Record<string, unknown>;
    const view: CalendarView = raw.view === 'month' || raw.view === 'year' ? raw.view : 'agenda';
    const base = { title: 'Calendar', section: 'calendar', today: day, canManageFeeds: can(principal, 'audits.edit') };
    const tabs = (filters: FilterValues) =>
      (['agenda', 'month', 'year'] as const).map((v) => ({ view: v, label: v[0]!.toUpperCase() + v.slice(1), href: calendarHref(v, {}, filters), current: v === view }));
    let q: CalendarPageQuery;
    let range: ReturnType<typeof rangeOf>;
    try {
      q = parseInput(calendarPageSchema, raw);
      range = rangeOf(q, day);
    } catch (err) {
      return renderRefused(res, err, { ...base, [view]: true, tabs: tabs({}), values: stringValues(raw) });
    }
    const filters: FilterValues = { framework: q.framework, owner: q.owner, kind: q.kind };
    // The agenda also lists what is overdue from before its first day, when that day is not in the future.
    const lookback = q.view === 'agenda' && range.from <= day ? OVERDUE_LOOKBACK_DAYS : 0;
    const query = { from: range.from, to: range.to, framework: q.framework, ownerId: q.owner, kinds: q.kind, overdueLookbackDays: lookback };
    try {
      const result = await calendarView(ctx, principal, query);
      const options = filterOptions({ frameworks: result.frameworks, owners: result.owners, me: principal.userId }, filters);
      const model = {
        ...base,
        [q.view]: true,
        tabs: tabs(filters),
        ...options,
        values: { ...stringValues(raw), from: range.from, to: range.to, month: range.month ?? '', year: range.year ?? '' },
        filtered: Boolean(q.framework || q.owner || q.kind),
      };
      const entries = occurrencesOf(result.items, range);
      if (q.view === 'month') {
        const month = range.month!;
        const prev = addDays(`${month}-01`, -1).slice(0, 7);
        const next = addDays(`${month}-28`, 7).slice(0, 7);
        return res.render('calendar/calendar', {
          ...model,
          heading: formatMonth(`${month}-01`),
          weeks: monthWeeks(entries, month, day, filters),
          calNav: {
            prevHref: calendarHref('month', { month: prev }, filters),
            nextHref: calendarHref('month', { month: next }, filters),
            todayHref: calendarHref('month', {}, filters),
            prevLabel: 'Previous month',
            nextLabel: 'Next month',
          },
          count: entries.length,
        });
      }
      if (q.view === 'year') {
        const year = Number(range.year);
        return res.render('calendar/calendar', {
          ...model,
          heading: String(year),
          months: yearMonths(entries, range.year!, day, filters),
          calNav: {
            prevHref: calendarHref('year', { year: String(year - 1) }, filters),
            nextHref: calendarHref('year', { year: String(year + 1) }, filters),
            todayHref: calendarHref('year', {}, filters),
            prevLabel: 'Previous year',
            nextLabel: 'Next year',
          },
          count: entries.length,
        });
      }
      const overdue = result.earlierOverdue;
      const page = Math.min(q.page, Math.max(1, Math.ceil(entries.length / AGENDA_PER_PAGE)));
      const shown = entries.slice((page - 1) * AGENDA_PER_PAGE, page * AGENDA_PER_PAGE);
      const windows = agendaWindows(range.from, range.to, filters);
      const keep = { view: 'agenda', from: range.from, to: range.to, framework: q.framework, owner: q.owner === undefined ? undefined : String(q.owner), kind: q.kind?.join(',') };
      return res.render('calendar/calendar', {
        ...model,
        heading: windows.label,
        days: agendaDays(shown, range.from, day),
        overdue: overdue.slice(0, OVERDUE_SHOWN).map((i) => itemView(i, day)),
        overdueTotal: overdue.length,
        overdueMore: Math.max(0, overdue.length - OVERDUE_SHOWN),
        overdueHref: calendarHref('agenda', { from: addDays(range.from, -OVERDUE_LOOKBACK_DAYS), to: addDays(range.from, -1) }, filters),
        lookbackDays: OVERDUE_LOOKBACK_DAYS,
        pagination: entries.length > AGENDA_PER_PAGE ? pageView(entries.length, page, AGENDA_PER_PAGE, keep) : null,
        calNav: { prevHref: windows.prevHref, nextHref: windows.nextHref, todayHref: calendarHref('agenda', {}, filters), prevLabel: 'Earlier', nextLabel: 'Later' },
        count: entries.length,
      });
    } catch (err) {
      return renderRefused(res, err, { ...base, [q.view]: true, tabs: tabs(filters), values: { ...stringValues(raw), from: range.from, to: range.to } });
    }
  });

  feedRoutes(routes, ctx);
}

/** A refused query shows the page again with each field's message (422); other errors go on. */
function renderRefused(res: Response, err: unknown, model: Record<string, unknown>): void {
  if (!isAppError(err) || err.code !== 'validation_failed') throw err;
  res.status(422).render('calendar/calendar', { ...model, errors: errorsByField(err.fields), formError: err.fields.length ? undefined : err.message, refused: true });
}

/** The query as strings, to show in the form again (arrays and objects are not shown). */
function stringValues(raw: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(raw)
      .filter((e): e is [string, string] => typeof e[1] === 'string')
      .map(([k, v]) => [k, v.slice(0, 60)]),
  );
}
