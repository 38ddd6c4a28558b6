import type { Kysely } from 'kysely';
import { containsText } from '../db/text-match.ts';
import type { DB } from '../db/schema.ts';

export function searchRequirements(db: Kysely<DB>, text: string, limit: number) {
  return db
    .selectFrom('requirements as r')
    .innerJoin('frameworks as f', 'f.id', 'r.framework_id')
    .select(['f.slug', 'f.name as framework_name', 'r.ref', 'r.name', 'r.summary'])
    .where(containsText(text, ['r.ref', 'r.name', 'r.summary']))
    .orderBy('f.name')
    .orderBy('r.position')
    .limit(limit)
    .execute();
}

export function searchControls(db: Kysely<DB>, text: string, limit: number) {
  return db
    .selectFrom('controls as c')
    .innerJoin('control_domains as d', 'd.slug', 'c.domain')
    .select(['c.ref', 'c.title', 'd.name as domain_name'])
    .where('c.retired_at', 'is', null)
    .where(containsText(text, ['c.ref', 'c.title', 'c.description']))
    .orderBy('c.ref')
    .limit(limit)
    .execute();
}
