import os from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { type Action, authorize } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import type { DB } from '../db/schema.ts';
import { unitOfWork } from '../db/unit-of-work.ts';
import { messageForUser } from '../http/errors.ts';
import { currentPrincipal } from '../auth/users.service.ts';
import type { JobKind } from './jobs.handlers.ts';
import * as repo from './jobs.repository.ts';
import { queueFor } from './queue.ts';

// Long work as a record: asked for by a request (recorded with who asked, queued in the same
// transaction), run by a worker — in this process on SQLite, by any app server's worker on
// PostgreSQL — with its progress, result or failure written back, so whichever server a user's next
// request reaches can show it. A job acts with the rights its asker had; every handler authorizes
// again with that principal. A worker that dies is noticed by its missing heartbeat.

/** How a job reports progress: a phase name and a count. */
export interface Progress {
  phase(name: string): void;
  set(done: number, total: number): void;
}

export interface JobView<T = unknown> {
  id: string;
  kind: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  phase: string;
  done: number;
  total: number;
  result: T | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export const WORKER_ID = `${os.hostname()}:${process.pid}`;
/** A running job writes its heartbeat this often; one silent for STALE_AFTER_MS is taken as dead. */
export const HEARTBEAT_MS = 10_000;
export const STALE_AFTER_MS = 60_000;
const PROGRESS_EVERY_MS = 1_000;
const KEEP_FINISHED_DAYS = 30;

/** Progress of the jobs running in this process, newer than what the database holds while they run. */
const live = new Map<string, { phase: string; done: number; total: number }>();

/**
 * Records a job and queues it, in one transaction with whatever `record` writes (a report's row):
 * either both are there or neither. Returns the job's id and what `record` returned.
 */
export async function enqueueJob<T>(
  ctx: AppContext,
  principal: Principal,
  kind: JobKind,
  record: (trx: Transaction<DB>) => Promise<{ payload: Record<string, unknown>; value: T }>,
): Promise<{ jobId: string; value: T }> {
  const queue = await queueFor(ctx);
  const id = randomUUID();
  const value = await unitOfWork(ctx, async (trx) => {
    const { payload, value } = await record(trx);
    await repo.insertJob(trx, {
      id,
      kind,
      owner_id: principal.userId,
      principal: JSON.stringify(principal),
      payload: JSON.stringify(payload),
      created_at: ctx.clock().toISOString(),
    });
    await queue.add(trx, id);
    return value;
  });
  // Inside a caller's transaction, the in-process worker's first query waits for its commit (one connection).
  queue.kick(id);
  return { jobId: id, value };
}

/** A job its asker may follow (a job is shown only to whoever asked for it), or undefined. */
export async function followJob<T>(ctx: AppContext, principal: Principal, action: Action, kind: JobKind, id: string): Promise<JobView<T> | undefined> {
  authorize(principal, action);
  const row = await repo.findJob(ctx.db, id);
  if (!row || row.kind !== kind || row.owner_id !== principal.userId) return undefined;
  const now = row.status === 'running' ? live.get(id) : undefined;
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    phase: now?.phase ?? row.phase,
    done: now?.done ?? row.done,
    total: now?.total ?? row.total,
    result: row.result === null ? null : (JSON.parse(row.result) as T),
    error: row.error,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}

/**
 * Runs one queued job in this process, if no other worker has taken it. Throws only when it could
 * not be taken (the database busy); once taken, the outcome is written to the job. On SQLite, progress stays in this process's memory while the job runs
 * (a long import holds the one write lock, so nothing else may write meanwhile); on PostgreSQL it
 * is written to the job at most once a second, with a heartbeat, so every server can show it.
 */
export async function runJob(ctx: AppContext, id: string): Promise<void> {
  if (!(await repo.claimJob(ctx.db, id, WORKER_ID, ctx.clock().toISOString()))) return;
  const row = await repo.findJob(ctx.db, id);
  if (!row) return;
  const { jobHandlers } = await import('./jobs.handlers.ts');
  const handler = jobHandlers[row.kind as JobKind];
  const state = { phase: 'starting', done: 0, total: 0 };
  live.set(id, state);
  const persist = ctx.dialect === 'postgres';
  let written = 0;
  const write = (force = false) => {
    if (!persist || (!force && Date.now() - written < PROGRESS_EVERY_MS)) return;
    written = Date.now();
    void repo
      .updateRunningJob(ctx.db, id, { ...state, heartbeat_at: ctx.clock().toISOString() })
      .catch((err: unknown) => ctx.logger.warn({ err, jobId: id }, 'job progress not written'));
  };
  const heartbeat = persist ? setInterval(() => write(true), HEARTBEAT_MS) : undefined;
  heartbeat?.unref();
  const progress: Progress = {
    phase(name) {
      if (name === state.phase) return;
      state.phase = name;
      write(true); // a new phase is shown at once
    },
    set(done, total) {
      state.done = done;
      state.total = total;
      write();
    },
  };
  try {
    if (!handler) throw new Error(`no handler for job kind ${row.kind}`);
    // The asker's rights as they are now, not as they were when the job was queued.
    const principal = await currentPrincipal(ctx, JSON.parse(row.principal) as Principal);
    const result = await handler.run(ctx, principal, JSON.parse(row.payload) as Record<string, unknown>, progress);
    await repo.updateRunningJob(ctx.db, id, { ...state, status: 'done', result: JSON.stringify(result ?? null), finished_at: ctx.clock().toISOString() });
  } catch (err) {
    ctx.logger.error({ err, jobId: id, kind: row.kind }, 'job failed');
    const message = messageForUser(err, 'Something went wrong on the server; the error is in the server log.');
    await repo
      .updateRunningJob(ctx.db, id, { ...state, status: 'failed', error: message, finished_at: ctx.clock().toISOString() })
      .catch((e: unknown) => ctx.logger.error({ err: e, jobId: id }, 'recording the job failure failed'));
    await handler
      ?.failed?.(ctx, JSON.parse(row.principal) as Principal, JSON.parse(row.payload) as Record<string, unknown>, message)
      .catch((e: unknown) => ctx.logger.error({ err: e, jobId: id }, 'tidying up after a failed job failed'));
  } finally {
    if (heartbeat) clearInterval(heartbeat);
    live.delete(id);
  }
}

/**
 * Jobs whose worker stopped (a killed process, a lost machine) are failed and their handler told,
 * so a report does not say "building" for ever; done jobs older than a month are forgotten.
 * `everyRunning`: on SQLite, at start, every job still marked running belonged to a process that
 * is gone (the one server is this one).
 */
export async function sweepJobs(ctx: AppContext, options: { everyRunning?: boolean } = {}): Promise<number> {
  const now = ctx.clock();
  // Heartbeats are ISO times: every one sorts before '9999'.
  const before = options.everyRunning ? '9999' : new Date(now.getTime() - STALE_AFTER_MS).toISOString();
  const { jobHandlers } = await import('./jobs.handlers.ts');
  let failed = 0;
  for (const job of await repo.staleJobs(ctx.db, before)) {
    if (live.has(job.id)) continue;
    const message = 'The server stopped while this was running. Try again.';
    const taken = await repo.failStaleJob(ctx.db, job.id, before, message, now.toISOString());
    if (!taken) continue;
    failed += 1;
    ctx.logger.warn({ jobId: job.id, kind: job.kind }, 'job abandoned by a stopped worker');
    await jobHandlers[job.kind as JobKind]
      ?.failed?.(ctx, JSON.parse(job.principal) as Principal, JSON.parse(job.payload) as Record<string, unknown>, message)
      .catch((err: unknown) => ctx.logger.error({ err, jobId: job.id }, 'cleaning up an abandoned job failed'));
  }
  await repo.deleteFinishedBefore(ctx.db, new Date(now.getTime() - KEEP_FINISHED_DAYS * 86_400_000).toISOString());
  return failed;
}
