import { AppError } from '../http/errors.ts';
import type { Principal } from './principal.ts';
import type { Role } from './roles.ts';

/**
 * Every permission question in Attest is answered here.
 *
 * - `permissions` is the role table of DESIGN.md: which roles may attempt an action at all. Routes
 *   use it as their coarse first check (src/http/routes.ts), and the route × role test walks it.
 * - `decide()` adds the rules about a particular resource (evidence marked shareable, not one's own
 *   submission, a retired control, one's own token). Every service calls `authorize()` with the
 *   caller's principal before it acts; pages ask `can()` to decide which buttons to show, so a rule
 *   is written once.
 * - `evidenceScope()` is the query-scoping helper: repositories filter lists with it, so a list
 *   never shows what a single read would refuse.
 */
export const permissions = {
  /** Signed-in pages every role has: dashboard, own account, own API tokens. */
  'app.use': ['admin', 'grc', 'auditor', 'customer_compliance', 'viewer'],
  'users.manage': ['admin'],
  'activity.read': ['admin', 'grc'],
  /** Frameworks, controls, coverage. Auditors get these only within an audit's scope (later). */
  'catalog.read': ['admin', 'grc', 'customer_compliance', 'viewer'],
  'controls.edit': ['admin', 'grc'],
  /** Customer-compliance staff see only evidence marked shareable (decided per item). */
  'evidence.read': ['admin', 'grc', 'customer_compliance'],
  'evidence.log': ['admin', 'grc'],
  'evidence.review': ['admin', 'grc'],
  'evidence.share': ['admin', 'grc'],
  'evidence.files.read': ['admin', 'grc', 'customer_compliance'],
  'questionnaires.use': ['admin', 'grc', 'customer_compliance'],
  /** The register of certifications and reports; customer-compliance staff read it (to answer customers). */
  'certifications.read': ['admin', 'grc', 'customer_compliance', 'viewer'],
  'certifications.edit': ['admin', 'grc'],
  /** Audits, findings, evidence requests, the calendar. Auditors: their audits only, inside their window (coming). */
  'audits.read': ['admin', 'grc', 'viewer'],
  'audits.edit': ['admin', 'grc'],
  /** Comment, raise evidence requests, record findings. */
  'audits.participate': ['admin', 'grc'],
  /** Customers' demand for certifications not held yet, and the planning page. */
  'demand.read': ['admin', 'grc', 'customer_compliance', 'viewer'],
  'demand.record': ['admin', 'grc', 'customer_compliance'],
  /** Send everyone's reminder digest now (the daily job does it by itself). */
  'reminders.send': ['admin'],
  /** The auditor's portal: their assigned audits, each decided per audit and day (assignmentDecision). */
  'portal.use': ['auditor'],
  /**
   * Reports: GRC staff all of them; auditors their audits' reports (decided per report);
   * customer-compliance staff the compliance summary and questionnaire answer packs only.
   */
  'reports.generate': ['admin', 'grc', 'auditor', 'customer_compliance'],
  'reports.read': ['admin', 'grc', 'auditor', 'customer_compliance'],
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof permissions;

export const actions = Object.keys(permissions) as Action[];

/** The things a rule can be about; each carries only what its rules read. */
export type Resource =
  | { kind: 'evidence'; submitterId: number | null; shareable: boolean }
  /** One audit, on a day: auditors reach it through an assignment whose window holds that day. */
  | { kind: 'audit'; id: number; today: string }
  | { kind: 'report'; reportKind: string; auditId: number | null; today: string }
  | { kind: 'control'; retired: boolean }
  | { kind: 'user'; id: number }
  | { kind: 'token'; ownerId: number };

export type Decision = { allowed: true } | { allowed: false; code: 'forbidden' | 'conflict'; reason: string };

const ALLOW: Decision = { allowed: true };
const deny = (reason: string, code: 'forbidden' | 'conflict' = 'forbidden'): Decision => ({ allowed: false, code, reason });

/** The coarse check: may this role attempt the action at all? */
export function roleMay(role: Role, action: Action): boolean {
  return (permissions[action] as readonly Role[]).includes(role);
}

/** Which evidence a principal may see: every item, only items marked shareable, or none. */
export type EvidenceScope = 'all' | 'shareable' | 'none';

export function evidenceScope(principal: Principal): EvidenceScope {
  if (!roleMay(principal.role, 'evidence.read')) return 'none';
  return principal.role === 'customer_compliance' ? 'shareable' : 'all';
}

/** What an auditor may do inside an audit assigned to them, while the window is open. */
const auditorInAudit: ReadonlySet<Action> = new Set(['audits.read', 'audits.participate', 'evidence.read', 'evidence.files.read', 'catalog.read']);

/** An auditor's standing in one audit on one day: assigned, and the day inside the window. */
function assignmentDecision(principal: Principal, auditId: number | null, today: string): Decision {
  const assignment = auditId === null ? undefined : principal.assignments.find((a) => a.auditId === auditId);
  if (!assignment) return deny('You are not assigned to this audit.');
  if (today < assignment.accessFrom) return deny(`Your access to this audit opens on ${assignment.accessFrom}.`);
  if (today > assignment.accessUntil) return deny(`Your access to this audit ended on ${assignment.accessUntil}.`);
  return ALLOW;
}

export function decide(principal: Principal, action: Action, resource?: Resource): Decision {
  // Auditors: their audits only, inside the window (DESIGN.md's role table), whatever the action's roles.
  if (principal.role === 'auditor' && resource?.kind === 'audit' && auditorInAudit.has(action)) return assignmentDecision(principal, resource.id, resource.today);
  if (!roleMay(principal.role, action)) return deny('You do not have permission to do this.');
  if (principal.role === 'auditor' && (action === 'reports.generate' || action === 'reports.read')) {
    if (resource?.kind !== 'report') return deny('Auditors reach reports through their audits.');
    return assignmentDecision(principal, resource.auditId, resource.today);
  }
  if (principal.role === 'customer_compliance' && (action === 'reports.generate' || action === 'reports.read')) {
    if (resource?.kind === 'report' && (resource.reportKind === 'summary' || resource.reportKind === 'answers')) return ALLOW;
    return deny('Customer-compliance staff may use the compliance summary and questionnaire answer packs only.');
  }
  if (!resource) return ALLOW;
  switch (resource.kind) {
    case 'evidence':
      if ((action === 'evidence.read' || action === 'evidence.files.read') && evidenceScope(principal) === 'shareable' && !resource.shareable) {
        return deny('This evidence is not marked shareable with customers.');
      }
      // Four eyes: whoever submitted evidence may not accept or reject it, however they signed in.
      if (action === 'evidence.review' && resource.submitterId !== null && resource.submitterId === principal.userId) {
        return deny('Evidence must be reviewed by someone other than the person who submitted it.');
      }
      return ALLOW;
    case 'control':
      if (action === 'controls.edit' && resource.retired) return deny('This control is retired and cannot be edited.', 'conflict');
      return ALLOW;
    case 'user':
    case 'audit':
    case 'report':
      return ALLOW;
    case 'token':
      // Tokens act as their owner, so only the owner may issue one; administrators may revoke any.
      if (principal.userId === resource.ownerId) return ALLOW;
      return action === 'users.manage' ? ALLOW : deny('Only the owner of a token may do this.');
  }
}

export function can(principal: Principal, action: Action, resource?: Resource): boolean {
  return decide(principal, action, resource).allowed;
}

/** Throws the decision's error unless the principal may do `action` (on `resource`). */
export function authorize(principal: Principal, action: Action, resource?: Resource): void {
  const decision = decide(principal, action, resource);
  if (decision.allowed) return;
  throw decision.code === 'conflict' ? AppError.conflict(decision.reason) : AppError.forbidden(decision.reason);
}
