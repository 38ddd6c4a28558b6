import { addDays, daysBetween, isDay } from '../dates.ts';
import type { CalendarItem, CalendarRange } from './calendar.model.ts';

// Occurrences of items that recur (an RRULE), for the pages and to decide whether a series touches
// a range. Only what Attest's sources write is expanded: FREQ with INTERVAL and COUNT or UNTIL, no
// BY… parts. Days that do not exist are skipped, as RFC 5545 says (monthly on the 31st has no
// occurrence in April). The feeds carry the RRULE itself and leave expansion to the calendar app.

type Freq = 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY';

export interface Rule {
  freq: Freq;
  interval: number;
  count: number | null;
  until: string | null;
}

/** No series is expanded past this many steps (ten years of days). */
const MAX_STEPS = 3660;

/** The rule, or null when it is not one Attest expands (then the item is shown on its first day only). */
export function parseRule(rrule: string | null): Rule | null {
  if (!rrule) return null;
  const parts = new Map(rrule.split(';').map((p) => p.split('=') as [string, string]));
  const freq = parts.get('FREQ');
  if (freq !== 'DAILY' && freq !== 'WEEKLY' && freq !== 'MONTHLY' && freq !== 'YEARLY') return null;
  if ([...parts.keys()].some((k) => !['FREQ', 'INTERVAL', 'COUNT', 'UNTIL', 'WKST'].includes(k))) return null;
  const interval = Number(parts.get('INTERVAL') ?? 1);
  const count = parts.has('COUNT') ? Number(parts.get('COUNT')) : null;
  const untilText = parts.get('UNTIL');
  const until = untilText ? `${untilText.slice(0, 4)}-${untilText.slice(4, 6)}-${untilText.slice(6, 8)}` : null;
  if (!Number.isInteger(interval) || interval < 1 || (count !== null && (!Number.isInteger(count) || count < 1)) || (until !== null && !isDay(until))) return null;
  return { freq, interval, count, until };
}

/** The day `n` steps of `rule` after `start`, or null when that day does not exist (31 April). */
function step(start: string, rule: Rule, n: number): string | null {
  const k = n * rule.interval;
  if (rule.freq === 'DAILY') return addDays(start, k);
  if (rule.freq === 'WEEKLY') return addDays(start, 7 * k);
  const [y, m, d] = start.split('-').map(Number) as [number, number, number];
  const months = rule.freq === 'MONTHLY' ? k : 12 * k;
  const year = y + Math.floor((m - 1 + months) / 12);
  const month = ((m - 1 + months) % 12) + 1;
  const day = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  return isDay(day) ? day : null;
}

/** First days of the occurrences starting no later than `last`. */
export function occurrenceStarts(start: string, rule: Rule, last: string): string[] {
  const days: string[] = [];
  for (let n = 0; n < MAX_STEPS; n += 1) {
    if (rule.count !== null && days.length >= rule.count) break;
    const day = step(start, rule, n);
    if (day === null) continue;
    if (day > last || (rule.until !== null && day > rule.until)) break;
    days.push(day);
  }
  return days;
}

/** The last day of the series' last occurrence, or null when it never ends. */
export function seriesLastDay(item: Pick<CalendarItem, 'start' | 'end' | 'rrule'>): string | null {
  const rule = parseRule(item.rrule);
  if (!rule) return item.end;
  if (rule.count === null && rule.until === null) return null;
  const starts = occurrenceStarts(item.start, rule, rule.until ?? '9999-12-31');
  return addDays(starts.at(-1) ?? item.start, daysBetween(item.start, item.end));
}

/** The occurrences of an item overlapping the range: the item itself unless it recurs. */
export function occurrencesIn<T extends Pick<CalendarItem, 'start' | 'end' | 'rrule'>>(item: T, range: CalendarRange): T[] {
  const rule = parseRule(item.rrule);
  const overlaps = (s: string, e: string) => s <= range.to && e >= range.from;
  if (!rule) return overlaps(item.start, item.end) ? [item] : [];
  const length = daysBetween(item.start, item.end);
  return occurrenceStarts(item.start, rule, range.to)
    .map((s) => ({ ...item, start: s, end: addDays(s, length) }))
    .filter((o) => overlaps(o.start, o.end));
}
