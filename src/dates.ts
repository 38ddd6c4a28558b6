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
