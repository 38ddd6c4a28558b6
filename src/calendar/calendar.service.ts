import { authorize } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { addDays, daysBetween, isDay, today } from '../dates.ts';
import { AppError, type FieldError } from '../http/errors.ts';
import type { CalendarItem, CalendarItemKind, CalendarRange } from './calendar.model.ts';
import * as repo from './calendar.repository.ts';
import { occurrencesIn, parseRule, seriesLastDay } from './recurrence.ts';
import { calendarSources } from './calendar.sources.ts';

/** The longest range one request may ask for (a year view and a little more). */
export const MAX_RANGE_DAYS = 400;
/** How far back the agenda looks for overdue items (as far back as the feeds go). */
export const OVERDUE_LOOKBACK_DAYS = 90;
/** What the agenda shows unless told otherwise. */
export const DEFAULT_AGENDA_DAYS = 60;

export interface CalendarQuery {
  from: string;
  to: string;
  framework?: string | undefined;
  ownerId?: number | undefined;
  kinds?: readonly CalendarItemKind[] | undefined;
  /** Also return overdue items that ended up to this many days before `from` (the agenda lists them first). */
  overdueLookbackDays?: number | undefined;
}

/** An item as the calendar shows it: overdue when its last day is past and it is not done. */
export interface CalendarEntry extends CalendarItem {
  overdue: boolean;
}

export interface CalendarResult {
  today: string;
  from: string;
  to: string;
  items: CalendarEntry[];
  /** Overdue items that ended before `from`, within the lookback asked for (most recent first). */
  earlierOverdue: CalendarEntry[];
  /** Owners of the range's items before the owner filter (for the filter's choices). */
  owners: { id: number; label: string }[];
  frameworks: { slug: string; name: string }[];
}

/**
 * Checks a requested range: both days must exist (2026-02-30 does not), `to` not before `from`, at
 * most MAX_RANGE_DAYS days. Every problem is named by its field, so pages, API and CLI report it.
 */
export function checkRange(from: unknown, to: unknown): CalendarRange {
  const problems: FieldError[] = [];
  if (!isDay(from)) problems.push({ field: 'from', message: 'Give an existing day as YYYY-MM-DD.' });
  if (!isDay(to)) problems.push({ field: 'to', message: 'Give an existing day as YYYY-MM-DD.' });
  if (problems.length) throw AppError.invalid(problems);
  const range = { from: from as string, to: to as string };
  if (range.to < range.from) throw AppError.invalid([{ field: 'to', message: 'The last day cannot be before the first.' }]);
  if (daysBetween(range.from, range.to) + 1 > MAX_RANGE_DAYS) throw AppError.invalid([{ field: 'to', message: `At most ${MAX_RANGE_DAYS} days at once.` }]);
  return range;
}

/**
 * Every source's items touching the range (a recurring item when one of its occurrences does), as
 * the principal may see them; no bound on the range. An item is overdue when its last day is past
 * and it is not done; a recurring one when its whole series is past (a series without end never is).
 */
export async function gatherItems(ctx: AppContext, principal: Principal, range: CalendarRange): Promise<CalendarEntry[]> {
  authorize(principal, 'audits.read');
  const day = today(ctx.clock);
  const lists = await Promise.all(calendarSources.map((source) => source(ctx, principal, range)));
  const entries: CalendarEntry[] = [];
  for (const item of lists.flat()) {
    if (item.rrule === null) {
      if (item.start <= range.to && item.end >= range.from) entries.push({ ...item, overdue: !item.done && item.end < day });
      continue;
    }
    // A rule Attest cannot expand may recur into the range: kept from its first day on, never overdue.
    const rule = parseRule(item.rrule);
    if (rule ? occurrencesIn(item, range).length === 0 : item.start > range.to) continue;
    const last = rule ? seriesLastDay(item) : null;
    entries.push({ ...item, overdue: !item.done && last !== null && last < day });
  }
  return sortItems(entries);
}

