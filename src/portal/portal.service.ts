import { withActivity } from '../activity/activity.service.ts';
import { type Audit, getAudit } from '../audits/audits.service.ts';
import { staff } from '../audits/audits.repository.ts';
import { listComments, type Comment } from '../audits/comments.service.ts';
import { listFindings, type Finding } from '../audits/findings.service.ts';
import { listRequests, type EvidenceRequest } from '../audits/requests.service.ts';
import { getSample, listSamples, type Sample } from '../audits/samples.service.ts';
import { authorize } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { addDays, today } from '../dates.ts';
import { type AuditReach, downloadFile, type Evidence, type EvidenceFile, getEvidence } from '../evidence/evidence.service.ts';
import { AppError } from '../http/errors.ts';
import * as repo from './portal.repository.ts';

// The external auditor's portal: their assigned audits and, inside each while the window is open,
// the scope, the controls mapped to it, the evidence and its files, requests, findings, samples
// and comments. Every view and download is recorded, so GRC staff can see what auditors looked at.

export type WindowState = 'open' | 'upcoming' | 'ended';

export interface AssignedAudit {
  id: number;
  title: string;
  kind: string;
  status: string;
  firm: string;
  fieldworkFrom: string | null;
  fieldworkTo: string | null;
  accessFrom: string;
  accessUntil: string;
  window: WindowState;
}

/** The days an audit looks at: its period; without one, the year up to the end of fieldwork (or today). */
export function evidenceWindow(audit: Audit, day: string): repo.EvidenceWindow {
  if (audit.periodFrom && audit.periodTo) return { from: audit.periodFrom, to: audit.periodTo };
  const to = audit.fieldworkTo && audit.fieldworkTo < day ? audit.fieldworkTo : day;
  return { from: addDays(to, -365), to };
}

const windowState = (day: string, from: string, until: string): WindowState => (day < from ? 'upcoming' : day > until ? 'ended' : 'open');

/** The auditor's assignments, open ones first; ended ones stay listed (greyed), so access ending is never a mystery. */
export async function myAudits(ctx: AppContext, principal: Principal): Promise<AssignedAudit[]> {
  authorize(principal, 'portal.use');
  const day = today(ctx.clock);
  const rank: Record<WindowState, number> = { open: 0, upcoming: 1, ended: 2 };
  return (await repo.assignedAudits(ctx.db, principal.userId ?? -1))
    .map((r) => ({
      id: r.id,
      title: r.title,
      kind: r.kind,
      status: r.status,
      firm: r.firm,
      fieldworkFrom: r.fieldwork_from,
      fieldworkTo: r.fieldwork_to,
      accessFrom: r.access_from,
      accessUntil: r.access_until,
      window: windowState(day, r.access_from, r.access_until),
    }))
    .sort((a, b) => rank[a.window] - rank[b.window] || a.accessUntil.localeCompare(b.accessUntil));
}

export interface ScopeRequirement {
  ref: string;
  name: string;
  controls: { ref: string; title: string; relationship: string | null }[];
}

export interface PortalAudit {
  audit: Audit;
  access: { from: string; until: string } | null;
  scope: { slug: string; name: string; requirements: ScopeRequirement[] }[];
  evidence: Awaited<ReturnType<typeof repo.evidenceOfAudit>>;
  requests: EvidenceRequest[];
  findings: Finding[];
  samples: Sample[];
  comments: Comment[];
  /** Who may own a finding or answer a request: active GRC staff and administrators. */
  staff: { id: number; name: string; email: string }[];
}

async function recordView(ctx: AppContext, principal: Principal, auditId: number, page: string, extra: Record<string, unknown> = {}): Promise<void> {
  await withActivity(
    ctx,
    principal,
    async () => undefined,
    () => ({ action: 'portal.viewed', subjectType: 'audit', subjectId: auditId, details: { audit_id: auditId, page, ...extra } }),
  );
}

/** Everything the auditor sees of one audit; each service asks the policy with the audit. */
export async function portalAudit(ctx: AppContext, principal: Principal, auditId: number): Promise<PortalAudit> {
  const audit = await getAudit(ctx, principal, auditId);
  const [rows, evidence, requests, findings, samples, comments, people] = await Promise.all([
    repo.scopeWithControls(ctx.db, auditId),
    repo.evidenceOfAudit(ctx.db, auditId, evidenceWindow(audit, today(ctx.clock))),
    listRequests(ctx, principal, auditId),
    listFindings(ctx, principal, auditId),
    listSamples(ctx, principal, auditId),
    listComments(ctx, principal, { type: 'audit', auditId, id: auditId }),
    staff(ctx.db),
  ]);
  const scope = scopeTree(rows);
  const mine = principal.assignments.find((a) => a.auditId === auditId);
  if (principal.role === 'auditor') await recordView(ctx, principal, auditId, 'audit');
  return {
    audit,
    access: mine ? { from: mine.accessFrom, until: mine.accessUntil } : null,
    scope,
    evidence,
    requests,
    findings,
    samples,
    comments,
    staff: people.filter((p) => p.role === 'admin' || p.role === 'grc').map((p) => ({ id: p.id, name: p.name, email: p.email })),
  };
}

