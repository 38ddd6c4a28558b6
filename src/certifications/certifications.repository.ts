import type { Insertable, Kysely, Transaction, Updateable } from 'kysely';
import type { Role } from '../auth/roles.ts';
import type { CertificationsTable, DB, ProgrammeEventsTable } from '../db/schema.ts';
import { containsText } from '../db/text-match.ts';
import { addDays } from '../dates.ts';
import type { CertificationStatus } from './certifications.model.ts';

// All SQL of the certifications domain: certifications, their programme events, customers' demand.

type Db = Kysely<DB> | Transaction<DB>;

export function frameworkBySlug(db: Db, slug: string) {
  return db.selectFrom('frameworks').select(['id', 'slug', 'name']).where('slug', '=', slug).executeTakeFirst();
}

export function frameworkRows(db: Db) {
  return db.selectFrom('frameworks').select(['id', 'slug', 'name']).orderBy('name').execute();
}

/** Users who may own certification work: active, in one of `roles`. */
export function ownerCandidates(db: Db, roles: readonly Role[]) {
  return db
    .selectFrom('users')
    .select(['id', 'email', 'name'])
    .where('role', 'in', [...roles])
    .where('disabled_at', 'is', null)
    .orderBy('name')
    .orderBy('email')
    .execute();
}

export function findUser(db: Db, id: number) {
  return db.selectFrom('users').select(['id', 'email', 'name', 'role', 'disabled_at']).where('id', '=', id).executeTakeFirst();
}

const certificationColumns = [
  'c.id',
  'c.framework_id',
  'c.kind',
  'c.number',
  'c.issuer',
  'c.scope',
  'c.issued_on',
  'c.valid_from',
  'c.valid_until',
  'c.withdrawn_on',
  'c.document_evidence_id',
  'c.owner_id',
  'c.created_at',
  'c.updated_at',
  'f.slug as framework_slug',
  'f.name as framework_name',
  'u.email as owner_email',
  'u.name as owner_name',
] as const;

function certifications(db: Db) {
  return db.selectFrom('certifications as c').innerJoin('frameworks as f', 'f.id', 'c.framework_id').leftJoin('users as u', 'u.id', 'c.owner_id');
}

export type CertificationRow = Awaited<ReturnType<typeof findCertification>> & {};

export function findCertification(db: Db, id: number) {
  return certifications(db).select(certificationColumns).where('c.id', '=', id).executeTakeFirst();
}

