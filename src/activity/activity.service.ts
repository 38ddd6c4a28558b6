import type { Kysely, Transaction } from 'kysely';
import type { Actor, AppContext } from '../context.ts';
import type { DB } from '../db/schema.ts';
import { unitOfWork } from '../db/unit-of-work.ts';
import type { ActivityAction } from './activity.actions.ts';
import { authorize } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import { findUserByEmail } from '../auth/users.repository.ts';
import { nextDay } from '../dates.ts';
import { activityHash, canonicalJson, GENESIS_HASH } from './activity.hash.ts';
import * as repo from './activity.repository.ts';
import { subjectFacts, type SubjectIndex } from './subjects.repository.ts';
import { bumpVersion } from '../coverage/intervals.repository.ts';
import { coverageActions } from './activity.actions.ts';

export interface ActivityEvent {
  action: ActivityAction;
  subjectType: string;
  subjectId?: string | number | null;
  details?: Record<string, unknown>;
}

export interface ActivityView {
  id: number;
  at: string;
  /** The actor's email (or the recorded label for the command line and Attest itself). */
  actor: string;
  /** The actor's name today, when the actor is a user. */
  actorName: string | null;
  /** What was recorded as the actor at the time: an email, `cli` or `system`. */
  actorLabel: string;
  action: ActivityAction;
  subjectType: string;
  subjectId: string | null;
  details: Record<string, unknown>;
  ip: string | null;
  userAgent: string | null;
  hash: string;
}

/**
 * Appends one record to the hash chain. Call it inside the transaction that makes the change,
 * so the change and its record commit or roll back together.
 */
export async function recordActivity(ctx: Pick<AppContext, 'dialect' | 'clock'>, trx: Transaction<DB>, actor: Actor, event: ActivityEvent): Promise<number> {
  await repo.lockChain(trx, ctx.dialect);
  const prev = (await repo.lastHash(trx)) ?? GENESIS_HASH;
  const fields = {
    prev_hash: prev,
    at: ctx.clock().toISOString(),
    actor_id: actor.userId,
    actor_label: actor.label,
    action: event.action,
    subject_type: event.subjectType,
    subject_id: event.subjectId === undefined || event.subjectId === null ? null : String(event.subjectId),
    details: canonicalJson(event.details ?? {}),
    ip: actor.ip,
    user_agent: actor.userAgent,
  };
  const id = await repo.insertActivity(trx, { ...fields, hash: activityHash(fields) });
  // Cached coverage is forgotten exactly when something it depends on changed, in every process
  // sharing the database: the version lives in the database and moves in the change's transaction.
  if (coverageActions.has(event.action)) await bumpVersion(trx, 'coverage');
  return id;
}

/**
 * Runs `work` as one unit of work (the caller's transaction, or a new one) and records `event` in
 * it; the event may depend on the result. The chain lock is taken first, so on PostgreSQL writes
 * are serialised and every check `work` makes inside the transaction cannot race another writer.
 */
export async function withActivity<T>(
  ctx: Pick<AppContext, 'db' | 'dialect' | 'clock'>,
  actor: Actor,
  work: (trx: Transaction<DB>) => Promise<T>,
  event: (result: T) => ActivityEvent | ActivityEvent[],
): Promise<T> {
  return unitOfWork(ctx, async (trx) => {
    await repo.lockChain(trx, ctx.dialect);
    const result = await work(trx);
    const events = event(result);
    for (const e of Array.isArray(events) ? events : [events]) await recordActivity(ctx, trx, actor, e);
    return result;
  });
}

export type VerifyResult = { ok: true; count: number } | { ok: false; count: number; brokenId: number; reason: string };

/** Walks the chain from the first record and stops at the first one whose links or hash disagree. */
export async function verifyChain(db: Kysely<DB>): Promise<VerifyResult> {
  let prev = GENESIS_HASH;
  let count = 0;
  for await (const row of repo.walkChain(db)) {
    if (row.prev_hash !== prev) {
      return { ok: false, count, brokenId: row.id, reason: 'prev_hash does not match the hash of the record before it (a record was removed, reordered or altered)' };
    }
    if (activityHash(row) !== row.hash) {
      return { ok: false, count, brokenId: row.id, reason: 'hash does not match the record contents (the record was altered)' };
    }
    prev = row.hash;
    count += 1;
  }
  return { ok: true, count };
}

export interface ActivityQuery {
  actorEmail?: string | undefined;
  action?: ActivityAction | undefined;
  subjectType?: string | undefined;
  subjectId?: string | undefined;
  /** First and last UTC day, inclusive. */
  from?: string | undefined;
  to?: string | undefined;
}

/** The trail, newest first, filtered; only those the policy lets read it. */
export async function listActivity(
  ctx: AppContext,
  principal: Principal,
  query: ActivityQuery,
  page: { limit: number; offset: number },
): Promise<{ items: ActivityView[]; total: number }> {
  authorize(principal, 'activity.read');
  // An unknown actor matches nothing (-1), rather than being ignored.
  const actorId = query.actorEmail ? ((await findUserByEmail(ctx.db, query.actorEmail.toLowerCase()))?.id ?? -1) : undefined;
  const { rows, total } = await repo.listActivity(
    ctx.db,
    { actorId, action: query.action, subjectType: query.subjectType, subjectId: query.subjectId, from: query.from, to: query.to ? nextDay(query.to) : undefined },
    page,
  );
  return {
    total,
    items: rows.map((r) => ({
      id: r.id,
      at: r.at,
      actor: r.actor_email ?? r.actor_label,
      actorName: r.actor_name,
      actorLabel: r.actor_label,
      action: r.action,
      subjectType: r.subject_type,
      subjectId: r.subject_id,
      details: JSON.parse(r.details) as Record<string, unknown>,
      ip: r.ip,
      userAgent: r.user_agent,
      hash: r.hash,
    })),
  };
}

/**
 * What the subjects a page of the trail names are called today (titles, parents), looked up in one
 * statement per subject type; for those who may read the trail.
 */
export async function describeSubjects(ctx: AppContext, principal: Principal, wanted: Map<string, Set<string>>): Promise<SubjectIndex> {
  authorize(principal, 'activity.read');
  return subjectFacts(ctx.db, wanted);
}
