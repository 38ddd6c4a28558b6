import type { Db } from './audits.repository.ts';

// The dated items of the audit programme, for the calendar and the dashboard.

/** Audits whose period or fieldwork overlaps the days from–to. */
export function auditsOverlapping(db: Db, from: string, to: string) {
  return db
    .selectFrom('audits as a')
    .leftJoin('users as o', 'o.id', 'a.owner_id')
    .select([
      'a.id',
      'a.title',
      'a.kind',
      'a.status',
      'a.period_from',
      'a.period_to',
      'a.fieldwork_from',
      'a.fieldwork_to',
      'a.owner_id',
      'o.name as owner_name',
      'o.email as owner_email',
    ])
    .where((eb) => eb.or([eb.and([eb('a.period_from', '<=', to), eb('a.period_to', '>=', from)]), eb.and([eb('a.fieldwork_from', '<=', to), eb('a.fieldwork_to', '>=', from)])]))
    .orderBy('a.id')
    .execute();
}

/** Audits not closed whose fieldwork (or, without fieldwork dates, period) starts between from and to. */
export function auditsStarting(db: Db, from: string, to: string) {
  return db
    .selectFrom('audits as a')
    .select(['a.id', 'a.title', 'a.kind', 'a.status', 'a.period_from', 'a.fieldwork_from'])
    .where('a.status', '!=', 'closed')
    .where((eb) =>
      eb.or([
        eb.and([eb('a.fieldwork_from', '>=', from), eb('a.fieldwork_from', '<=', to)]),
        eb.and([eb('a.fieldwork_from', 'is', null), eb('a.period_from', '>=', from), eb('a.period_from', '<=', to)]),
      ]),
    )
    .orderBy('a.fieldwork_from')
    .orderBy('a.period_from')
    .execute();
}

export function findingsDue(db: Db, range: { from?: string; to?: string; statuses?: ('open' | 'action_taken' | 'verified' | 'closed')[] }) {
  let q = db
    .selectFrom('findings as f')
    .innerJoin('audits as a', 'a.id', 'f.audit_id')
    .innerJoin('users as u', 'u.id', 'f.owner_id')
    .select(['f.id', 'f.audit_id', 'f.ref', 'f.kind', 'f.title', 'f.due_on', 'f.status', 'f.owner_id', 'u.name as owner_name', 'u.email as owner_email', 'a.title as audit_title']);
  if (range.from) q = q.where('f.due_on', '>=', range.from);
  if (range.to) q = q.where('f.due_on', '<=', range.to);
  if (range.statuses) q = q.where('f.status', 'in', range.statuses);
  return q.orderBy('f.due_on').orderBy('f.id').execute();
}

export function requestsDue(
  db: Db,
  range: { from?: string; to?: string; before?: string; statuses?: ('open' | 'submitted' | 'accepted' | 'returned')[]; openAuditsOnly?: boolean },
) {
  let q = db
    .selectFrom('evidence_requests as q')
    .innerJoin('audits as a', 'a.id', 'q.audit_id')
    .leftJoin('users as u', 'u.id', 'q.assignee_id')
    .leftJoin('requirements as r', 'r.id', 'q.requirement_id')
    .leftJoin('frameworks as fw', 'fw.id', 'r.framework_id')
    .select([
      'q.id',
      'q.audit_id',
      'q.ref',
      'q.title',
      'q.due_on',
      'q.status',
      'q.assignee_id',
      'u.name as assignee_name',
      'u.email as assignee_email',
      'fw.slug',
      'a.title as audit_title',
    ]);
  if (range.from) q = q.where('q.due_on', '>=', range.from);
  if (range.to) q = q.where('q.due_on', '<=', range.to);
  if (range.before) q = q.where('q.due_on', '<', range.before);
  if (range.statuses) q = q.where('q.status', 'in', range.statuses);
  if (range.openAuditsOnly) q = q.where('a.status', '!=', 'closed');
  return q.orderBy('q.due_on').orderBy('q.id').execute();
}

/** Frameworks named by each finding's requirements. */
export function findingFrameworks(db: Db, findingIds: number[]) {
  if (findingIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('finding_links as l')
    .innerJoin('requirements as r', 'r.id', 'l.requirement_id')
    .innerJoin('frameworks as fw', 'fw.id', 'r.framework_id')
    .select(['l.finding_id', 'fw.slug'])
    .where('l.finding_id', 'in', findingIds)
    .execute();
}
