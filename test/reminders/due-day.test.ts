import { describe, expect, it } from 'vitest';
import { dueDay } from '../../src/reminders/digest.service.ts';

// The digest must agree with the calendar about when a recurring item is due: a quarterly scan
// series that began two months ago is due at its next occurrence, not overdue since its first.
describe('the day a reminder is due', () => {
  const quarterly = { start: '2026-10-01', end: '2026-10-01', rrule: 'FREQ=MONTHLY;INTERVAL=3;COUNT=4' };

  it('is the last day of a one-off item', () => {
    expect(dueDay({ start: '2026-11-01', end: '2026-11-03', rrule: null }, '2026-11-29', '2026-12-13')).toBe('2026-11-03');
  });

  it('is the next occurrence of a running series, or none within the window', () => {
    expect(dueDay(quarterly, '2026-11-29', '2026-12-13')).toBeNull();
    expect(dueDay(quarterly, '2026-11-29', '2027-01-10')).toBe('2027-01-01');
    expect(dueDay(quarterly, '2027-01-01', '2027-01-10')).toBe('2027-01-01');
  });

  it('is the last occurrence of a series that is over and not done', () => {
    expect(dueDay(quarterly, '2027-08-01', '2027-08-15')).toBe('2027-07-01');
  });

  it('is the first day of a rule Attest cannot expand', () => {
    expect(dueDay({ start: '2026-10-01', end: '2026-10-01', rrule: 'FREQ=WEEKLY;BYDAY=MO' }, '2026-11-29', '2026-12-13')).toBe('2026-10-01');
  });
});
