// What every domain contributes to the calendar, the feeds and the reminders. A domain exports a
// function returning CalendarItem[] for a range of days; the calendar knows nothing else about it.

export const calendarItemKinds = [
  'audit',
  'fieldwork',
  'milestone',
  'certificate_expiry',
  'soc2_period',
  'bridge_letter',
  'evidence_due',
  'evidence_request_due',
  'finding_due',
] as const;
export type CalendarItemKind = (typeof calendarItemKinds)[number];

export interface CalendarItem {
  /** Stable across requests and edits: the feed's UID is built from it ("event-12", "finding-3"). */
  key: string;
  kind: CalendarItemKind;
  title: string;
  /** First day (UTC, YYYY-MM-DD), and the last day inclusive for multi-day items. */
  start: string;
  end: string;
  /** Framework slugs the item concerns (filtering); empty when none. */
  frameworks: string[];
  /** Who owes the work: a user id, or a control owner's title when no user holds it. */
  ownerId: number | null;
  ownerLabel: string | null;
  /** Done items are shown but never overdue. */
  done: boolean;
  /** RFC 5545 RRULE (without the "RRULE:" prefix) for items that truly recur. */
  rrule: string | null;
  /** Where the item lives in the app. */
  href: string;
  /** The audit it belongs to, for per-audit feeds. */
  auditId: number | null;
  /** When the item last changed (ISO instant), if known: the feed's DTSTAMP, so it stays stable. */
  updatedAt?: string | null;
  /** Something the dates alone do not say: a control never evidenced is due now (shown on today). */
  flag?: CalendarItemFlag | null;
}

export const calendarItemFlags = ['never_evidenced'] as const;
export type CalendarItemFlag = (typeof calendarItemFlags)[number];

export interface CalendarRange {
  from: string;
  to: string;
}
