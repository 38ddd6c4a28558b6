import { can } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { today } from '../dates.ts';
import { evidenceDueByControl } from '../evidence/evidence.repository.ts';
import type { CalendarItem, CalendarRange } from './calendar.model.ts';
import { usersByJobTitle } from './calendar.repository.ts';

/**
 * Evidence due dates as calendar items: for every applicable, implemented, active control, the last
 * day its current accepted evidence is valid (the latest valid_until). A control never evidenced is
 * due now: it is shown on today, flagged. Only those who log evidence (GRC staff, administrators)
 * see these; to everyone else this source contributes nothing.
 */
export async function evidenceDueItems(ctx: AppContext, principal: Principal, range: CalendarRange): Promise<CalendarItem[]> {
  if (!can(principal, 'evidence.log')) return [];
  const day = today(ctx.clock);
  const [controls, holders] = await Promise.all([evidenceDueByControl(ctx.db), usersByJobTitle(ctx.db)]);
  const items: CalendarItem[] = [];
  for (const c of controls) {
    const due = c.lastDay ?? day;
    if (due < range.from || due > range.to) continue;
    items.push({
      key: `evidence-due-${c.ref}`,
      kind: 'evidence_due',
      title: `Evidence due: ${c.ref} ${c.title}`,
      start: due,
      end: due,
      frameworks: c.frameworks,
      ownerId: holders.get(c.owner.trim().toLowerCase())?.id ?? null,
      ownerLabel: c.owner,
      done: false,
      rrule: null,
      href: `/controls/${encodeURIComponent(c.ref)}`,
      auditId: null,
      // A never-evidenced control moves with today, so its stamp does too.
      updatedAt: c.lastDay === null ? `${day}T00:00:00.000Z` : (c.reviewedAt ?? c.updatedAt),
      flag: c.lastDay === null ? 'never_evidenced' : null,
    });
  }
  return items;
}
