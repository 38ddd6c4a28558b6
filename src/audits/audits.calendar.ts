import { can } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { CalendarItem } from '../calendar/calendar.model.ts';
import type { CalendarSource } from '../calendar/calendar.sources.ts';
import type { AppContext } from '../context.ts';
import { addDays, today } from '../dates.ts';
import { auditKindLabels, findingKindLabels } from './audits.model.ts';
import { dueText } from './audits.presenter.ts';
import * as cal from './audits.calendar.repository.ts';
import { frameworksOfAudits } from './audits.repository.ts';

const UPCOMING_DAYS = 90;

const who = (id: number | null, name: string | null, email: string | null) => ({ ownerId: id, ownerLabel: id === null ? null : name || email });
const item = (i: Omit<CalendarItem, 'rrule'>): CalendarItem => ({ ...i, rrule: null });

/**
 * The audit programme on the calendar: audits (their period, else their fieldwork), fieldwork,
 * findings due (done once verified or closed) and evidence requests due (done once the evidence is
 * submitted: what is left is the auditor's, and a returned request is due again).
 * Nothing for those who may not read audits.
 */
export const auditCalendarItems: CalendarSource = async (ctx, principal, range) => {
  if (!can(principal, 'audits.read')) return [];
  const [audits, findings, requests] = await Promise.all([
    cal.auditsOverlapping(ctx.db, range.from, range.to),
    cal.findingsDue(ctx.db, { from: range.from, to: range.to }),
    cal.requestsDue(ctx.db, { from: range.from, to: range.to }),
  ]);
  const auditIds = [...new Set([...audits.map((a) => a.id), ...findings.map((f) => f.audit_id), ...requests.map((r) => r.audit_id)])];
  const [frameworks, findingFw] = await Promise.all([
    frameworksOfAudits(ctx.db, auditIds),
    cal.findingFrameworks(
      ctx.db,
      findings.map((f) => f.id),
    ),
  ]);
  const slugsOf = (auditId: number) => frameworks.filter((f) => f.audit_id === auditId).map((f) => f.slug);
  const overlaps = (from: string | null, to: string | null): from is string => from !== null && to !== null && from <= range.to && to >= range.from;
  const items: CalendarItem[] = [];
  for (const a of audits) {
    const base = { frameworks: slugsOf(a.id), ...who(a.owner_id, a.owner_name, a.owner_email), href: `/audits/${a.id}`, auditId: a.id };
    const [start, end] = a.period_from && a.period_to ? [a.period_from, a.period_to] : [a.fieldwork_from, a.fieldwork_to];
    if (overlaps(start, end))
      items.push(item({ key: `audit-${a.id}`, kind: 'audit', title: `${a.title} (${auditKindLabels[a.kind]})`, start, end: end!, done: a.status === 'closed', ...base }));
    if (overlaps(a.fieldwork_from, a.fieldwork_to)) {
      items.push(
        item({
          key: `fieldwork-${a.id}`,
          kind: 'fieldwork',
          title: `Fieldwork: ${a.title}`,
          start: a.fieldwork_from,
          end: a.fieldwork_to!,
          done: a.status === 'reporting' || a.status === 'closed',
          ...base,
        }),
      );
    }
  }
  for (const f of findings) {
    const own = [...new Set(findingFw.filter((x) => x.finding_id === f.id).map((x) => x.slug))];
    items.push(
      item({
        key: `finding-${f.id}`,
        kind: 'finding_due',
        title: `${f.ref} ${findingKindLabels[f.kind]} due: ${f.title} (${f.audit_title})`,
        start: f.due_on,
        end: f.due_on,
        frameworks: own.length ? own : slugsOf(f.audit_id),
        ...who(f.owner_id, f.owner_name, f.owner_email),
        done: f.status === 'verified' || f.status === 'closed',
        href: `/audits/${f.audit_id}/findings/${f.id}`,
        auditId: f.audit_id,
      }),
    );
  }
  for (const r of requests) {
    items.push(
      item({
        key: `request-${r.id}`,
        kind: 'evidence_request_due',
        title: `${r.ref} evidence due: ${r.title} (${r.audit_title})`,
        start: r.due_on,
        end: r.due_on,
        frameworks: r.slug ? [r.slug] : slugsOf(r.audit_id),
        ...who(r.assignee_id, r.assignee_name, r.assignee_email),
        done: r.status === 'submitted' || r.status === 'accepted',
        href: `/audits/${r.audit_id}/requests/${r.id}`,
        auditId: r.audit_id,
      }),
    );
  }
  return items.sort((x, y) => x.start.localeCompare(y.start) || x.key.localeCompare(y.key));
};

export interface AuditAlert {
  label: string;
  href: string;
  /** The day it concerns (start, or due). */
  day: string;
  overdue: boolean;
}

export interface AuditAlerts {
  upcoming: AuditAlert[];
  overdueRequests: AuditAlert[];
  openFindings: AuditAlert[];
}

/**
 * The dashboard's audit panel: audits starting within 90 days, evidence requests past due and
 * still with the company (open or returned), findings not yet acted on or verified. Empty lists
 * for those who may not read audits.
 */
export async function auditAlerts(ctx: AppContext, principal: Principal): Promise<AuditAlerts> {
  if (!can(principal, 'audits.read')) return { upcoming: [], overdueRequests: [], openFindings: [] };
  const day = today(ctx.clock);
  const [starting, overdue, findings] = await Promise.all([
    cal.auditsStarting(ctx.db, day, addDays(day, UPCOMING_DAYS)),
    cal.requestsDue(ctx.db, { before: day, statuses: ['open', 'returned'], openAuditsOnly: true }),
    cal.findingsDue(ctx.db, { statuses: ['open', 'action_taken'] }),
  ]);
  return {
    upcoming: starting.map((a) => {
      const start = (a.fieldwork_from ?? a.period_from)!;
      const what = a.fieldwork_from ? 'fieldwork starts' : 'period starts';
      return { label: `${a.title}: ${what} ${start} (${dueText(start, day)})`, href: `/audits/${a.id}`, day: start, overdue: false };
    }),
    overdueRequests: overdue.map((r) => ({
      label: `${r.ref} ${r.title} (${r.audit_title}): due ${r.due_on}, ${dueText(r.due_on, day)}`,
      href: `/audits/${r.audit_id}/requests/${r.id}`,
      day: r.due_on,
      overdue: true,
    })),
    openFindings: findings.map((f) => ({
      label: `${f.ref} ${findingKindLabels[f.kind]}: ${f.title} (${f.audit_title}), due ${f.due_on}${f.due_on < day ? `, ${dueText(f.due_on, day)}` : ''}`,
      href: `/audits/${f.audit_id}/findings/${f.id}`,
      day: f.due_on,
      overdue: f.due_on < day,
    })),
  };
}
