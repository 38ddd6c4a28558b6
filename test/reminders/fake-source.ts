import type { CalendarItem, CalendarRange } from '../../src/calendar/calendar.model.ts';
import { type CalendarSource, calendarSources } from '../../src/calendar/calendar.sources.ts';

/** A calendar item with the fields a test does not care about filled in. */
export function calendarItem(fields: Pick<CalendarItem, 'key' | 'kind' | 'title' | 'end' | 'ownerId'> & Partial<CalendarItem>): CalendarItem {
  return { start: fields.end, frameworks: [], ownerLabel: null, done: false, rrule: null, href: `/items/${fields.key}`, auditId: null, ...fields };
}

/** A source returning `items()` that overlap the range, as a domain's source would. */
export function fakeSource(items: () => CalendarItem[]): CalendarSource {
  return async (_ctx, _principal, range: CalendarRange) => items().filter((i) => i.end >= range.from && i.start <= range.to);
}

/** Adds a source to the real list for the test; the returned function takes it out again. */
export function installSource(source: CalendarSource): () => void {
  calendarSources.push(source);
  return () => {
    const at = calendarSources.indexOf(source);
    if (at >= 0) calendarSources.splice(at, 1);
  };
}
