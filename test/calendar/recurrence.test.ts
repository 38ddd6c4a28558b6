import { describe, expect, it } from 'vitest';
import { occurrencesIn, parseRule, seriesLastDay } from '../../src/calendar/recurrence.ts';

// The occurrences the pages show for recurring items (the feeds carry the RRULE itself).

const starts = (start: string, rrule: string, from: string, to: string) => occurrencesIn({ start, end: start, rrule }, { from, to }).map((o) => o.start);

describe('recurrence', () => {
  it('expands FREQ with INTERVAL, COUNT and UNTIL', () => {
    expect(starts('2026-12-15', 'FREQ=MONTHLY;INTERVAL=3;COUNT=4', '2026-01-01', '2028-12-31')).toEqual(['2026-12-15', '2027-03-15', '2027-06-15', '2027-09-15']);
    expect(starts('2026-01-05', 'FREQ=WEEKLY;INTERVAL=2;UNTIL=20260301', '2026-01-01', '2026-12-31')).toEqual(['2026-01-05', '2026-01-19', '2026-02-02', '2026-02-16']);
    expect(starts('2024-02-29', 'FREQ=YEARLY', '2024-01-01', '2028-12-31')).toEqual(['2024-02-29', '2028-02-29']);
    expect(starts('2026-01-30', 'FREQ=DAILY;COUNT=3', '2026-01-31', '2026-12-31')).toEqual(['2026-01-31', '2026-02-01']);
  });

  it('skips days that do not exist, as RFC 5545 says', () => {
    expect(starts('2026-01-31', 'FREQ=MONTHLY;COUNT=4', '2026-01-01', '2026-12-31')).toEqual(['2026-01-31', '2026-03-31', '2026-05-31', '2026-07-31']);
  });

  it('keeps each occurrence as long as the first; a multi-day occurrence overlapping the range counts', () => {
    // 30 January: February has no 30th, and the March occurrence starts after the day asked for.
    expect(occurrencesIn({ start: '2026-01-30', end: '2026-02-02', rrule: 'FREQ=MONTHLY' }, { from: '2026-03-01', to: '2026-03-01' })).toEqual([]);
    expect(occurrencesIn({ start: '2026-01-28', end: '2026-02-02', rrule: 'FREQ=MONTHLY' }, { from: '2026-03-01', to: '2026-03-01' })).toEqual([
      { start: '2026-02-28', end: '2026-03-05', rrule: 'FREQ=MONTHLY' },
    ]);
  });

  it('knows when a series ends, and leaves rules it does not expand alone', () => {
    expect(seriesLastDay({ start: '2026-12-15', end: '2026-12-16', rrule: 'FREQ=MONTHLY;INTERVAL=3;COUNT=4' })).toBe('2027-09-16');
    expect(seriesLastDay({ start: '2026-12-15', end: '2026-12-15', rrule: 'FREQ=MONTHLY' })).toBeNull();
    expect(parseRule('FREQ=MONTHLY;BYDAY=1MO')).toBeNull();
    expect(parseRule('FREQ=HOURLY')).toBeNull();
    expect(parseRule('FREQ=DAILY;INTERVAL=0')).toBeNull();
  });
});
