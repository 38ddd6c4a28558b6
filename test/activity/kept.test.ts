import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withActivity } from '../../src/activity/activity.service.ts';
import { KeptUntilNextChange } from '../../src/activity/kept.ts';
import { cliPrincipal } from '../../src/auth/principal.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';

// Derived values kept until the next recorded change: the programme panel and the counts of items
// awaiting review rely on it to be never older than the activity trail.

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.cleanup());

const record = () =>
  withActivity(
    ctx,
    cliPrincipal,
    async () => undefined,
    () => ({ action: 'user.created', subjectType: 'user', subjectId: 1 }),
  );

describe('KeptUntilNextChange', () => {
  it('computes once per key until an activity is recorded, then again; never keeps inside a transaction', async () => {
    const kept = new KeptUntilNextChange<number>(2);
    let computed = 0;
    const value = (key: string) => kept.get(ctx, key, async () => ++computed);
    expect(await value('a')).toBe(1);
    expect(await value('a')).toBe(1);
    expect(await value('b')).toBe(2);
    await record();
    expect(await value('a')).toBe(3);
    expect(await value('a')).toBe(3);
    // Beyond its size, the oldest key is computed again.
    await value('b');
    await value('c');
    const before = computed;
    await value('a');
    expect(computed).toBe(before + 1);
    // A transaction may see what is not committed: it always computes.
    await ctx.db.transaction().execute(async (trx) => {
      const inside = await kept.get({ db: trx }, 'c', async () => -1);
      expect(inside).toBe(-1);
    });
  });
});
