import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CheckpointFileError,
  checkpointFile,
  computeCheckpoint,
  parseCheckpoints,
  readCheckpoints,
  recordCheckpoint,
  verifyAgainstCheckpoints,
} from '../../src/activity/activity.checkpoint.ts';
import { GENESIS_HASH } from '../../src/activity/activity.hash.ts';
import { verifyChain } from '../../src/activity/activity.service.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { activityIds, appendRecords, dropGuard, rewriteFrom, truncateLast } from './tamper.ts';

const opened: TestContext[] = [];
afterEach(async () => {
  for (const c of opened.splice(0)) await c.cleanup();
});

/** A fresh database whose chain holds `n` records, with a checkpoint of its head taken at 10:00. */
async function chainWithCheckpoint(n: number): Promise<TestContext> {
  const ctx = await createTestContext({ now: '2026-11-29T10:00:00.000Z' });
  opened.push(ctx);
  await appendRecords(ctx, n);
  await recordCheckpoint(ctx);
  return ctx;
}

const check = async (ctx: TestContext) => verifyAgainstCheckpoints(ctx.db, await readCheckpoints(checkpointFile(ctx.config)));

describe('checkpoints of the activity chain', () => {
  it('record the head (count, last id and hash) in the data directory without adding to the chain', async () => {
    const ctx = await createTestContext({ now: '2026-11-29T10:00:00.000Z' });
    opened.push(ctx);
    expect(await computeCheckpoint(ctx)).toEqual({ count: 0, id: null, hash: GENESIS_HASH, at: '2026-11-29T10:00:00.000Z' });
    await appendRecords(ctx, 3);
    const last = await ctx.db.selectFrom('activity').select(['id', 'hash']).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();

    const { checkpoint, file } = await recordCheckpoint(ctx);
    expect(checkpoint).toEqual({ count: 3, id: last.id, hash: last.hash, at: '2026-11-29T10:00:00.000Z' });
    ctx.setNow('2026-11-29T11:00:00.000Z');
    await recordCheckpoint(ctx);
    // Taking a checkpoint must not move the head it reports.
    expect(await activityIds(ctx)).toHaveLength(3);
    expect(file).toBe(`${ctx.config.dataDir}/activity-checkpoints.jsonl`);
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual([checkpoint, { ...checkpoint, at: '2026-11-29T11:00:00.000Z' }]);
  });

  it('agree with an intact chain, also after it has grown', async () => {
    const ctx = await chainWithCheckpoint(12);
    await appendRecords(ctx, 4, 'evidence.submitted');
    const report = await check(ctx);
    expect(report).toEqual({ ok: true, chain: { ok: true, count: 16 }, count: 16, checked: 1, problems: [] });
  });

  it.each([
    ['the last record', 1],
    ['the last ten records', 10],
    ['every record', Infinity],
  ])('catch the deletion of %s, which the chain alone does not show', async (_what, n) => {
    const ctx = await chainWithCheckpoint(30);
    const ids = await activityIds(ctx);
    const head = await computeCheckpoint(ctx);
    await dropGuard(ctx);
    await truncateLast(ctx, n);
    const left = Math.max(0, 30 - n);
    expect(await verifyChain(ctx.db)).toEqual({ ok: true, count: left });

    const report = await check(ctx);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      `the chain has ${left} records but the checkpoint of 2026-11-29T10:00:00.000Z (line 1) recorded 30`,
      `record ${ids[29]} is missing but the checkpoint of 2026-11-29T10:00:00.000Z (line 1) recorded it with hash ${head.hash}`,
    ]);
  });

  it('catch the deleted tail even when as many new records were appended after it', async () => {
    const ctx = await chainWithCheckpoint(20);
    const ids = await activityIds(ctx);
    await dropGuard(ctx);
    await truncateLast(ctx, 5);
    await appendRecords(ctx, 5);
    expect((await verifyChain(ctx.db)).ok).toBe(true);
    const report = await check(ctx);
    expect(report.problems).toEqual([expect.stringContaining(`record ${ids[19]} is missing`)]);
  });

  it('catch a rewrite from record k on with recomputed hashes, naming only the checkpoints it contradicts', async () => {
    const ctx = await createTestContext({ now: '2026-11-29T10:00:00.000Z' });
    opened.push(ctx);
    await appendRecords(ctx, 10);
    const early = await recordCheckpoint(ctx);
    await appendRecords(ctx, 20);
    ctx.setNow('2026-11-29T12:00:00.000Z');
    const late = await recordCheckpoint(ctx);
    const ids = await activityIds(ctx);

    await dropGuard(ctx);
    await rewriteFrom(ctx, ids[15]!);
    // The chain is whole again: plain verification cannot tell.
    expect(await verifyChain(ctx.db)).toEqual({ ok: true, count: 30 });
    const rewritten = await ctx.db.selectFrom('activity').select('hash').where('id', '=', late.checkpoint.id!).executeTakeFirstOrThrow();
    expect(rewritten.hash).not.toBe(late.checkpoint.hash);

    const report = await check(ctx);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([`record ${ids[29]} has hash ${rewritten.hash} but the checkpoint of 2026-11-29T12:00:00.000Z (line 2) recorded ${late.checkpoint.hash}`]);
    expect(early.checkpoint.id).toBe(ids[9]);
  });

  it('still report a broken chain when every checkpoint agrees', async () => {
    const ctx = await chainWithCheckpoint(10);
    const ids = await activityIds(ctx);
    await dropGuard(ctx);
    await ctx.db.updateTable('activity').set({ actor_label: 'someone else' }).where('id', '=', ids[3]!).execute();
    const report = await check(ctx);
    expect(report.problems).toEqual([]);
    expect(report.chain).toMatchObject({ ok: false, brokenId: ids[3] });
    expect(report.ok).toBe(false);
  });
});

describe('reading a checkpoint file', () => {
  const good = { count: 3, id: 3, hash: 'a'.repeat(64), at: '2026-11-29T10:00:00.000Z' };

  it('reads one checkpoint a line, skipping blank lines, and keeps line numbers', () => {
    const text = `${JSON.stringify(good)}\n\n${JSON.stringify({ ...good, count: 4, id: 4 })}\n`;
    expect(parseCheckpoints(text)).toEqual([
      { ...good, line: 1 },
      { ...good, count: 4, id: 4, line: 3 },
    ]);
  });

  it('names every malformed line by number', () => {
    const text = [
      JSON.stringify(good),
      '{"count": 3, "id": 3,',
      JSON.stringify({ ...good, hash: 'not-a-hash' }),
      JSON.stringify({ ...good, count: -1 }),
      JSON.stringify({ ...good, count: 0 }),
      JSON.stringify({ ...good, extra: true }),
    ].join('\n');
    let error: unknown;
    try {
      parseCheckpoints(text);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CheckpointFileError);
    const problems = (error as CheckpointFileError).problems;
    expect(problems.map((p) => p.line)).toEqual([2, 3, 4, 5, 6]);
    expect(problems[0]!.message).toBe('not valid JSON');
    expect(problems[1]!.message).toContain('hash must be 64 lowercase hex characters');
    expect(problems[2]!.message).toContain('count');
    expect(problems[3]!.message).toContain('id must be null exactly when count is 0');
    expect(problems[4]!.message).toContain('extra');
    expect((error as Error).message).toContain('line 2: not valid JSON');
  });

  it('refuses a file with no checkpoints in it', () => {
    expect(() => parseCheckpoints('\n\n')).toThrow('the file holds no checkpoints');
  });
});
