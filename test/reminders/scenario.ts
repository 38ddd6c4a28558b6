import type { CalendarItem } from '../../src/calendar/calendar.model.ts';
import { setDisabled } from '../../src/auth/users.service.ts';
import { systemPrincipal } from '../../src/auth/principal.ts';
import { addDays } from '../../src/dates.ts';
import type { TestContext } from '../helpers/context.ts';
import { buildUser } from '../helpers/factories.ts';
import { calendarItem } from './fake-source.ts';

export type Person = Awaited<ReturnType<typeof buildUser>>;

export const HOSTILE = '<script>alert("x")</script> & "quotes"';

export interface People {
  ana: Person;
  ben: Person;
  cy: Person;
  dee: Person;
}

/** Four users: ana (GRC), ben (viewer), cy (admin), dee (GRC, disabled). */
export async function buildPeople(ctx: TestContext): Promise<People> {
  const tag = Math.random().toString(36).slice(2, 7);
  const ana = await buildUser(ctx, { role: 'grc', name: 'Ana Owner', email: `ana-${tag}@example.test` });
  const ben = await buildUser(ctx, { role: 'viewer', name: 'Ben Viewer', email: `ben-${tag}@example.test` });
  const cy = await buildUser(ctx, { role: 'admin', name: 'Cy Nothing', email: `cy-${tag}@example.test` });
  const dee = await buildUser(ctx, { role: 'grc', name: 'Dee Disabled', email: `dee-${tag}@example.test` });
  await setDisabled(ctx, systemPrincipal, dee.id, true);
  return { ana, ben, cy, dee };
}

/**
 * The calendar items the four own around `day` (with a 14-day window):
 * - ana: one finding overdue, evidence due today, an evidence request in 4 days, a milestone on the
 *   window's last day; and what must stay out: a done item, one past the window, one older than a
 *   year, an audit span, another user's item and one owned by a title only.
 * - ben: one evidence request overdue with a hostile title, and an item whose link is not a path.
 * - cy: nothing due. dee: disabled, with an item due.
 */
export function scenarioItems({ ana, ben, dee }: People, day: string): { tag: string; items: CalendarItem[] } {
  const tag = Math.random().toString(36).slice(2, 7);
  const at = (offset: number) => addDays(day, offset);
  const items: CalendarItem[] = [
    calendarItem({ key: `f-${tag}`, kind: 'finding_due', title: `Finding F-1 ${tag}: rotate the keys`, end: at(-11), ownerId: ana.id, href: `/audits/1/findings/${tag}` }),
    calendarItem({ key: `e-${tag}`, kind: 'evidence_due', title: `Evidence due: IAM-01 ${tag}`, end: at(0), ownerId: ana.id, href: '/controls/IAM-01' }),
    calendarItem({ key: `r-${tag}`, kind: 'evidence_request_due', title: `Request R-7 ${tag}`, end: at(4), ownerId: ana.id, href: `/audits/1/requests/${tag}` }),
    calendarItem({ key: `m-${tag}`, kind: 'milestone', title: `Stage 2 audit booked ${tag}`, end: at(14), ownerId: ana.id, href: `/certifications/1#${tag}` }),
    calendarItem({ key: `done-${tag}`, kind: 'finding_due', title: `DONE finding ${tag}`, end: at(-3), ownerId: ana.id, done: true }),
    calendarItem({ key: `late-${tag}`, kind: 'milestone', title: `PAST WINDOW ${tag}`, end: at(15), ownerId: ana.id }),
    calendarItem({ key: `old-${tag}`, kind: 'evidence_due', title: `OLDER THAN A YEAR ${tag}`, end: at(-366), ownerId: ana.id }),
    calendarItem({ key: `span-${tag}`, kind: 'audit', title: `AUDIT SPAN ${tag}`, start: at(-2), end: at(3), ownerId: ana.id }),
    calendarItem({ key: `other-${tag}`, kind: 'finding_due', title: `SOMEONE ELSE ${tag}`, end: at(1), ownerId: -1 }),
    calendarItem({ key: `title-${tag}`, kind: 'evidence_due', title: `TITLE ONLY ${tag}`, end: at(1), ownerId: null, ownerLabel: 'Nobody' }),
    calendarItem({ key: `b-${tag}`, kind: 'evidence_request_due', title: `${HOSTILE} ${tag}`, end: at(-20), ownerId: ben.id, href: `/audits/2/requests/${tag}` }),
    calendarItem({ key: `js-${tag}`, kind: 'milestone', title: `Odd link ${tag}`, end: at(2), ownerId: ben.id, href: 'javascript:alert(1)' }),
    calendarItem({ key: `d-${tag}`, kind: 'finding_due', title: `DISABLED ${tag}`, end: at(1), ownerId: dee.id }),
  ];
  return { tag, items };
}
