import { sql, type Insertable, type Kysely, type Transaction, type Updateable } from 'kysely';
import type { AuditsTable, DB } from '../db/schema.ts';
import type { AuditKind, AuditStatus } from './audits.model.ts';

// All SQL of audits, their frameworks, scope and auditor assignments, and the look-ups of users,
// frameworks and requirements the audit rules need.

export type Db = Kysely<DB> | Transaction<DB>;

export interface AuditListFilter {
  status?: AuditStatus | undefined;
  kind?: AuditKind | undefined;
  framework?: string | undefined;
}

const auditColumns = [
  'a.id',
  'a.kind',
  'a.title',
  'a.certification_id',
  'a.firm',
  'a.lead_auditor',
  'a.period_from',
  'a.period_to',
  'a.fieldwork_from',
  'a.fieldwork_to',
  'a.status',
  'a.owner_id',
  'a.created_at',
  'a.updated_at',
  'o.email as owner_email',
  'o.name as owner_name',
] as const;

export type AuditRow = NonNullable<Awaited<ReturnType<typeof findAudit>>>;

export function findAudit(db: Db, id: number) {
  return db.selectFrom('audits as a').leftJoin('users as o', 'o.id', 'a.owner_id').select(auditColumns).where('a.id', '=', id).executeTakeFirst();
}

