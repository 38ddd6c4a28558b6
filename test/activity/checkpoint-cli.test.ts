import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkpointFile } from '../../src/activity/activity.checkpoint.ts';
import { runCli } from '../helpers/cli.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { activityIds, appendRecords, dropGuard, rewriteFrom, truncateLast } from './tamper.ts';

// The tests in this file run in order on one database: checkpoint, verify, then tamper.
let ctx: TestContext;
let file: string;

beforeAll(async () => {
  ctx = await createTestContext();
  file = checkpointFile(ctx.config);
  await appendRecords(ctx, 12);
});
afterAll(() => ctx.cleanup());

describe('`attest activity checkpoint` and `attest activity verify --checkpoint`', () => {
  it('`checkpoint` prints the head as one JSON line, appends it to the data directory and adds no record', async () => {
    const ids = await activityIds(ctx);
    const last = await ctx.db.selectFrom('activity').select(['id', 'hash']).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
    const res = runCli(['activity', 'checkpoint'], ctx.childEnv);
    expect(res.status).toBe(0);
    expect(res.stdout.trimEnd().split('\n')).toHaveLength(1);
    const printed = JSON.parse(res.stdout) as Record<string, unknown>;
    expect(printed).toMatchObject({ count: 12, id: last.id, hash: last.hash });
    expect(res.stderr).toContain(`Checkpoint appended to ${file}`);
    expect(fs.readFileSync(file, 'utf8')).toBe(res.stdout);
    expect(await activityIds(ctx)).toEqual(ids);

    await appendRecords(ctx, 3);
    const again = runCli(['activity', 'checkpoint'], ctx.childEnv);
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ count: 15 });
    expect(fs.readFileSync(file, 'utf8').trimEnd().split('\n')).toHaveLength(2);
  });

  it('`verify --checkpoint` exits 0 with a summary on an untouched chain, and plain `verify` still works', () => {
    const res = runCli(['activity', 'verify', '--checkpoint', file], ctx.childEnv);
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(res.stdout).toContain('Activity chain intact: 15 records verified.');
    expect(res.stdout).toContain(`All 2 checkpoints in ${file} agree with the chain (15 records now).`);
    const plain = runCli(['activity', 'verify'], ctx.childEnv);
    expect(plain.status).toBe(0);
    expect(plain.stdout).toBe('Activity chain intact: 15 records verified.\n');
  });

  it('a malformed checkpoint file exits 1 naming the line; a missing one exits 2', () => {
    const bad = path.join(ctx.config.dataDir, 'bad.jsonl');
    fs.writeFileSync(bad, `${fs.readFileSync(file, 'utf8')}{"count": 2\n`);
    const res = runCli(['activity', 'verify', '--checkpoint', bad], ctx.childEnv);
    expect(res.status).toBe(1);
    expect(res.stderr).toContain(`${bad}:3: not valid JSON`);
    expect(res.stderr).toContain('Nothing verified');
    expect(res.stdout).toBe('');

    const missing = runCli(['activity', 'verify', '--checkpoint', path.join(ctx.config.dataDir, 'nope.jsonl')], ctx.childEnv);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('nope.jsonl: no such file');
  });

  it('`verify --checkpoint` exits 1 naming each problem after the last records are deleted, which plain `verify` misses', async () => {
    const ids = await activityIds(ctx);
    await dropGuard(ctx);
    await truncateLast(ctx, 3);
    const plain = runCli(['activity', 'verify'], ctx.childEnv);
    expect(plain.status).toBe(0);

    const res = runCli(['activity', 'verify', '--checkpoint', file], ctx.childEnv);
    expect(res.status).toBe(1);
    expect(res.stdout).toContain('Activity chain intact: 12 records verified.');
    expect(res.stdout).toMatch(/Checkpoint mismatch: the chain has 12 records but the checkpoint of \S+ \(line 2\) recorded 15\./);
    expect(res.stdout).toContain(`Checkpoint mismatch: record ${ids[14]} is missing`);
    // The first checkpoint (12 records) still agrees.
    expect(res.stdout).not.toContain('(line 1)');
    expect(res.stdout).toContain('2 checkpoint mismatch(es)');
  });

  it('`verify --checkpoint` exits 1 after a rewrite with recomputed hashes, which plain `verify` misses', async () => {
    // The guard was dropped by the test before; start again from a fresh checkpoint of this chain.
    fs.rmSync(file);
    expect(runCli(['activity', 'checkpoint'], ctx.childEnv).status).toBe(0);
    const ids = await activityIds(ctx);
    await rewriteFrom(ctx, ids[5]!);
    expect(runCli(['activity', 'verify'], ctx.childEnv).status).toBe(0);

    const res = runCli(['activity', 'verify', '--checkpoint', file], ctx.childEnv);
    expect(res.status).toBe(1);
    expect(res.stdout).toContain('Activity chain intact');
    expect(res.stdout).toMatch(
      new RegExp(`Checkpoint mismatch: record ${ids[ids.length - 1]} has hash [0-9a-f]{64} but the checkpoint of \\S+ \\(line 1\\) recorded [0-9a-f]{64}\\.`),
    );
  });
});
