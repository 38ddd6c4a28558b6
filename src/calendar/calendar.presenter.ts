import { addDays, daysBetween, formatDayLong, formatDayShort, laterDay } from '../dates.ts';
import type { CalendarItemKind } from './calendar.model.ts';
import type { CalendarView } from './calendar.schema.ts';
import type { CalendarEntry } from './calendar.service.ts';

// What the calendar pages, the API and the feeds show of calendar items. Labels live here.

export const kindLabels: Record<CalendarItemKind, string> = {
  audit: 'Audit',
  fieldwork: 'Fieldwork',
  milestone: 'Milestone',
  certificate_expiry: 'Certificate expiry',
  soc2_period: 'SOC 2 period',
  bridge_letter: 'Bridge letter',
  evidence_due: 'Evidence due',
  evidence_request_due: 'Evidence request due',
  finding_due: 'Finding due',
};

export interface ItemView {
  key: string;
  title: string;
  href: string;
  kind: CalendarItemKind;
  kindLabel: string;
  start: string;
  end: string;
  multiDay: boolean;
  /** "23 Nov – 4 Dec" for multi-day items, else the day. */
  when: string;
  ownerLabel: string | null;
  frameworks: string[];
  overdue: boolean;
  done: boolean;
  recurring: boolean;
  /** "never evidenced", when the dates alone do not say it. */
  flagLabel: string | null;
  /** Days late (overdue items), for the agenda. */
  daysLate: number;
}

export function itemView(item: CalendarEntry, today: string): ItemView {
  const multiDay = item.end > item.start;
  return {
    key: item.key,
    title: item.title,
    href: item.href,
    kind: item.kind,
    kindLabel: kindLabels[item.kind],
    start: item.start,
    end: item.end,
    multiDay,
    when: multiDay
      ? `${item.start.slice(0, 4) === item.end.slice(0, 4) ? formatDayShort(item.start) : formatDayLong(item.start)} – ${formatDayLong(item.end)}`
      : formatDayLong(item.start),
    ownerLabel: item.ownerLabel,
    frameworks: item.frameworks,
    overdue: item.overdue,
    done: item.done,
    recurring: item.rrule !== null,
    flagLabel: item.flag === 'never_evidenced' ? 'never evidenced' : null,
    daysLate: item.overdue ? daysBetween(item.end, today) : 0,
  };
}

/** What the API returns for an item: the contract's fields and `overdue`, nothing for display. */
export function itemJson(item: CalendarEntry) {
  return {
    key: item.key,
    kind: item.kind,
    title: item.title,
    start: item.start,
    end: item.end,
    frameworks: item.frameworks,
    ownerId: item.ownerId,
    ownerLabel: item.ownerLabel,
    done: item.done,
    overdue: item.overdue,
    rrule: item.rrule,
    href: item.href,
    auditId: item.auditId,
    flag: item.flag ?? null,
  };
}

/** The filters a link keeps. */
export interface FilterValues {
  framework?: string | undefined;
  owner?: number | undefined;
  kind?: readonly string[] | undefined;
}

/** A link to a calendar view that keeps the filters. */
export function calendarHref(view: CalendarView, position: Record<string, string>, filters: FilterValues, hash = ''): string {
  const params = new URLSearchParams({ view, ...position });
  if (filters.framework) params.set('framework', filters.framework);
  if (filters.owner !== undefined) params.set('owner', String(filters.owner));
  if (filters.kind?.length) params.set('kind', filters.kind.join(','));
  return `/calendar?${params.toString()}${hash}`;
}

export interface AgendaDay {
  day: string;
  label: string;
  isToday: boolean;
  items: ItemView[];
}

/**
 * The agenda: items grouped by day, in order. An item that began before the range is listed on the
 * range's first day; a multi-day item is listed once, with its span.
 */
export function agendaDays(items: readonly CalendarEntry[], from: string, today: string): AgendaDay[] {
  const days = new Map<string, AgendaDay>();
  for (const item of items) {
    const day = laterDay(item.start, from);
    let group = days.get(day);
    if (!group) {
      group = { day, label: formatDayLong(day), isToday: day === today, items: [] };
      days.set(day, group);
    }
    group.items.push(itemView(item, today));
  }
  return [...days.values()].sort((a, b) => (a.day < b.day ? -1 : 1));
}

/** The next and previous windows of the agenda, of the same length. */
export function agendaWindows(from: string, to: string, filters: FilterValues) {
  const length = daysBetween(from, to) + 1;
  return {
    prevHref: calendarHref('agenda', { from: addDays(from, -length), to: addDays(from, -1) }, filters),
    nextHref: calendarHref('agenda', { from: addDays(to, 1), to: addDays(to, length) }, filters),
    label: from === to ? formatDayLong(from) : `${formatDayLong(from)} – ${formatDayLong(to)}`,
  };
}

/** The choices of the filter form, with the current ones selected. */
export function filterOptions(choices: { frameworks: { slug: string; name: string }[]; owners: { id: number; label: string }[]; me: number | null }, current: FilterValues) {
  const owners = [...choices.owners];
  if (choices.me !== null && !owners.some((o) => o.id === choices.me)) owners.unshift({ id: choices.me, label: 'Me' });
  if (current.owner !== undefined && !owners.some((o) => o.id === current.owner)) owners.push({ id: current.owner, label: `User ${current.owner}` });
  return {
    frameworks: choices.frameworks.map((f) => ({ value: f.slug, label: f.name, selected: f.slug === current.framework })),
    owners: owners.map((o) => ({ value: String(o.id), label: o.id === choices.me ? `${o.label} (me)` : o.label, selected: o.id === current.owner })),
    kinds: (Object.keys(kindLabels) as CalendarItemKind[]).map((k) => ({ value: k, label: kindLabels[k], selected: current.kind?.length === 1 && current.kind[0] === k })),
  };
}
