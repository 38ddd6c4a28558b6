import { authorize, can } from '../auth/policy.ts';
import type { CalendarItem, CalendarItemKind } from '../calendar/calendar.model.ts';
import type { CalendarSource } from '../calendar/calendar.sources.ts';
import { today } from '../dates.ts';
import { certificationKindLabels, type EventKind } from './certifications.model.ts';
import * as repo from './certifications.repository.ts';
import { laterDay, seriesEnd } from './lifecycle.ts';

// The certifications domain's contribution to the calendar, the feeds and the reminders.

const calendarKind = (kind: EventKind): CalendarItemKind => (kind === 'soc2_period' || kind === 'bridge_letter' || kind === 'certificate_expiry' ? kind : 'milestone');

/** SOC 2 reports cover a period (shown by their period event); they do not expire like a certificate. */
const expires = (kind: string) => kind !== 'soc2_type1' && kind !== 'soc2_type2';

/**
 * Programme events of certifications (cancelled ones left out) and each certificate's expiry,
 * overlapping the range. Keys are stable: `event-<id>`, and `cert-<id>-expiry` for the expiry,
 * whether it comes from the certification's dates or (once the cycle is planned) from its first
 * certificate-expiry event. Principals who may not read certifications get nothing.
 */
export const certificationCalendarItems: CalendarSource = async (ctx, principal, range) => {
  if (!can(principal, 'certifications.read')) return [];
  authorize(principal, 'certifications.read');
  const day = today(ctx.clock);
  const [certs, events, expiryRows] = await Promise.all([repo.allCertifications(ctx.db), repo.eventsStartingBy(ctx.db, range.from, range.to), repo.expiryEvents(ctx.db)]);
  const byId = new Map(certs.map((c) => [c.id, c]));
  const expiryEvent = new Map<number, number>();
  for (const e of expiryRows) if (e.certification_id !== null && !expiryEvent.has(e.certification_id)) expiryEvent.set(e.certification_id, e.id);
  const items: CalendarItem[] = [];

  for (const e of events) {
    const cert = e.certification_id === null ? undefined : byId.get(e.certification_id);
    if (!cert) continue;
    const last = e.kind === 'bridge_letter' && e.ends_on === null ? laterDay(day, e.starts_on) : seriesEnd({ startsOn: e.starts_on, endsOn: e.ends_on, rrule: e.rrule });
    if (last < range.from) continue;
    const ownerId = e.owner_id ?? cert.owner_id;
    const ownerLabel = e.owner_id !== null ? e.owner_name || e.owner_email : cert.owner_name || cert.owner_email;
    items.push({
      key: e.kind === 'certificate_expiry' && expiryEvent.get(cert.id) === e.id ? `cert-${cert.id}-expiry` : `event-${e.id}`,
      kind: calendarKind(e.kind),
      title: e.title,
      start: e.starts_on,
      end: e.rrule ? (e.ends_on ?? e.starts_on) : last,
      frameworks: [cert.framework_slug],
      ownerId: ownerId ?? null,
      ownerLabel: ownerLabel ?? null,
      // An observation period that has ended has happened; it is never overdue.
      done: e.status === 'done' || (e.kind === 'soc2_period' && last < day),
      rrule: e.rrule,
      href: `/certifications/${cert.id}`,
      auditId: null,
    });
  }

  for (const c of certs) {
    if (expiryEvent.has(c.id) || !expires(c.kind) || c.valid_until < range.from || c.valid_until > range.to) continue;
    const renewed = certs.some((o) => o.id !== c.id && o.framework_id === c.framework_id && o.withdrawn_on === null && o.valid_from > c.valid_from);
    items.push({
      key: `cert-${c.id}-expiry`,
      kind: 'certificate_expiry',
      title: `${c.framework_name}: ${certificationKindLabels[c.kind]}${c.number ? ` ${c.number}` : ''} expires`,
      start: c.valid_until,
      end: c.valid_until,
      frameworks: [c.framework_slug],
      ownerId: c.owner_id,
      ownerLabel: c.owner_name || c.owner_email || null,
      // Nothing is owed for a certificate withdrawn or already renewed.
      done: c.withdrawn_on !== null || renewed,
      rrule: null,
      href: `/certifications/${c.id}`,
      auditId: null,
    });
  }
  return items.sort((a, b) => a.start.localeCompare(b.start) || a.key.localeCompare(b.key));
};