export async function insertCertification(db: Db, row: Insertable<CertificationsTable>): Promise<number> {
  return (await db.insertInto('certifications').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export async function updateCertification(db: Db, id: number, patch: Updateable<CertificationsTable>): Promise<void> {
  await db.updateTable('certifications').set(patch).where('id', '=', id).execute();
}

export interface ListFilter {
  frameworkSlug?: string | undefined;
  status?: CertificationStatus | undefined;
  q?: string | undefined;
}

/** The register, filtered; the status filter is the derivation of certificationStatus() written as SQL. */
export async function listCertifications(db: Db, f: ListFilter, today: string, windowDays: number, page: { limit: number; offset: number }) {
  let q = certifications(db);
  if (f.frameworkSlug) q = q.where('f.slug', '=', f.frameworkSlug);
  if (f.q) q = q.where(containsText(f.q, ['c.issuer', 'c.number', 'c.scope']));
  const soon = addDays(today, windowDays);
  if (f.status === 'withdrawn') q = q.where('c.withdrawn_on', 'is not', null);
  else if (f.status) {
    q = q.where('c.withdrawn_on', 'is', null);
    if (f.status === 'not_yet_valid') q = q.where('c.valid_from', '>', today);
    if (f.status === 'expired') q = q.where('c.valid_until', '<', today);
    if (f.status === 'expiring') q = q.where('c.valid_from', '<=', today).where('c.valid_until', '>=', today).where('c.valid_until', '<=', soon);
    if (f.status === 'current') q = q.where('c.valid_from', '<=', today).where('c.valid_until', '>', soon);
  }
  const [rows, count] = await Promise.all([
    q.select(certificationColumns).orderBy('f.name').orderBy('c.valid_from', 'desc').orderBy('c.id', 'desc').limit(page.limit).offset(page.offset).execute(),
    q.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** Every certification (the register is small: tens of rows); for gaps, alerts and the calendar. */
export function allCertifications(db: Db) {
  return certifications(db).select(certificationColumns).orderBy('c.valid_from').orderBy('c.id').execute();
}

export function certificationsOfFramework(db: Db, frameworkId: number) {
  return db.selectFrom('certifications').select(['id', 'framework_id', 'kind', 'valid_from', 'valid_until', 'withdrawn_on']).where('framework_id', '=', frameworkId).execute();
}

// ---- programme events ------------------------------------------------------------------------

const eventColumns = [
  'e.id',
  'e.certification_id',
  'e.framework_id',
  'e.kind',
  'e.title',
  'e.starts_on',
  'e.ends_on',
  'e.rrule',
  'e.owner_id',
  'e.status',
  'e.done_on',
  'e.created_at',
  'e.updated_at',
  'u.email as owner_email',
  'u.name as owner_name',
] as const;

function events(db: Db) {
  return db.selectFrom('programme_events as e').leftJoin('users as u', 'u.id', 'e.owner_id');
}

export type EventRow = Awaited<ReturnType<typeof eventsOf>>[number];

export function eventsOf(db: Db, certificationId: number) {
  return events(db).select(eventColumns).where('e.certification_id', '=', certificationId).orderBy('e.starts_on').orderBy('e.id').execute();
}

export function findEvent(db: Db, certificationId: number, eventId: number) {
  return events(db).select(eventColumns).where('e.id', '=', eventId).where('e.certification_id', '=', certificationId).executeTakeFirst();
}

/** Certification events that may overlap [from, to]; recurring ones are checked by the caller. */
export function eventsStartingBy(db: Db, from: string, to: string) {
  return events(db)
    .select(eventColumns)
    .where('e.certification_id', 'is not', null)
    .where('e.status', '!=', 'cancelled')
    .where('e.starts_on', '<=', to)
    .where((eb) => eb.or([eb('e.rrule', 'is not', null), eb(eb.fn.coalesce('e.ends_on', 'e.starts_on'), '>=', from)]))
    .orderBy('e.starts_on')
    .orderBy('e.id')
    .execute();
}

export async function insertEvents(db: Db, rows: Insertable<ProgrammeEventsTable>[]): Promise<number[]> {
  if (rows.length === 0) return [];
  return (await db.insertInto('programme_events').values(rows).returning('id').execute()).map((r) => r.id);
}

export async function updateEvent(db: Db, id: number, patch: Updateable<ProgrammeEventsTable>): Promise<void> {
  await db.updateTable('programme_events').set(patch).where('id', '=', id).execute();
}

export async function deleteEvents(db: Db, certificationId: number, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.deleteFrom('programme_events').where('certification_id', '=', certificationId).where('id', 'in', ids).execute();
}

/** The certificate-expiry events of every certification, oldest first (the first one is "the" expiry). */
export function expiryEvents(db: Db) {
  return db
    .selectFrom('programme_events')
    .select(['id', 'certification_id'])
    .where('kind', '=', 'certificate_expiry')
    .where('certification_id', 'is not', null)
    .orderBy('id')
    .execute();
}

/** Bridge letters issued (done), for telling which SOC 2 gaps they cover. */
export function issuedBridgeLetters(db: Db) {
  return db
    .selectFrom('programme_events')
    .select(['id', 'certification_id', 'framework_id', 'starts_on', 'ends_on'])
    .where('kind', '=', 'bridge_letter')
    .where('status', '=', 'done')
    .where('certification_id', 'is not', null)
    .orderBy('starts_on')
    .execute();
}
