import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

// Long work that must not hold up anybody's request: started, then followed on a page that shows
// its progress and, at the end, its result. The state is kept in memory by the process doing the
// work and written to DATA_DIR/jobs/<id>.json (atomically, at most once a second while it runs),
// so another server process sharing the data folder can show it too; files are removed an hour
// after the job ends. The result that matters (what was imported) is recorded in the database by
// the work itself. A user sees only the jobs they started.

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
const WRITE_EVERY_MS = 1000;
const jobs = new Map<string, Job>();

export interface Progress {
  phase(name: string): void;
  set(done: number, total: number): void;
}

const dirOf = (dataDir: string) => path.join(dataDir, 'jobs');
const ID = /^[0-9a-f-]{36}$/;

function save(dataDir: string, job: Job): void {
  try {
    const dir = dirOf(dataDir);
    fs.mkdirSync(dir, { recursive: true });
    const tmp = path.join(dir, `${job.id}.tmp`);
    fs.writeFileSync(tmp, JSON.stringify(job));
    fs.renameSync(tmp, path.join(dir, `${job.id}.json`));
  } catch {
    // Best effort: the process doing the work still answers from memory.
  }
}

/** Removes the files of jobs that ended more than an hour ago. */
function sweep(dataDir: string): void {
  try {
    for (const name of fs.readdirSync(dirOf(dataDir))) {
      const file = path.join(dirOf(dataDir), name);
      if (Date.now() - fs.statSync(file).mtimeMs > KEEP_MS) fs.rmSync(file, { force: true });
    }
  } catch {
    /* no folder yet */
  }
  for (const [id, j] of jobs) if (j.finishedAt && Date.now() - Date.parse(j.finishedAt) > KEEP_MS) jobs.delete(id);
}

export function startJob<T>(dataDir: string, kind: string, ownerId: number | null, work: (progress: Progress) => Promise<T>): Job<T> {
  sweep(dataDir);
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
  save(dataDir, job as Job);
  let written = Date.now();
  const touch = () => {
    if (Date.now() - written < WRITE_EVERY_MS) return;
    written = Date.now();
    save(dataDir, job as Job);
  };
  const progress: Progress = {
    phase: (name) => {
      job.phase = name;
      touch();
    },
    set: (done, total) => {
      job.done = done;
      job.total = total;
      touch();
    },
  };
  const end = (status: 'done' | 'failed') => {
    job.status = status;
    job.finishedAt = new Date().toISOString();
    save(dataDir, job as Job);
  };
  work(progress).then(
    (result) => {
      job.result = result;
      end('done');
    },
    (err: unknown) => {
      job.error = err instanceof Error ? err.message : String(err);
      end('failed');
    },
  );
  return job;
}

/** A job its owner may follow — from this process's memory, or from the file another process wrote — or undefined. */
export function jobFor<T>(dataDir: string, id: string, kind: string, ownerId: number | null): Job<T> | undefined {
  let job = jobs.get(id);
  if (!job && ID.test(id)) {
    try {
      job = JSON.parse(fs.readFileSync(path.join(dirOf(dataDir), `${id}.json`), 'utf8')) as Job;
    } catch {
      job = undefined;
    }
  }
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
