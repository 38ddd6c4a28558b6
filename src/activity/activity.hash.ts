import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an activity record that its hash covers (everything but its id and hash). */
export interface HashedFields {
  prev_hash: string;
  at: string;
  actor_id: number | null;
  actor_label: string;
  action: string;
  subject_type: string;
  subject_id: string | null;
  details: string;
  ip: string | null;
  user_agent: string | null;
}

/**
 * SHA-256 over the previous hash and a canonical form of the record. The canonical form is a JSON
 * array in a fixed field order, so it never depends on key order or on the database's row shape.
 */
export function activityHash(f: HashedFields): string {
  const canonical = JSON.stringify([f.at, f.actor_id, f.actor_label, f.action, f.subject_type, f.subject_id, f.details, f.ip, f.user_agent]);
  return createHash('sha256').update(f.prev_hash).update('\n').update(canonical).digest('hex');
}

/** JSON with object keys sorted at every level, so equal details always serialise the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}
