import { addDays, daysBetween, daysFrom, earlierDay, firstOfMonth, formatDayLong, formatMonth, lastOfMonth, laterDay, startOfWeek } from '../dates.ts';
import { calendarHref, itemView, type FilterValues, type ItemView } from './calendar.presenter.ts';
import type { CalendarEntry } from './calendar.service.ts';

// The month grid and the year's small months. Weeks start on Monday. In a month, multi-day items
// are bars spanning their days within each week (in up to MAX_LANES lanes); single-day items are
// listed in their day, MAX_PER_DAY at most; the rest are counted as "+N more", linking to the
// agenda of that day. Placement is by classes (c1–c7 column, s1–s7 span, lanes-N): the CSP allows
// no inline styles.

export const MAX_LANES = 3;
export const MAX_PER_DAY = 3;

/** The days a month view shows: Monday of the first week to Sunday of the last. */
export function monthGridRange(month: string): { from: string; to: string } {
  const first = `${month}-01`;
  const from = startOfWeek(first);
  return { from, to: addDays(startOfWeek(lastOfMonth(first)), 6) };
}

export interface SpanView {
  item: ItemView;
  col: number;
  span: number;
  lane: number;
  /** The bar continues from the week before / into the week after. */
  before: boolean;
  after: boolean;
}

export interface DayCell {
  day: string;
  num: number;
  col: number;
  label: string;
  inMonth: boolean;
  isToday: boolean;
  items: ItemView[];
  more: number;
  moreHref: string | null;
  dayHref: string;
  total: number;
}

export interface WeekRow {
  lanes: number;
  spans: SpanView[];
  days: DayCell[];
}

export function monthWeeks(items: readonly CalendarEntry[], month: string, today: string, filters: FilterValues): WeekRow[] {
  const { from, to } = monthGridRange(month);
  const singles = new Map<string, CalendarEntry[]>();
  const multi: CalendarEntry[] = [];
  for (const item of items) {
    if (item.end > item.start) multi.push(item);
    else {
      const list = singles.get(item.start);
      if (list) list.push(item);
      else singles.set(item.start, [item]);
    }
  }
  // Longer bars first within a start day, so lanes pack as people expect.
  multi.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : daysBetween(b.start, b.end) - daysBetween(a.start, a.end)));
  const weeks: WeekRow[] = [];
  for (let w = from; w <= to; w = addDays(w, 7)) {
    const weekEnd = addDays(w, 6);
    const hidden = new Map<string, number>();
    const taken: boolean[][] = [];
    const spans: SpanView[] = [];
    for (const item of multi) {
      if (item.end < w || item.start > weekEnd) continue;
      const s = laterDay(item.start, w);
      const e = earlierDay(item.end, weekEnd);
      const col = daysBetween(w, s) + 1;
      const span = daysBetween(s, e) + 1;
      let lane = 0;
      while (lane < MAX_LANES && (taken[lane] ?? []).slice(col, col + span).some(Boolean)) lane += 1;
      if (lane === MAX_LANES) {
        for (const d of daysFrom(s, e)) hidden.set(d, (hidden.get(d) ?? 0) + 1);
        continue;
      }
      const row = taken[lane] ?? [];
      taken[lane] = row;
      for (let c = col; c < col + span; c += 1) row[c] = true;
      spans.push({ item: itemView(item, today), col, span, lane, before: item.start < w, after: item.end > weekEnd });
    }
    const days = daysFrom(w, weekEnd).map((day, i): DayCell => {
      const own = singles.get(day) ?? [];
      const covering = spans.filter((sp) => sp.col <= i + 1 && i + 1 < sp.col + sp.span).length;
      const more = Math.max(0, own.length - MAX_PER_DAY) + (hidden.get(day) ?? 0);
      const total = own.length + covering + (hidden.get(day) ?? 0);
      return {
        day,
        num: Number(day.slice(8)),
        col: i + 1,
        label: `${formatDayLong(day)}: ${total} ${total === 1 ? 'item' : 'items'}`,
        inMonth: day.slice(0, 7) === month,
        isToday: day === today,
        items: own.slice(0, MAX_PER_DAY).map((item) => itemView(item, today)),
        more,
        moreHref: more ? calendarHref('agenda', { from: day, to: day }, filters) : null,
        dayHref: calendarHref('agenda', { from: day, to: day }, filters),
        total,
      };
    });
    weeks.push({ lanes: taken.length, spans, days });
  }
  return weeks;
}

export interface MiniMonth {
  label: string;
  href: string;
  total: number;
  weeks: ({ day: string; num: number; count: number; level: number; isToday: boolean; href: string; label: string } | null)[][];
}

/**
 * The year: twelve small months, each day with the number of items that start (or fall due) on it;
 * an item that began before the year counts on 1 January. Each month links to its month view.
 */
export function yearMonths(items: readonly CalendarEntry[], year: string, today: string, filters: FilterValues): MiniMonth[] {
  const counts = new Map<string, number>();
  const first = `${year}-01-01`;
  for (const item of items) {
    const day = laterDay(item.start, first);
    counts.set(day, (counts.get(day) ?? 0) + 1);
  }
  const months: MiniMonth[] = [];
  for (let m = 1; m <= 12; m += 1) {
    const month = `${year}-${String(m).padStart(2, '0')}`;
    const start = firstOfMonth(`${month}-01`);
    const href = calendarHref('month', { month }, filters);
    const cells: MiniMonth['weeks'][number] = Array.from({ length: daysBetween(startOfWeek(start), start) }, () => null);
    let total = 0;
    for (const day of daysFrom(start, lastOfMonth(start))) {
      const count = counts.get(day) ?? 0;
      total += count;
      cells.push({
        day,
        num: Number(day.slice(8)),
        count,
        level: count === 0 ? 0 : count === 1 ? 1 : count <= 4 ? 2 : 3,
        isToday: day === today,
        href: calendarHref('month', { month }, filters, `#d-${day}`),
        label: `${formatDayLong(day)}: ${count} ${count === 1 ? 'item' : 'items'}`,
      });
    }
    while (cells.length % 7) cells.push(null);
    const weeks: MiniMonth['weeks'] = [];
    for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
    months.push({ label: formatMonth(start, false), href, total, weeks });
  }
  return months;
}
