import type { Clock } from './context.ts';

// The one date module. Attest keeps days as UTC `YYYY-MM-DD` text and instants as UTC ISO-8601
// text; every conversion between them, and all day arithmetic, happens here.

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The UTC day of an instant. */
export function dayOf(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

/** Today, by the injected clock. */
export function today(clock: Clock): string {
  return dayOf(clock());
}

/** True for an existing calendar day written YYYY-MM-DD (2026-02-30 is not one: Date would roll it over). */
export function isDay(value: unknown): value is string {
  if (typeof value !== 'string' || !DAY.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && dayOf(d) === value;
}

export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return dayOf(d);
}

export const nextDay = (day: string): string => addDays(day, 1);

/**
 * The day before the same day `months` later (31 Jan + 1 month → 27/28 Feb): the last day of a
 * period of `months` months that starts on `day`. The day of month is kept where it exists.
 */
export function lastDayOfPeriod(day: string, months: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  const dayOfMonth = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const lastOfMonth = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(dayOfMonth, lastOfMonth));
  d.setUTCDate(d.getUTCDate() - 1);
  return dayOf(d);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The instant as `YYYY-MM-DD HH:MM UTC`, for people. */
export function formatInstant(iso: string): string {
  const d = new Date(iso);
  return `${dayOf(d)} ${d.toISOString().slice(11, 16)} UTC`;
}

/** The same day `months` later (negative: earlier); a day past the month's end rolls over, as Date does. */
export function addMonths(day: string, months: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return dayOf(d);
}

/** The weekday of a day, Monday 0 … Sunday 6 (ISO order; the calendar's weeks start on Monday). */
export function weekdayOf(day: string): number {
  return (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
}

/** The Monday of the week holding `day`. */
export const startOfWeek = (day: string): string => addDays(day, -weekdayOf(day));

/** The first and the last day of the month holding `day`. */
export const firstOfMonth = (day: string): string => `${day.slice(0, 7)}-01`;

export function lastOfMonth(day: string): string {
  const d = new Date(`${firstOfMonth(day)}T00:00:00Z`);
  return dayOf(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)));
}

/** True for an existing month written YYYY-MM (years 1000–9999). */
export function isMonth(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-\d{2}$/.test(value) && isDay(`${value}-01`) && value >= '1000-01';
}

/** Every day from `from` to `to`, both included (empty when `to` is earlier). */
export function daysFrom(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = from; d <= to; d = nextDay(d)) days.push(d);
  return days;
}

/** A day as an instant at 00:00 UTC (for libraries that take a Date). */
export const dayStart = (day: string): Date => new Date(`${day}T00:00:00Z`);

const longDay = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const shortDay = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const monthYear = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const monthOnly = new Intl.DateTimeFormat('en-GB', { month: 'long', timeZone: 'UTC' });

/** "Mon, 23 Nov 2026" — a day for people (UTC). */
export const formatDayLong = (day: string): string => longDay.format(dayStart(day));
/** "23 Nov". */
export const formatDayShort = (day: string): string => shortDay.format(dayStart(day));
/** "November 2026" (or "November" without the year). */
export const formatMonth = (day: string, withYear = true): string => (withYear ? monthYear : monthOnly).format(dayStart(day));

/** The later and the earlier of two days (YYYY-MM-DD compares as text). */
export const laterDay = (a: string, b: string): string => (a > b ? a : b);
export const earlierDay = (a: string, b: string): string => (a < b ? a : b);

/** The instant at 00:00 UTC of the day after `day`: an all-day event's exclusive end. */
export const dayAfter = (day: string): Date => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000);
