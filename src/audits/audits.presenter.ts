import { daysBetween } from '../dates.ts';
import { auditKindLabels, auditStatuses, findingKindLabels, type AuditStatus, type FindingStatus, type RequestStatus } from './audits.model.ts';
import { auditMoves } from './audits.rules.ts';
import type { Assignment } from './assignments.service.ts';
import type { Audit } from './audits.service.ts';
import type { Comment } from './comments.service.ts';
import type { Finding } from './findings.service.ts';
import type { EvidenceRequest } from './requests.service.ts';

// What each face shows of audits, findings, requests and comments. Labels live here.

export const auditStatusLabels: Record<AuditStatus, string> = { planned: 'Planned', fieldwork: 'Fieldwork', reporting: 'Reporting', closed: 'Closed' };
export const findingStatusLabels: Record<FindingStatus, string> = { open: 'Open', action_taken: 'Action taken', verified: 'Verified', closed: 'Closed' };
export const requestStatusLabels: Record<RequestStatus, string> = { open: 'Open', submitted: 'Submitted', accepted: 'Accepted', returned: 'Returned' };

const span = (from: string | null, to: string | null) => (from && to ? (from === to ? from : `${from} – ${to}`) : null);
const personText = (p: { email: string; name: string } | null) => (p ? p.name || p.email : '—');

export function auditView(a: Audit) {
  return {
    ...a,
    kindLabel: auditKindLabels[a.kind] ?? a.kind,
    statusLabel: auditStatusLabels[a.status],
    periodText: span(a.periodFrom, a.periodTo),
    fieldworkText: span(a.fieldworkFrom, a.fieldworkTo),
    ownerText: personText(a.owner),
    frameworkText: a.frameworks.map((f) => f.name).join(', '),
    closed: a.status === 'closed',
  };
}

/** The stepper: every status, where the audit stands, and the moves it may make (each confirmed). */
export function statusSteps(a: Audit) {
  const at = auditStatuses.indexOf(a.status);
  return {
    steps: auditStatuses.map((s, i) => ({ value: s, label: auditStatusLabels[s], done: i < at, current: i === at })),
    moves: auditMoves[a.status].map((to) => ({
      to,
      label: auditStatuses.indexOf(to) < at ? `Back to ${auditStatusLabels[to].toLowerCase()}` : `Move to ${auditStatusLabels[to].toLowerCase()}`,
      back: auditStatuses.indexOf(to) < at,
      warning: to === 'closed' ? 'A closed audit is a record: its details, scope, requests and assignments can no longer be changed. Findings stay open for follow-up.' : null,
    })),
  };
}

export function findingView(f: Finding, today: string) {
  const open = f.status === 'open' || f.status === 'action_taken';
  return {
    ...f,
    kindLabel: findingKindLabels[f.kind] ?? f.kind,
    major: f.kind === 'major_nc',
    statusLabel: findingStatusLabels[f.status],
    ownerText: personText(f.owner),
    overdue: open && f.dueOn < today,
    requirementNames: f.requirements.map((r) => `${r.framework}:${r.ref}`).join(', '),
    controlRefs: f.controls.map((c) => c.ref).join(', '),
  };
}

export function requestView(r: EvidenceRequest, today: string) {
  return {
    ...r,
    statusLabel: requestStatusLabels[r.status],
    assigneeText: personText(r.assignee),
    overdue: (r.status === 'open' || r.status === 'returned') && r.dueOn < today,
    tiedTo: r.requirement ? `${r.requirement.framework}:${r.requirement.ref}` : (r.control?.ref ?? ''),
  };
}

export function assignmentView(a: Assignment, today: string) {
  return { ...a, userText: personText(a.user), open: a.accessFrom <= today && today <= a.accessUntil, ended: a.accessUntil < today };
}

export function commentView(c: Comment) {
  return { ...c, authorText: c.author.email ? c.author.name || c.author.email : 'the command line' };
}

export function auditJson(a: Audit) {
  return {
    id: a.id,
    kind: a.kind,
    title: a.title,
    status: a.status,
    frameworks: a.frameworks.map((f) => f.slug),
    certificationId: a.certificationId,
    firm: a.firm,
    leadAuditor: a.leadAuditor,
    periodFrom: a.periodFrom,
    periodTo: a.periodTo,
    fieldworkFrom: a.fieldworkFrom,
    fieldworkTo: a.fieldworkTo,
    owner: a.owner ? { id: a.owner.id, email: a.owner.email, name: a.owner.name } : null,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  };
}

export function findingJson(f: Finding) {
  return {
    id: f.id,
    auditId: f.auditId,
    ref: f.ref,
    kind: f.kind,
    title: f.title,
    description: f.description,
    status: f.status,
    owner: { id: f.owner.id, email: f.owner.email, name: f.owner.name },
    rootCause: f.rootCause,
    correctiveAction: f.correctiveAction,
    dueOn: f.dueOn,
    requirements: f.requirements.map((r) => `${r.framework}:${r.ref}`),
    controls: f.controls.map((c) => c.ref),
    createdAt: f.createdAt,
    updatedAt: f.updatedAt,
  };
}

export function requestJson(r: EvidenceRequest) {
  return {
    id: r.id,
    auditId: r.auditId,
    ref: r.ref,
    title: r.title,
    description: r.description,
    status: r.status,
    requirement: r.requirement ? `${r.requirement.framework}:${r.requirement.ref}` : null,
    control: r.control?.ref ?? null,
    assignee: r.assignee ? { id: r.assignee.id, email: r.assignee.email, name: r.assignee.name } : null,
    dueOn: r.dueOn,
    evidence: r.evidence.map((e) => ({ id: e.id, title: e.title, status: e.status, current: e.current })),
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

export function commentJson(c: Comment) {
  return { id: c.id, body: c.body, author: c.author.email ? { email: c.author.email, name: c.author.name } : null, createdAt: c.createdAt };
}

/** "in 3 days", "today", "5 days overdue". */
export function dueText(due: string, today: string): string {
  const d = daysBetween(today, due);
  if (d === 0) return 'today';
  if (d > 0) return d === 1 ? 'tomorrow' : `in ${d} days`;
  return -d === 1 ? '1 day overdue' : `${-d} days overdue`;
}

/** The register as a plain-text table for the terminal. */
export function auditTable(audits: Audit[]): string {
  if (audits.length === 0) return 'No audits.\n';
  const rows = audits.map((a) => [
    String(a.id),
    a.status,
    a.kind,
    a.frameworks.map((f) => f.slug).join(','),
    span(a.fieldworkFrom, a.fieldworkTo) ?? '-',
    span(a.periodFrom, a.periodTo) ?? '-',
    a.title,
  ]);
  const header = ['ID', 'STATUS', 'KIND', 'FRAMEWORKS', 'FIELDWORK', 'PERIOD', 'TITLE'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}
