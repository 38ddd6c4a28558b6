import type { CalendarItem } from '../../src/calendar/calendar.model.ts';
import { calendarSources, type CalendarSource } from '../../src/calendar/calendar.sources.ts';

// Items of every kind, standing in for the certifications and audits domains' sources, so the
// calendar, its pages and its feeds can be tested before those sources exist. Today is 2026-11-21.

export const AUDIT_ID = 7;
export const LONG_WORD = `Supercalifragilistic${'x'.repeat(180)}`;

export function fakeItems(ownerId: number, otherId: number, auditId = AUDIT_ID): CalendarItem[] {
  const base = {
    frameworks: [] as string[],
    ownerId: null as number | null,
    ownerLabel: null as string | null,
    done: false,
    rrule: null as string | null,
    auditId: null as number | null,
  };
  return [
    {
      ...base,
      key: 'audit-7',
      kind: 'audit',
      title: 'Alpha surveillance audit',
      start: '2026-11-23',
      end: '2026-11-27',
      frameworks: ['alpha'],
      auditId,
      ownerId,
      ownerLabel: 'Grace',
      href: '/audits/7',
      updatedAt: '2026-10-01T09:00:00.000Z',
    },
    { ...base, key: 'fieldwork-7', kind: 'fieldwork', title: 'Alpha fieldwork', start: '2026-12-01', end: '2026-12-03', frameworks: ['alpha'], auditId, href: '/audits/7' },
    { ...base, key: 'event-1', kind: 'milestone', title: 'Management review', start: '2026-11-25', end: '2026-11-25', frameworks: ['beta'], href: '/certifications/1' },
    {
      ...base,
      key: 'event-2',
      kind: 'milestone',
      title: 'Quarterly ASV scan',
      start: '2026-12-15',
      end: '2026-12-15',
      frameworks: ['beta'],
      rrule: 'FREQ=MONTHLY;INTERVAL=3;COUNT=4',
      href: '/certifications/1',
    },
    {
      ...base,
      key: 'cert-1',
      kind: 'certificate_expiry',
      title: 'Alpha certificate expires',
      start: '2027-03-31',
      end: '2027-03-31',
      frameworks: ['alpha'],
      href: '/certifications/1',
    },
    { ...base, key: 'soc2-1', kind: 'soc2_period', title: 'Beta observation period', start: '2026-01-01', end: '2026-12-31', frameworks: ['beta'], href: '/certifications/2' },
    { ...base, key: 'bridge-1', kind: 'bridge_letter', title: 'Bridge letter', start: '2027-01-15', end: '2027-01-15', frameworks: ['beta'], href: '/certifications/2' },
    {
      ...base,
      key: 'request-1',
      kind: 'evidence_request_due',
      title: 'Request R-1: firewall rules',
      start: '2026-11-10',
      end: '2026-11-10',
      auditId,
      ownerId: otherId,
      ownerLabel: 'Omar',
      href: '/audits/7/requests/1',
    },
    {
      ...base,
      key: 'finding-1',
      kind: 'finding_due',
      title: 'Finding F-1 corrective action',
      start: '2026-11-30',
      end: '2026-11-30',
      auditId,
      ownerId,
      ownerLabel: 'Grace',
      href: '/audits/7/findings/1',
    },
    {
      ...base,
      key: 'finding-2',
      kind: 'finding_due',
      title: 'Finding F-2 closed',
      start: '2026-11-05',
      end: '2026-11-05',
      auditId,
      ownerId,
      ownerLabel: 'Grace',
      done: true,
      href: '/audits/7/findings/2',
    },
    { ...base, key: 'event-3', kind: 'milestone', title: '<script>alert(1)</script> & "quotes"', start: '2026-11-26', end: '2026-11-26', href: '/certifications/3' },
    { ...base, key: 'event-4', kind: 'milestone', title: LONG_WORD, start: '2026-11-26', end: '2026-11-26', href: '/certifications/4' },
    { ...base, key: 'event-5', kind: 'milestone', title: 'مراجعة الإدارة السنوية', start: '2026-11-26', end: '2026-11-26', href: '/certifications/5' },
    { ...base, key: 'event-6', kind: 'milestone', title: 'Crowded day item', start: '2026-11-26', end: '2026-11-26', href: '/certifications/6' },
    {
      ...base,
      key: 'event-7',
      kind: 'milestone',
      title: 'Monthly access review',
      start: '2025-01-10',
      end: '2025-01-10',
      ownerId,
      ownerLabel: 'Grace',
      rrule: 'FREQ=MONTHLY',
      href: '/certifications/7',
    },
  ] as CalendarItem[];
}

/** Registers a source returning `items` (as the domains do) and returns a function that removes it. */
export function registerFakeSource(items: CalendarItem[]): () => void {
  // Like the domains' sources: a recurring item from its first day on, whatever the range's start.
  const source: CalendarSource = async (_ctx, _principal, range) => items.filter((i) => i.start <= range.to && (i.rrule !== null || i.end >= range.from));
  calendarSources.push(source);
  return () => {
    const at = calendarSources.indexOf(source);
    if (at >= 0) calendarSources.splice(at, 1);
  };
}
