import { randomUUID } from 'node:crypto';

// Long work that must not hold up anybody's request: started, then followed on a page that shows
// its progress and, at the end, its result. Kept in this process's memory for an hour after it
// ends (the result that matters — what was imported or built — is recorded in the database by the
// work itself); a user sees only the jobs they started.

export interface Job<T = unknown> {
  id: string;
  kind: string;
  ownerId: number | null;
  status: 'running' | 'done' | 'failed';
  phase: string;
  done: number;
  total: number;
  result: T | null;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

const KEEP_MS = 60 * 60 * 1000;
const jobs = new Map<string, Job>();

export interface Progress {
  phase(name: string): void;
  set(done: number, total: number): void;
}

export function startJob<T>(kind: string, ownerId: number | null, work: (progress: Progress) => Promise<T>): Job<T> {
  const job: Job<T> = {
    id: randomUUID(),
    kind,
    ownerId,
    status: 'running',
    phase: 'starting',
    done: 0,
    total: 0,
    result: null,
    error: null,
    startedAt: new Date().toISOString(),
    finishedAt: null,
  };
  jobs.set(job.id, job as Job);
  const progress: Progress = {
    phase: (name) => {
      job.phase = name;
    },
    set: (done, total) => {
      job.done = done;
      job.total = total;
    },
  };
  work(progress).then(
    (result) => {
      job.result = result;
      job.status = 'done';
      job.finishedAt = new Date().toISOString();
    },
    (err: unknown) => {
      job.error = err instanceof Error ? err.message : String(err);
      job.status = 'failed';
      job.finishedAt = new Date().toISOString();
    },
  );
  for (const [id, j] of jobs) if (j.finishedAt && Date.now() - Date.parse(j.finishedAt) > KEEP_MS) jobs.delete(id);
  return job;
}

/** A job its owner may follow, or undefined. */
export function jobFor<T>(id: string, kind: string, ownerId: number | null): Job<T> | undefined {
  const job = jobs.get(id);
  return job && job.kind === kind && job.ownerId === ownerId ? (job as Job<T>) : undefined;
}

let backgroundWriters = 0;

/** Marks a long write transaction on a connection of its own (SQLite then refuses other writers). */
export async function writingInBackground<T>(work: () => Promise<T>): Promise<T> {
  backgroundWriters += 1;
  try {
    return await work();
  } finally {
    backgroundWriters -= 1;
  }
}

/** True while such a transaction is open: optional writes (a session's last-seen time) are skipped. */
export const busyWriting = () => backgroundWriters > 0;
