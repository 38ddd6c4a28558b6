import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * What the trail needs to name a subject today: its title and, for subjects whose page sits under
 * another (a finding under its audit), the parent's id. Read-only, and only for display: the trail
 * itself keeps the type and id it recorded, whatever happens to the subject later.
 */
export interface SubjectFacts {
  title: string;
  /** A second name: a control's or finding's ref, a certificate number, a questionnaire's file. */
  ref?: string | undefined;
  /** The audit of a finding or request, the certification of a calendar event. */
  parentId?: number | null | undefined;
  /** The control refs evidence stands for; a certification's kind. */
  controls?: string[] | undefined;
  kind?: string | undefined;
  email?: string | undefined;
}

/** Subject type → id (as the trail records it) → facts. */
export type SubjectIndex = Map<string, Map<string, SubjectFacts>>;

/** Record ids are text in the trail; most tables key by integer, so only integers are looked up. */
const numericIds = (ids: string[]) => [...new Set(ids.filter((id) => /^\d{1,15}$/.test(id)).map(Number))];

type Lookup = (db: Db, ids: string[]) => Promise<[string, SubjectFacts][]>;

/** Wraps a lookup by integer id: ids that are not integers are dropped, and none at all asks nothing. */
const byNumber =
  (run: (db: Db, ids: number[]) => Promise<[string, SubjectFacts][]>): Lookup =>
  async (db, ids) => {
    const wanted = numericIds(ids);
    return wanted.length ? run(db, wanted) : [];
  };

const lookups: Record<string, Lookup> = {
  evidence: byNumber(async (db, wanted) => {
    // One statement: each item with the refs of its controls, folded per item below.
    const rows = await db
      .selectFrom('evidence as e')
      .leftJoin('evidence_controls as ec', 'ec.evidence_id', 'e.id')
      .leftJoin('controls as c', 'c.id', 'ec.control_id')
      .select(['e.id', 'e.title', 'c.ref'])
      .where('e.id', 'in', wanted)
      .orderBy('e.id')
      .orderBy('c.ref')
      .execute();
    const byId = new Map<string, SubjectFacts>();
    for (const r of rows) {
      const facts = byId.get(String(r.id)) ?? { title: r.title, controls: [] };
      if (r.ref) facts.controls?.push(r.ref);
      byId.set(String(r.id), facts);
    }
    return [...byId];
  }),
  control: async (db, ids) => {
    const rows = await db
      .selectFrom('controls')
      .select(['ref', 'title'])
      .where('ref', 'in', [...new Set(ids)])
      .execute();
    return rows.map((r) => [r.ref, { title: r.title, ref: r.ref }]);
  },
  user: byNumber(async (db, ids) => {
    const rows = await db.selectFrom('users').select(['id', 'name', 'email']).where('id', 'in', ids).execute();
    return rows.map((r) => [String(r.id), { title: r.name, email: r.email }]);
  }),
  audit: byNumber(async (db, ids) => {
    const rows = await db.selectFrom('audits').select(['id', 'title']).where('id', 'in', ids).execute();
    return rows.map((r) => [String(r.id), { title: r.title }]);
  }),
  finding: byNumber(async (db, ids) => {
    const rows = await db.selectFrom('findings').select(['id', 'title', 'ref', 'audit_id']).where('id', 'in', ids).execute();
    return rows.map((r) => [String(r.id), { title: r.title, ref: r.ref, parentId: r.audit_id }]);
  }),
  evidence_request: byNumber(async (db, ids) => {
    const rows = await db.selectFrom('evidence_requests').select(['id', 'title', 'ref', 'audit_id']).where('id', 'in', ids).execute();
    return rows.map((r) => [String(r.id), { title: r.title, ref: r.ref, parentId: r.audit_id }]);
  }),
  certification: byNumber(async (db, ids) => {
    const rows = await db
      .selectFrom('certifications as c')
      .innerJoin('frameworks as f', 'f.id', 'c.framework_id')
      .select(['c.id', 'c.kind', 'c.number', 'f.name'])
      .where('c.id', 'in', ids)
      .execute();
    return rows.map((r) => [String(r.id), { title: r.name, kind: r.kind, ref: r.number }]);
  }),
  programme_event: byNumber(async (db, ids) => {
    const rows = await db.selectFrom('programme_events').select(['id', 'title', 'certification_id']).where('id', 'in', ids).execute();
    return rows.map((r) => [String(r.id), { title: r.title, parentId: r.certification_id }]);
  }),
  report: byNumber(async (db, ids) => {
    const rows = await db.selectFrom('reports').select(['id', 'title']).where('id', 'in', ids).execute();
    return rows.map((r) => [String(r.id), { title: r.title }]);
  }),
  questionnaire: byNumber(async (db, ids) => {
    const rows = await db.selectFrom('questionnaires').select(['id', 'customer', 'filename']).where('id', 'in', ids).execute();
    return rows.map((r) => [String(r.id), { title: r.customer, ref: r.filename }]);
  }),
  framework: async (db, ids) => {
    const rows = await db
      .selectFrom('frameworks')
      .select(['slug', 'name'])
      .where('slug', 'in', [...new Set(ids)])
      .execute();
    return rows.map((r) => [r.slug, { title: r.name }]);
  },
  certification_request: byNumber(async (db, ids) => {
    const rows = await db.selectFrom('certification_requests').select(['id', 'customer', 'scheme']).where('id', 'in', ids).execute();
    return rows.map((r) => [String(r.id), { title: r.customer, ref: r.scheme }]);
  }),
  api_token: byNumber(async (db, ids) => {
    const rows = await db.selectFrom('api_tokens').select(['id', 'name']).where('id', 'in', ids).execute();
    return rows.map((r) => [String(r.id), { title: r.name }]);
  }),
};

/** The subjects a page of the trail names, one statement per subject type, whatever the page size. */
export async function subjectFacts(db: Db, wanted: Map<string, Set<string>>): Promise<SubjectIndex> {
  const index: SubjectIndex = new Map();
  await Promise.all(
    [...wanted].map(async ([type, ids]) => {
      const lookup = lookups[type];
      if (!lookup || ids.size === 0) return;
      index.set(type, new Map(await lookup(db, [...ids])));
    }),
  );
  return index;
}
