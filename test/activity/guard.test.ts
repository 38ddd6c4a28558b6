import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/activity/activity.service.ts';
import { down, up } from '../../src/db/migrations/2026_11_29_0001_activity_guard.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { activityIds, appendRecords } from './tamper.ts';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
  await appendRecords(ctx, 5);
});
afterAll(() => ctx.cleanup());

const snapshot = () => ctx.db.selectFrom('activity').selectAll().orderBy('id').execute();

describe(`the database refuses to change activity records (${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'SQLite'})`, () => {
  it('refuses UPDATE, through Kysely and in raw SQL, and changes nothing', async () => {
    const before = await snapshot();
    const [first] = await activityIds(ctx);
    await expect(ctx.db.updateTable('activity').set({ details: '{"a":"tampered"}' }).where('id', '=', first!).execute()).rejects.toThrow(/append-only/);
    await expect(sql`update activity set actor_label = 'someone else'`.execute(ctx.db)).rejects.toThrow(/append-only/);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses DELETE of one record, of the newest and of all, and changes nothing', async () => {
    const before = await snapshot();
    const ids = await activityIds(ctx);
    await expect(ctx.db.deleteFrom('activity').where('id', '=', ids[0]!).execute()).rejects.toThrow(/append-only/);
    await expect(
      ctx.db
        .deleteFrom('activity')
        .where('id', '=', ids[ids.length - 1]!)
        .execute(),
    ).rejects.toThrow(/append-only/);
    await expect(sql`delete from activity`.execute(ctx.db)).rejects.toThrow(/append-only/);
    expect(await snapshot()).toEqual(before);
  });

  it.runIf(process.env.TEST_DATABASE_URL)('refuses TRUNCATE on PostgreSQL', async () => {
    const before = await snapshot();
    await expect(sql`truncate activity`.execute(ctx.db)).rejects.toThrow(/append-only \(TRUNCATE refused\)/);
    expect(await snapshot()).toEqual(before);
  });

  it('still accepts new records, and the chain stays whole', async () => {
    const before = (await activityIds(ctx)).length;
    await appendRecords(ctx, 2, 'evidence.accepted');
    expect(await activityIds(ctx)).toHaveLength(before + 2);
    expect(await verifyChain(ctx.db)).toEqual({ ok: true, count: before + 2 });
  });

  it('the migration down lifts the guard and up puts it back', async () => {
    const [first] = await activityIds(ctx);
    await down(ctx.db);
    try {
      await ctx.db.updateTable('activity').set({ actor_label: 'lifted' }).where('id', '=', first!).execute();
      expect((await ctx.db.selectFrom('activity').select('actor_label').where('id', '=', first!).executeTakeFirstOrThrow()).actor_label).toBe('lifted');
    } finally {
      await up(ctx.db);
    }
    await expect(ctx.db.updateTable('activity').set({ actor_label: 'again' }).where('id', '=', first!).execute()).rejects.toThrow(/append-only/);
    await expect(ctx.db.deleteFrom('activity').where('id', '=', first!).execute()).rejects.toThrow(/append-only/);
  });
});
