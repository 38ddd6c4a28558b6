import { addDays } from '../dates.ts';

// The day ranges a control's evidence covers. The coverage rule (DESIGN.md) makes a control's
// evidence count on day D when an accepted, current item has collected_at ≤ D ≤ valid_until; the
// union of those ranges, merged where they overlap, answers "is there such an item on D?" exactly,
// with a handful of rows per control however much evidence piles up. Days are YYYY-MM-DD text,
// compared as text, as the rule compares them.

export interface Interval {
  from: string;
  until: string;
}

/**
 * Merges ranges that overlap or follow on the next day (the same islands as the migration's SQL):
 * for whole days, [a, b] and [b + 1, c] cover exactly what [a, c] covers. Empty ranges are dropped.
 */
export function mergeIntervals(items: Interval[]): Interval[] {
  const sorted = items.filter((i) => i.from <= i.until).sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.until < b.until ? -1 : a.until > b.until ? 1 : 0));
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.from <= addDays(last.until, 1)) {
      if (i.until > last.until) last.until = i.until;
    } else out.push({ ...i });
  }
  return out;
}
