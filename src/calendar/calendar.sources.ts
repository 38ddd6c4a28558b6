import { auditCalendarItems } from '../audits/audits.calendar.ts';
import type { Principal } from '../auth/principal.ts';
import { certificationCalendarItems } from '../certifications/certifications.calendar.ts';
import type { AppContext } from '../context.ts';
import type { CalendarItem, CalendarRange } from './calendar.model.ts';
import { evidenceDueItems } from './evidence-due.source.ts';

/**
 * A domain's contribution to the calendar: its dated items overlapping the range that the principal
 * may see (the source asks the policy itself). The calendar, the feeds and the reminders read every
 * source through this list and know nothing else about the domains.
 */
export type CalendarSource = (ctx: AppContext, principal: Principal, range: CalendarRange) => Promise<CalendarItem[]>;

export const calendarSources: CalendarSource[] = [
  // Each domain adds its source here: certifications (milestones, expiries, SOC 2 periods, bridge
  // letters), audits (audits, fieldwork, findings and evidence requests due), evidence (due dates).
  auditCalendarItems,
  certificationCalendarItems,
  evidenceDueItems,
];
