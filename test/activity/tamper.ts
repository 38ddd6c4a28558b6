import { sql } from 'kysely';
import type { ActivityAction } from '../../src/activity/activity.actions.ts';
import { activityHash } from '../../src/activity/activity.hash.ts';
import { recordActivity } from '../../src/activity/activity.service.ts';
import { systemPrincipal } from '../../src/auth/principal.ts';
import type { TestContext } from '../helpers/context.ts';

// What someone who can change the database directly could do to the activity trail. The database
// refuses UPDATE and DELETE on activity, so each attack first drops that guard, as an attacker
// with DDL rights (the database owner) can.

/** Drops the append-only triggers (names from migration 2026_11_29_0001_activity_guard). */
export async function dropGuard(ctx: TestContext): Promise<void> {
  if (ctx.dialect === 'postgres') {
    await sql`drop function activity_append_only() cascade`.execute(ctx.db);
    return;
  }
  await sql`drop trigger activity_no_update`.execute(ctx.db);
  await sql`drop trigger activity_no_delete`.execute(ctx.db);
}

/** Appends `n` ordinary records through the real service. */
export async function appendRecords(ctx: TestContext, n: number, action: ActivityAction = 'control.updated'): Promise<void> {
  for (let i = 0; i < n; i += 1) {
    await ctx.db.transaction().execute((trx) => recordActivity(ctx, trx, systemPrincipal, { action, subjectType: 'control', subjectId: i, details: { step: i } }));
  }
}

export async function activityIds(ctx: TestContext): Promise<number[]> {
  return (await ctx.db.selectFrom('activity').select('id').orderBy('id').execute()).map((r) => r.id);
}

/** Deletes the newest `n` records (all of them when n is Infinity). */
export async function truncateLast(ctx: TestContext, n: number): Promise<void> {
  const ids = await activityIds(ctx);
  const doomed = ids.slice(Math.max(0, ids.length - n));
  if (doomed.length) await ctx.db.deleteFrom('activity').where('id', 'in', doomed).execute();
}

/**
 * Alters record `fromId` and re-links every record from it on with freshly computed hashes, so the
 * chain verifies again: what plain chain verification cannot see.
 */
export async function rewriteFrom(ctx: TestContext, fromId: number): Promise<void> {
  const rows = await ctx.db.selectFrom('activity').selectAll().orderBy('id').execute();
  let prev: string | undefined;
  for (const row of rows) {
    if (row.id < fromId) {
      prev = row.hash;
      continue;
    }
    const details = row.id === fromId ? '{"rewritten":true}' : row.details;
    const fields = { ...row, details, prev_hash: prev ?? '0'.repeat(64) };
    const hash = activityHash(fields);
    await sql`update activity set details = ${details}, prev_hash = ${fields.prev_hash}, hash = ${hash} where id = ${row.id}`.execute(ctx.db);
    prev = hash;
  }
}