export async function listAudits(db: Db, f: AuditListFilter, page: { limit: number; offset: number }) {
  let q = db.selectFrom('audits as a').leftJoin('users as o', 'o.id', 'a.owner_id');
  if (f.status) q = q.where('a.status', '=', f.status);
  if (f.kind) q = q.where('a.kind', '=', f.kind);
  if (f.framework) {
    const slug = f.framework;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('audit_frameworks as af')
          .innerJoin('frameworks as fw', 'fw.id', 'af.framework_id')
          .select(sql<number>`1`.as('one'))
          .whereRef('af.audit_id', '=', 'a.id')
          .where('fw.slug', '=', slug),
      ),
    );
  }
  const [rows, count] = await Promise.all([
    q
      .select(auditColumns)
      // Open audits first, the latest start first; undated ones by creation.
      .orderBy(sql`case when a.status = 'closed' then 1 else 0 end`)
      .orderBy(sql`coalesce(a.fieldwork_from, a.period_from, '9999-12-31')`, 'desc')
      .orderBy('a.id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export async function insertAudit(db: Db, row: Insertable<AuditsTable>): Promise<number> {
  return (await db.insertInto('audits').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export async function updateAudit(db: Db, id: number, patch: Updateable<AuditsTable>): Promise<void> {
  await db.updateTable('audits').set(patch).where('id', '=', id).execute();
}

/** Moves the status only from `from`: a concurrent change makes it fail. */
export async function moveStatus(db: Db, id: number, from: AuditStatus, to: AuditStatus, at: string): Promise<boolean> {
  const r = await db.updateTable('audits').set({ status: to, updated_at: at }).where('id', '=', id).where('status', '=', from).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export function frameworksOfAudits(db: Db, auditIds: number[]) {
  if (auditIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('audit_frameworks as af')
    .innerJoin('frameworks as fw', 'fw.id', 'af.framework_id')
    .select(['af.audit_id', 'fw.id', 'fw.slug', 'fw.name'])
    .where('af.audit_id', 'in', auditIds)
    .orderBy('fw.name')
    .execute();
}

export async function setFrameworks(db: Db, auditId: number, frameworkIds: number[]): Promise<void> {
  await db.deleteFrom('audit_frameworks').where('audit_id', '=', auditId).execute();
  if (frameworkIds.length)
    await db
      .insertInto('audit_frameworks')
      .values(frameworkIds.map((framework_id) => ({ audit_id: auditId, framework_id })))
      .execute();
}

export function allFrameworks(db: Db) {
  return db.selectFrom('frameworks').select(['id', 'slug', 'name']).orderBy('name').execute();
}

/** Assessable requirements of the frameworks, with their exclusion (not applicable) if any. */
export function assessableRequirements(db: Db, frameworkIds: number[]) {
  if (frameworkIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('requirements as r')
    .innerJoin('frameworks as fw', 'fw.id', 'r.framework_id')
    .leftJoin('requirement_exclusions as x', 'x.requirement_id', 'r.id')
    .select(['r.id', 'r.ref', 'r.name', 'r.framework_id', 'fw.slug', 'fw.name as framework_name', 'x.justification'])
    .where('r.assessable', '=', 1)
    .where('r.framework_id', 'in', frameworkIds)
    .orderBy('fw.name')
    .orderBy('r.position')
    .execute();
}

/** Requirements by framework slug and ref, whatever their kind (the caller says what is wrong). */
/** The names of the frameworks with these slugs (a slug with no framework is simply absent). */
export function frameworkNames(db: Db, slugs: string[]) {
  if (slugs.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('frameworks')
    .select(['slug', 'name'])
    .where('slug', 'in', [...new Set(slugs)])
    .execute();
}

export function requirementsByName(db: Db, names: { slug: string; ref: string }[]) {
  if (names.length === 0) return Promise.resolve([]);
  const slugs = [...new Set(names.map((n) => n.slug))];
  const refs = [...new Set(names.map((n) => n.ref))];
  return db
    .selectFrom('requirements as r')
    .innerJoin('frameworks as fw', 'fw.id', 'r.framework_id')
    .leftJoin('requirement_exclusions as x', 'x.requirement_id', 'r.id')
    .select(['r.id', 'r.ref', 'r.name', 'r.framework_id', 'r.assessable', 'fw.slug', 'fw.name as framework_name', 'x.justification'])
    .where('fw.slug', 'in', slugs)
    .where('r.ref', 'in', refs)
    .execute();
}

export function scopeOf(db: Db, auditId: number) {
  return db
    .selectFrom('audit_scope as s')
    .innerJoin('requirements as r', 'r.id', 's.requirement_id')
    .innerJoin('frameworks as fw', 'fw.id', 'r.framework_id')
    .select(['r.id', 'r.ref', 'r.name', 'r.framework_id', 'fw.slug', 'fw.name as framework_name'])
    .where('s.audit_id', '=', auditId)
    .orderBy('fw.name')
    .orderBy('r.position')
    .execute();
}

export async function addScope(db: Db, auditId: number, requirementIds: number[]): Promise<void> {
  for (let i = 0; i < requirementIds.length; i += 500) {
    const chunk = requirementIds.slice(i, i + 500);
    await db
      .insertInto('audit_scope')
      .values(chunk.map((requirement_id) => ({ audit_id: auditId, requirement_id })))
      .execute();
  }
}

export async function removeScope(db: Db, auditId: number, requirementIds: number[]): Promise<void> {
  if (requirementIds.length) await db.deleteFrom('audit_scope').where('audit_id', '=', auditId).where('requirement_id', 'in', requirementIds).execute();
}

export function findUser(db: Db, id: number) {
  return db.selectFrom('users').select(['id', 'email', 'name', 'role', 'disabled_at']).where('id', '=', id).executeTakeFirst();
}

export function usersByEmail(db: Db, emails: string[]) {
  if (emails.length === 0) return Promise.resolve([]);
  return db.selectFrom('users').select(['id', 'email', 'name', 'role', 'disabled_at']).where('email', 'in', emails).execute();
}

/** Active users who can own work (everyone but external auditors), for the owner and assignee lists. */
export function staff(db: Db) {
  return db.selectFrom('users').select(['id', 'email', 'name', 'role']).where('disabled_at', 'is', null).where('role', '!=', 'auditor').orderBy('name').orderBy('email').execute();
}

export function activeAuditors(db: Db) {
  return db.selectFrom('users').select(['id', 'email', 'name', 'role']).where('disabled_at', 'is', null).where('role', '=', 'auditor').orderBy('name').execute();
}

export function certificationExists(db: Db, id: number) {
  return db.selectFrom('certifications').select('id').where('id', '=', id).executeTakeFirst();
}

export function assignmentsOf(db: Db, auditId: number) {
  return db
    .selectFrom('audit_assignments as g')
    .innerJoin('users as u', 'u.id', 'g.user_id')
    .select(['g.id', 'g.user_id', 'g.access_from', 'g.access_until', 'g.created_at', 'u.email', 'u.name'])
    .where('g.audit_id', '=', auditId)
    .where('g.removed_at', 'is', null)
    .orderBy('g.access_from')
    .execute();
}

export async function insertAssignment(db: Db, row: { audit_id: number; user_id: number; access_from: string; access_until: string; created_at: string }): Promise<number> {
  return (await db.insertInto('audit_assignments').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export async function endAssignment(db: Db, auditId: number, assignmentId: number, at: string) {
  return db
    .updateTable('audit_assignments')
    .set({ removed_at: at })
    .where('id', '=', assignmentId)
    .where('audit_id', '=', auditId)
    .where('removed_at', 'is', null)
    .returning(['id', 'user_id'])
    .executeTakeFirst();
}

export function activeControls(db: Db, refs: string[]) {
  if (refs.length === 0) return Promise.resolve([]);
  return db.selectFrom('controls').select(['id', 'ref', 'title']).where('ref', 'in', refs).where('retired_at', 'is', null).execute();
}

/** A user's assignments that have not been removed (the window is checked by the policy, per day). */
export function assignmentsOfUser(db: Db, userId: number) {
  return db
    .selectFrom('audit_assignments')
    .select(['audit_id', 'access_from', 'access_until'])
    .where('user_id', '=', userId)
    .where('removed_at', 'is', null)
    .orderBy('audit_id')
    .execute();
}