function scopeTree(rows: Awaited<ReturnType<typeof repo.scopeWithControls>>): PortalAudit['scope'] {
  const scope: PortalAudit['scope'] = [];
  for (const r of rows) {
    if (scope.at(-1)?.slug !== r.slug) scope.push({ slug: r.slug, name: r.framework_name, requirements: [] });
    const fw = scope.at(-1)!;
    if (fw.requirements.at(-1)?.ref !== r.ref) fw.requirements.push({ ref: r.ref, name: r.name, controls: [] });
    const req = fw.requirements.at(-1)!;
    if (r.control_ref && r.control_title) req.controls.push({ ref: r.control_ref, title: r.control_title, relationship: r.relationship });
  }
  return scope;
}

/** The audit's scope, requirement by requirement, with the company controls mapped to each. */
export async function portalScope(ctx: AppContext, principal: Principal, auditId: number): Promise<{ audit: Audit; scope: PortalAudit['scope'] }> {
  const audit = await getAudit(ctx, principal, auditId);
  const scope = scopeTree(await repo.scopeWithControls(ctx.db, auditId));
  if (principal.role === 'auditor') await recordView(ctx, principal, auditId, 'scope');
  return { audit, scope };
}

export interface EvidenceFilter {
  control?: string | undefined;
  q?: string | undefined;
}

/** The evidence the audit holds, filtered by control or title, a page at a time; with the controls to filter by. */
export async function portalEvidenceList(ctx: AppContext, principal: Principal, auditId: number, filter: EvidenceFilter, page: { limit: number; offset: number }) {
  const audit = await getAudit(ctx, principal, auditId);
  const window = evidenceWindow(audit, today(ctx.clock));
  const all = await repo.evidenceOfAudit(ctx.db, auditId, window);
  const needle = filter.q?.toLowerCase();
  const matching = all.filter((e) => (!filter.control || e.controls.includes(filter.control)) && (!needle || e.title.toLowerCase().includes(needle)));
  if (principal.role === 'auditor') await recordView(ctx, principal, auditId, 'evidence-list');
  return {
    audit,
    items: matching.slice(page.offset, page.offset + page.limit),
    total: matching.length,
    controls: [...new Set(all.flatMap((e) => e.controls))].sort(),
    window,
  };
}

/** What the evidence service needs to let an auditor read an item through this audit. */
function reachOf(ctx: AppContext, principal: Principal, auditId: number): AuditReach {
  return {
    auditId,
    today: today(ctx.clock),
    holds: async (id) => {
      const audit = await getAudit(ctx, principal, auditId);
      return repo.holdsEvidence(ctx.db, auditId, id, evidenceWindow(audit, today(ctx.clock)));
    },
  };
}

/** One evidence item the audit holds (404 for any other, so the portal reveals nothing beyond the audit). */
export async function portalEvidence(ctx: AppContext, principal: Principal, auditId: number, evidenceId: number): Promise<Evidence> {
  const evidence = await getEvidence(ctx, principal, evidenceId, reachOf(ctx, principal, auditId));
  if (principal.role === 'auditor') await recordView(ctx, principal, auditId, 'evidence', { evidence_id: evidenceId });
  return evidence;
}

/** A file of evidence the audit holds; the download is recorded by the evidence service, with the audit. */
export async function portalFile(ctx: AppContext, principal: Principal, auditId: number, evidenceId: number, fileId: number): Promise<{ file: EvidenceFile; content: Buffer }> {
  return downloadFile(ctx, principal, evidenceId, fileId, reachOf(ctx, principal, auditId));
}

/** One drawn sample, re-drawn to show it reproduces; an auditor's look at it is recorded. */
export async function portalSample(ctx: AppContext, principal: Principal, auditId: number, sampleId: number): Promise<Sample> {
  const sample = await getSample(ctx, principal, auditId, sampleId);
  if (principal.role === 'auditor') await recordView(ctx, principal, auditId, 'sample', { sample_id: sampleId });
  return sample;
}

/** For GRC staff: what the auditors assigned to the audit viewed, downloaded and did, newest first. */
export async function auditorActivity(ctx: AppContext, principal: Principal, auditId: number, limit = 200) {
  authorize(principal, 'activity.read');
  await getAudit(ctx, principal, auditId);
  if (limit < 1 || limit > 1000) throw AppError.invalid([{ field: 'limit', message: 'Between 1 and 1000.' }]);
  return (await repo.auditorActivity(ctx.db, auditId, limit)).map((r) => ({
    id: r.id,
    at: r.at,
    actor: r.actor_email ?? r.actor_label,
    actorName: r.actor_name,
    actorLabel: r.actor_label,
    action: r.action,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    details: JSON.parse(r.details) as Record<string, unknown>,
    ip: r.ip,
  }));
}
