import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

/** Every (requirement in A, requirement in B, control) where one active control maps to both. */
export function bridgingRows(db: Kysely<DB>, fromFrameworkId: number, toFrameworkId: number) {
  return db
    .selectFrom('mappings as ma')
    .innerJoin('mappings as mb', 'mb.control_id', 'ma.control_id')
    .innerJoin('requirements as ra', 'ra.id', 'ma.requirement_id')
    .innerJoin('requirements as rb', 'rb.id', 'mb.requirement_id')
    .innerJoin('controls as c', 'c.id', 'ma.control_id')
    .select([
      'ra.ref as from_ref',
      'ra.name as from_name',
      'ra.position as from_position',
      'rb.ref as to_ref',
      'rb.name as to_name',
      'rb.position as to_position',
      'c.ref as control_ref',
      'c.title as control_title',
      'ma.relationship as from_relationship',
      'mb.relationship as to_relationship',
    ])
    .where('ra.framework_id', '=', fromFrameworkId)
    .where('rb.framework_id', '=', toFrameworkId)
    .where('c.retired_at', 'is', null)
    .orderBy('ra.position')
    .orderBy('rb.position')
    .orderBy('c.ref')
    .execute();
}
