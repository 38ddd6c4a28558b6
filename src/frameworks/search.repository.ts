import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

const like = (column: string, pattern: string) => sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;

export function searchRequirements(db: Kysely<DB>, pattern: string, limit: number) {
  return db
    .selectFrom('requirements as r')
    .innerJoin('frameworks as f', 'f.id', 'r.framework_id')
    .select(['f.slug', 'f.name as framework_name', 'r.ref', 'r.name', 'r.summary'])
    .where((eb) => eb.or([like('r.ref', pattern), like('r.name', pattern), like('r.summary', pattern)]))
    .orderBy('f.name')
    .orderBy('r.position')
    .limit(limit)
    .execute();
}

export function searchControls(db: Kysely<DB>, pattern: string, limit: number) {
  return db
    .selectFrom('controls as c')
    .innerJoin('control_domains as d', 'd.slug', 'c.domain')
    .select(['c.ref', 'c.title', 'd.name as domain_name'])
    .where('c.retired_at', 'is', null)
    .where((eb) => eb.or([like('c.ref', pattern), like('c.title', pattern), like('c.description', pattern)]))
    .orderBy('c.ref')
    .limit(limit)
    .execute();
}
