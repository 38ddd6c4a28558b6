import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';

// The SQL of the auditor's view of one audit: what the audit holds. An audit holds the
// requirements in its scope, the active controls mapped to them, the evidence of those controls
// that was valid at some time in the audit's window (accepted or awaiting review, latest version),
// and any evidence linked to its requests.

/** The days an audit looks at: its period, or the year up to the end of fieldwork. */
export interface EvidenceWindow {
  from: string;
  to: string;
}

type Db = Kysely<DB> | Transaction<DB>;

/** Requirements in scope with the active controls mapped to each (a requirement without one appears once, control null). */
export function scopeWithControls(db: Db, auditId: number) {
  return db
    .selectFrom('audit_scope as s')
    .innerJoin('requirements as r', 'r.id', 's.requirement_id')
    .innerJoin('frameworks as f', 'f.id', 'r.framework_id')
    .leftJoin('mappings as m', 'm.requirement_id', 'r.id')
    .leftJoin('controls as c', (j) => j.onRef('c.id', '=', 'm.control_id').on('c.retired_at', 'is', null))
    .select([
      'f.slug',
      'f.name as framework_name',
      'r.id as requirement_id',
      'r.ref',
      'r.name',
      'c.id as control_id',
      'c.ref as control_ref',
      'c.title as control_title',
      'm.relationship',
    ])
    .where('s.audit_id', '=', auditId)
    .orderBy('f.slug')
    .orderBy('r.id')
    .orderBy('c.ref')
    .execute();
}

/** Ids of the controls the audit's scope reaches. */
function scopeControlIds(db: Db, auditId: number) {
  return db
    .selectFrom('audit_scope as s')
    .innerJoin('mappings as m', 'm.requirement_id', 's.requirement_id')
    .innerJoin('controls as c', 'c.id', 'm.control_id')
    .select('c.id')
    .where('s.audit_id', '=', auditId)
    .where('c.retired_at', 'is', null);
}

/** Evidence linked to the audit's requests. */
function requestEvidenceIds(db: Db, auditId: number) {
  return db.selectFrom('evidence_request_links as l').innerJoin('evidence_requests as q', 'q.id', 'l.request_id').select('l.evidence_id').where('q.audit_id', '=', auditId);
}

/** The evidence the audit holds, newest first, with the scope controls each supports. */
export async function evidenceOfAudit(db: Db, auditId: number, window: EvidenceWindow) {
  const rows = await db
    .selectFrom('evidence as e')
    .leftJoin('evidence_controls as ec', 'ec.evidence_id', 'e.id')
    .leftJoin('controls as c', 'c.id', 'ec.control_id')
    .leftJoin('users as rv', 'rv.id', 'e.reviewer_id')
    .select(['e.id', 'e.title', 'e.kind', 'e.status', 'e.collected_at', 'e.valid_until', 'e.reviewed_at', 'rv.name as reviewer_name', 'c.ref as control_ref'])
    .where((eb) =>
      eb.or([
        eb.and([
          eb('e.superseded_by_id', 'is', null),
          eb('e.status', 'in', ['accepted', 'submitted']),
          eb('e.collected_at', '<=', window.to),
          eb.or([eb('e.valid_until', 'is', null), eb('e.valid_until', '>=', window.from)]),
          eb('ec.control_id', 'in', scopeControlIds(db, auditId)),
        ]),
        eb('e.id', 'in', requestEvidenceIds(db, auditId)),
      ]),
    )
    .orderBy('e.collected_at', 'desc')
    .orderBy('e.id', 'desc')
    .execute();
  const byId = new Map<number, Omit<(typeof rows)[number], 'control_ref'> & { controls: string[] }>();
  for (const { control_ref, ...row } of rows) {
    const item = byId.get(row.id) ?? { ...row, controls: [] };
    if (control_ref && !item.controls.includes(control_ref)) item.controls.push(control_ref);
    byId.set(row.id, item);
  }
  return [...byId.values()];
}

/** Whether the audit holds this evidence item (the rule of evidenceOfAudit, for one item). */
export async function holdsEvidence(db: Db, auditId: number, evidenceId: number, window: EvidenceWindow): Promise<boolean> {
  const viaScope = await db
    .selectFrom('evidence as e')
    .innerJoin('evidence_controls as ec', 'ec.evidence_id', 'e.id')
    .select('e.id')
    .where('e.id', '=', evidenceId)
    .where('e.superseded_by_id', 'is', null)
    .where('e.status', 'in', ['accepted', 'submitted'])
    .where('e.collected_at', '<=', window.to)
    .where((eb) => eb.or([eb('e.valid_until', 'is', null), eb('e.valid_until', '>=', window.from)]))
    .where('ec.control_id', 'in', scopeControlIds(db, auditId))
    .executeTakeFirst();
  if (viaScope) return true;
  return Boolean(await requestEvidenceIds(db, auditId).where('l.evidence_id', '=', evidenceId).executeTakeFirst());
}

/** The audits of a user's assignments that have not been removed, with the window of each. */
export function assignedAudits(db: Db, userId: number) {
  return db
    .selectFrom('audit_assignments as a')
    .innerJoin('audits as au', 'au.id', 'a.audit_id')
    .select(['au.id', 'au.title', 'au.kind', 'au.status', 'au.firm', 'au.fieldwork_from', 'au.fieldwork_to', 'a.access_from', 'a.access_until'])
    .where('a.user_id', '=', userId)
    .where('a.removed_at', 'is', null)
    .orderBy('a.access_until', 'desc')
    .execute();
}

/** What the auditors assigned to an audit did, newest first: every record by them that names the audit. */
export async function auditorActivity(db: Db, auditId: number, limit: number) {
  const auditors = db.selectFrom('audit_assignments').select('user_id').where('audit_id', '=', auditId);
  const rows = await db
    .selectFrom('activity')
    .leftJoin('users', 'users.id', 'activity.actor_id')
    .select(['activity.id', 'activity.at', 'activity.actor_label', 'activity.action', 'activity.subject_type', 'activity.subject_id', 'activity.details', 'activity.ip'])
    .select(['users.email as actor_email', 'users.name as actor_name'])
    .where('activity.actor_id', 'in', auditors)
    .orderBy('activity.id', 'desc')
    .limit(limit * 4)
    .execute();
  const names = (r: (typeof rows)[number]) => {
    if (r.subject_type === 'audit' && r.subject_id === String(auditId)) return true;
    try {
      return (JSON.parse(r.details) as { audit_id?: unknown }).audit_id === auditId;
    } catch {
      return false;
    }
  };
  return rows.filter(names).slice(0, limit);
}
