import { authorize } from '../auth/policy.ts';
import { type Principal, userPrincipal } from '../auth/principal.ts';
import { listUsers, type User } from '../auth/users.service.ts';
import type { CalendarItem, CalendarItemKind } from '../calendar/calendar.model.ts';
import { calendarSources } from '../calendar/calendar.sources.ts';
import { occurrencesIn, parseRule, seriesLastDay } from '../calendar/recurrence.ts';
import type { AppContext } from '../context.ts';
import { addDays, daysBetween, today } from '../dates.ts';
import { AppError, isAppError } from '../http/errors.ts';

/**
 * What a digest reminds about: deadlines someone owes, and certificates running out unrenewed.
 * Spans (audits, fieldwork, SOC 2 periods) stay on the calendar: their end is nobody's deadline.
 */
export const reminderKinds = [
  'evidence_due',
  'evidence_request_due',
  'finding_due',
  'milestone',
  'bridge_letter',
  'certificate_expiry',
] as const satisfies readonly CalendarItemKind[];
export type ReminderKind = (typeof reminderKinds)[number];

/** How far back overdue items are looked for; older ones are the calendar's to show. */
export const OVERDUE_LOOKBACK_DAYS = 365;

export interface DigestItem {
  key: string;
  kind: ReminderKind;
  title: string;
  /** The day it is due (the item's last day). */
  due: string;
  /** Days from today to the due day: negative when overdue, 0 when due today. */
  daysLeft: number;
  /** Where it lives in the app: a path on this site. */
  href: string;
}

export interface DigestSection {
  kind: ReminderKind;
  items: DigestItem[];
}

export interface Digest {
  userId: number;
  day: string;
  windowDays: number;
  /** Overdue first, then due within the window; each grouped by kind in `reminderKinds` order. */
  overdue: DigestSection[];
  dueSoon: DigestSection[];
  overdueCount: number;
  count: number;
}

const isReminderKind = (kind: CalendarItemKind): kind is ReminderKind => (reminderKinds as readonly string[]).includes(kind);

/** Only a path on this site is a link; anything else a source might return goes to the digest page. */
export function safeHref(href: string): string {
  return /^\/(?![/\\])[^\s\\]*$/.test(href) ? href : '/reminders';
}

/**
 * The day an item is due, as the calendar shows it: its last day; for a recurring series the next
 * occurrence from today on, or, when the whole series is past and not done, its last occurrence
 * (the calendar marks only that one overdue). Null when no occurrence falls due by `until`.
 */
export function dueDay(item: Pick<CalendarItem, 'start' | 'end' | 'rrule'>, day: string, until: string): string | null {
  if (item.rrule === null || !parseRule(item.rrule)) return item.end;
  const last = seriesLastDay(item);
  if (last !== null && last < day) return last;
  return occurrencesIn(item, { from: day, to: until })[0]?.end ?? null;
}

function sections(items: DigestItem[]): DigestSection[] {
  return reminderKinds.map((kind) => ({ kind, items: items.filter((i) => i.kind === kind) })).filter((s) => s.items.length > 0);
}

/**
 * One user's digest: every calendar source asked as that user (so they see only what they may),
 * keeping what they own that is not done and is overdue or due by today + window.
 */
async function buildDigest(ctx: AppContext, asUser: Principal, userId: number, day: string): Promise<Digest> {
  const windowDays = ctx.config.reminders.windowDays;
  const range = { from: addDays(day, -OVERDUE_LOOKBACK_DAYS), to: addDays(day, windowDays) };
  const byKey = new Map<string, DigestItem>();
  for (const source of calendarSources) {
    let found: CalendarItem[];
    try {
      found = await source(ctx, asUser, range);
    } catch (err) {
      // A source may refuse a role outright; to that user it contributes nothing.
      if (isAppError(err) && err.code === 'forbidden') continue;
      throw err;
    }
    for (const item of found) {
      if (item.ownerId !== userId || item.done || !isReminderKind(item.kind)) continue;
      const due = dueDay(item, day, range.to);
      if (due === null || due < range.from || due > range.to || byKey.has(item.key)) continue;
      byKey.set(item.key, { key: item.key, kind: item.kind, title: item.title, due, daysLeft: daysBetween(day, due), href: safeHref(item.href) });
    }
  }
  const items = [...byKey.values()].sort((a, b) => a.due.localeCompare(b.due) || a.title.localeCompare(b.title));
  const overdue = items.filter((i) => i.daysLeft < 0);
  return {
    userId,
    day,
    windowDays,
    overdue: sections(overdue),
    dueSoon: sections(items.filter((i) => i.daysLeft >= 0)),
    overdueCount: overdue.length,
    count: items.length,
  };
}

/** The signed-in user's own digest, now. */
export async function myDigest(ctx: AppContext, principal: Principal): Promise<Digest> {
  authorize(principal, 'app.use');
  if (principal.userId === null) throw AppError.forbidden('Only a signed-in user has a digest.');
  return buildDigest(ctx, principal, principal.userId, today(ctx.clock));
}

/** Every active user's digest for today (empty ones included), as the delivery needs them. */
export async function allDigests(ctx: AppContext, principal: Principal): Promise<{ digest: Digest; user: User }[]> {
  authorize(principal, 'reminders.send');
  const day = today(ctx.clock);
  const users = (await listUsers(ctx, principal)).filter((u) => !u.disabled);
  const digests: { digest: Digest; user: User }[] = [];
  for (const user of users) {
    digests.push({ digest: await buildDigest(ctx, userPrincipal(user, 'system'), user.id, day), user });
  }
  return digests;
}