/** Whether an item (a recurring one: one of its occurrences) touches the range. */
function touches(item: CalendarItem, range: CalendarRange): boolean {
  if (item.rrule !== null) return parseRule(item.rrule) ? occurrencesIn(item, range).length > 0 : item.start <= range.to;
  return item.start <= range.to && item.end >= range.from;
}

/**
 * What the pages show: one entry per occurrence in the range (a recurring series is a single item
 * everywhere else). Only a finished, overdue series' last occurrence is marked overdue.
 */
export function occurrencesOf(items: readonly CalendarEntry[], range: CalendarRange): CalendarEntry[] {
  if (!items.some((i) => i.rrule !== null)) return [...items];
  const out: CalendarEntry[] = [];
  for (const item of items) {
    if (item.rrule === null || !parseRule(item.rrule)) {
      out.push(item);
      continue;
    }
    const last = item.overdue ? seriesLastDay(item) : null;
    for (const o of occurrencesIn(item, range)) out.push({ ...o, overdue: o.end === last });
  }
  return sortItems(out);
}

/**
 * Sorts by first day, then title (case-insensitive, by code point), then key: one string key per
 * item, compared as text, which is several times faster than a locale collator on thousands of items.
 */
export function sortItems<T extends CalendarItem>(items: T[]): T[] {
  const keyed = items.map((item) => ({ item, key: `${item.start}\u0000${item.title.toLowerCase()}\u0000${item.key}` }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map((k) => k.item);
}

/**
 * The calendar for a range with its filters and the choices the filters offer. Refuses a bad range
 * and an unknown framework with a 422 naming the field.
 */
export async function calendarView(ctx: AppContext, principal: Principal, query: CalendarQuery): Promise<CalendarResult> {
  authorize(principal, 'audits.read');
  const range = checkRange(query.from, query.to);
  const frameworks = await repo.frameworkNames(ctx.db);
  if (query.framework !== undefined && !frameworks.some((f) => f.slug === query.framework)) {
    throw AppError.invalid([{ field: 'framework', message: 'Unknown framework.' }]);
  }
  // One gathering for the range and the lookback: the sources run once.
  const lookback = query.overdueLookbackDays ?? 0;
  const all = await gatherItems(ctx, principal, { from: lookback ? addDays(range.from, -lookback) : range.from, to: range.to });
  const kinds = query.kinds?.length ? new Set(query.kinds) : null;
  const filtered = all.filter((i) => (!query.framework || i.frameworks.includes(query.framework)) && (!kinds || kinds.has(i.kind)));
  const owned = (i: CalendarEntry) => query.ownerId === undefined || i.ownerId === query.ownerId;
  const inRange: CalendarEntry[] = [];
  const before: CalendarEntry[] = [];
  for (const i of filtered) (!lookback || touches(i, range) ? inRange : before).push(i);
  return {
    today: today(ctx.clock),
    ...range,
    items: inRange.filter(owned),
    earlierOverdue: before.filter((i) => i.overdue && owned(i)).sort((a, b) => (a.end > b.end ? -1 : a.end < b.end ? 1 : 0)),
    owners: await ownersOf(ctx, inRange),
    frameworks,
  };
}

/** The calendar's items for a range (the list the API, the CLI and the reminders use). */
export async function listCalendarItems(ctx: AppContext, principal: Principal, query: CalendarQuery): Promise<CalendarEntry[]> {
  return (await calendarView(ctx, principal, query)).items;
}

async function ownersOf(ctx: AppContext, items: CalendarItem[]): Promise<{ id: number; label: string }[]> {
  const ids = [...new Set(items.map((i) => i.ownerId).filter((id): id is number => id !== null))];
  const users = await repo.userNames(ctx.db, ids);
  return users.map((u) => ({ id: u.id, label: u.name || u.email })).sort((a, b) => a.label.localeCompare(b.label));
}
