import fs from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { DB } from '../db/schema.ts';
import { GENESIS_HASH } from './activity.hash.ts';
import { chainHead, walkChain } from './activity.repository.ts';
import { verifyChain, type VerifyResult } from './activity.service.ts';

// The hash chain shows a record altered or removed in the middle, but someone who can write to the
// database can still drop its newest records, or rewrite it from some record on and recompute every
// hash after it: the chain is then whole again. A checkpoint (how many records there were, and the
// id and hash of the last) kept outside the database catches both, as long as whoever can change
// the database cannot also change where the checkpoints are kept.

/** The chain head at one moment. An empty chain has count 0, no id and the genesis hash. */
export interface Checkpoint {
  count: number;
  id: number | null;
  hash: string;
  at: string;
}

/** A checkpoint read from a file, with its line number there. */
export type FiledCheckpoint = Checkpoint & { line: number };

export const CHECKPOINT_FILE_NAME = 'activity-checkpoints.jsonl';

export function checkpointFile(config: Pick<AppContext['config'], 'dataDir'>): string {
  return path.join(config.dataDir, CHECKPOINT_FILE_NAME);
}

/**
 * Reads the chain head. One statement, so the count and the last record come from one snapshot
 * even while others append. Reading it writes nothing: printing the head must not move it.
 */
export async function computeCheckpoint(ctx: Pick<AppContext, 'db' | 'clock'>): Promise<Checkpoint> {
  const at = ctx.clock().toISOString();
  const head = await chainHead(ctx.db);
  if (!head) return { count: 0, id: null, hash: GENESIS_HASH, at };
  return { count: Number(head.count), id: head.id, hash: head.hash, at };
}

/** Appends one checkpoint as one JSON line, flushed to disk before returning. */
export async function appendCheckpoint(file: string, checkpoint: Checkpoint): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const handle = await fs.open(file, 'a');
  try {
    await handle.write(`${JSON.stringify(checkpoint)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Computes the chain head and appends it to the data directory's checkpoint file. */
export async function recordCheckpoint(ctx: Pick<AppContext, 'db' | 'clock' | 'config'>): Promise<{ checkpoint: Checkpoint; file: string }> {
  const checkpoint = await computeCheckpoint(ctx);
  const file = checkpointFile(ctx.config);
  await appendCheckpoint(file, checkpoint);
  return { checkpoint, file };
}

const checkpointSchema = z
  .object({
    count: z.number().int().min(0),
    id: z.number().int().positive().nullable(),
    hash: z.string().regex(/^[0-9a-f]{64}$/, 'hash must be 64 lowercase hex characters'),
    at: z.iso.datetime({ error: 'at must be an ISO-8601 UTC time' }),
  })
  .strict()
  .refine((c) => (c.count === 0) === (c.id === null), 'id must be null exactly when count is 0');

export class CheckpointFileError extends Error {
  constructor(readonly problems: { line: number; message: string }[]) {
    super(problems.map((p) => `line ${p.line}: ${p.message}`).join('\n'));
    this.name = 'CheckpointFileError';
  }
}

/** Parses a checkpoint file (one JSON object a line; blank lines ignored); throws naming every bad line. */
export function parseCheckpoints(text: string): FiledCheckpoint[] {
  const checkpoints: FiledCheckpoint[] = [];
  const problems: { line: number; message: string }[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      problems.push({ line, message: 'not valid JSON' });
      return;
    }
    const parsed = checkpointSchema.safeParse(value);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message));
      problems.push({ line, message: `not a checkpoint (${issues.join('; ')})` });
      return;
    }
    checkpoints.push({ ...parsed.data, line });
  });
  if (problems.length) throw new CheckpointFileError(problems);
  // An empty file checks nothing; saying "all checkpoints match" about it would mislead.
  if (!checkpoints.length) throw new CheckpointFileError([{ line: 1, message: 'the file holds no checkpoints' }]);
  return checkpoints;
}

export async function readCheckpoints(file: string): Promise<FiledCheckpoint[]> {
  return parseCheckpoints(await fs.readFile(file, 'utf8'));
}

export interface CheckpointReport {
  /** The chain verifies and agrees with every checkpoint. */
  ok: boolean;
  /** Plain chain verification, as `attest activity verify` does it. */
  chain: VerifyResult;
  /** Records in the chain now. */
  count: number;
  checked: number;
  /** Every way the chain disagrees with a checkpoint, in file order. */
  problems: string[];
}

/**
 * Checks the chain against checkpoints: it must still hold at least as many records as each one
 * recorded, and the record each one named must still carry the hash it had; and the whole chain
 * must verify.
 */
export async function verifyAgainstCheckpoints(db: Kysely<DB>, checkpoints: FiledCheckpoint[]): Promise<CheckpointReport> {
  const chain = await verifyChain(db);
  const wanted = new Set(checkpoints.flatMap((c) => (c.id === null ? [] : [c.id])));
  const found = new Map<number, string>();
  let count = 0;
  // One more walk (constant memory) that counts every record, past any break verifyChain stopped at.
  for await (const row of walkChain(db)) {
    count += 1;
    if (wanted.has(row.id)) found.set(row.id, row.hash);
  }
  const problems: string[] = [];
  for (const c of checkpoints) {
    const which = `the checkpoint of ${c.at} (line ${c.line})`;
    if (count < c.count) problems.push(`the chain has ${count} records but ${which} recorded ${c.count}`);
    if (c.id === null) continue;
    const hash = found.get(c.id);
    if (hash === undefined) problems.push(`record ${c.id} is missing but ${which} recorded it with hash ${c.hash}`);
    else if (hash !== c.hash) problems.push(`record ${c.id} has hash ${hash} but ${which} recorded ${c.hash}`);
  }
  return { ok: chain.ok && problems.length === 0, chain, count, checked: checkpoints.length, problems };
}
