import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityHash } from '../../src/activity/activity.hash.ts';
import { recordActivity, verifyChain, withActivity } from '../../src/activity/activity.service.ts';
import { systemPrincipal } from '../../src/auth/principal.ts';
import { runCli } from '../helpers/cli.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { appendRecords, dropGuard } from './tamper.ts';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.cleanup());

describe('the activity hash chain', () => {
  it('links each record to the one before and hashes its contents', async () => {
    for (let i = 0; i < 5; i += 1) {
      await ctx.db
        .transaction()
        .execute((trx) =>
          recordActivity(
            ctx,
            trx,
            { ...systemPrincipal, ip: '10.0.0.1', userAgent: 'test' },
            { action: 'control.updated', subjectType: 'thing', subjectId: i, details: { b: i, a: 'x' } },
          ),
        );
    }
    const rows = await ctx.db.selectFrom('activity').selectAll().orderBy('id').execute();
    expect(rows).toHaveLength(5);
    expect(rows[0]!.prev_hash).toBe('0'.repeat(64));
    for (let i = 1; i < rows.length; i += 1) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash);
    for (const row of rows) expect(activityHash(row)).toBe(row.hash);
    // Details are stored in one canonical form whatever the key order given.
    expect(rows[0]!.details).toBe('{"a":"x","b":0}');
    expect(await verifyChain(ctx.db)).toEqual({ ok: true, count: 5 });
  });

  it('keeps no record of a change that rolled back', async () => {
    const before = await ctx.db
      .selectFrom('activity')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    await expect(
      withActivity(
        ctx,
        systemPrincipal,
        async () => {
          throw new Error('the change failed');
        },
        () => ({ action: 'control.created', subjectType: 'thing' }),
      ),
    ).rejects.toThrow('the change failed');
    await expect(
      withActivity(
        ctx,
        systemPrincipal,
        async (trx) => {
          await recordActivity(ctx, trx, systemPrincipal, { action: 'control.updated', subjectType: 'thing' });
          throw new Error('later step failed');
        },
        () => ({ action: 'control.created', subjectType: 'thing' }),
      ),
    ).rejects.toThrow('later step failed');
    const after = await ctx.db
      .selectFrom('activity')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('stays one chain under concurrent writers', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        withActivity(
          ctx,
          systemPrincipal,
          async () => i,
          (n) => ({ action: 'evidence.submitted', subjectType: 'thing', subjectId: n }),
        ),
      ),
    );
    expect((await verifyChain(ctx.db)).ok).toBe(true);
  });

  it('`attest activity verify` passes on an intact chain and exits 1 naming the first altered record', async () => {
    // A chain of its own: the records of the tests above are not this test's to rely on or to tamper with.
    const fresh = await createTestContext();
    try {
      await appendRecords(fresh, 5);
      const intact = runCli(['activity', 'verify'], fresh.childEnv);
      expect(intact.stderr).toBe('');
      expect(intact.status).toBe(0);
      expect(intact.stdout).toMatch(/intact: 5 records verified/);

      const victim = await fresh.db.selectFrom('activity').select('id').orderBy('id').offset(2).limit(1).executeTakeFirstOrThrow();
      await dropGuard(fresh);
      await sql`update activity set details = ${'{"a":"tampered"}'} where id = ${victim.id}`.execute(fresh.db);
      const broken = runCli(['activity', 'verify'], fresh.childEnv);
      expect(broken.status).toBe(1);
      expect(broken.stdout).toContain(`BROKEN at record ${victim.id}`);
      expect(broken.stdout).toContain('altered');
    } finally {
      await fresh.cleanup();
    }
  });

  it('detects a deleted record at the record after it', async () => {
    const fresh = await createTestContext();
    try {
      for (let i = 0; i < 4; i += 1) {
        await withActivity(
          fresh,
          systemPrincipal,
          async () => i,
          () => ({ action: 'control.updated', subjectType: 'thing', subjectId: i }),
        );
      }
      const third = await fresh.db.selectFrom('activity').select('id').orderBy('id').offset(2).limit(1).executeTakeFirstOrThrow();
      await dropGuard(fresh);
      await fresh.db.deleteFrom('activity').where('id', '=', third.id).execute();
      const result = await verifyChain(fresh.db);
      expect(result).toMatchObject({ ok: false, brokenId: third.id + 1, count: 2 });
    } finally {
      await fresh.cleanup();
    }
  });
});
