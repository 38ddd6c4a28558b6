import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPrincipal } from '../../src/auth/principal.ts';
import { listTokens } from '../../src/auth/tokens.service.ts';
import { setDisabled } from '../../src/auth/users.service.ts';
import { inTransaction } from '../../src/db/unit-of-work.ts';
import { setEvidenceShareable, reviewEvidence } from '../../src/evidence/evidence.service.ts';
import { readLibraryFiles } from '../../src/controls/library.files.ts';
import { loadLibrary } from '../../src/controls/library.load.ts';
import { createEvidence } from '../../src/evidence/evidence.service.ts';
import { createTestContext, testDatabaseUrl, type TestContext } from '../helpers/context.ts';
import { buildUser, principalFor, tokenFor } from '../helpers/factories.ts';
import { writeFixture } from '../helpers/library-fixture.ts';

// Two services in one unit of work: each writes its own activity record, and a failure in the
// second undoes the first. Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL.

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
  await loadLibrary(ctx, cliPrincipal, readLibraryFiles(writeFixture()), { overwrite: false });
});
afterAll(() => ctx.cleanup());

const activityCount = async () =>
  Number(
    (
      await ctx.db
        .selectFrom('activity')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

/** Makes every revocation of an API token fail inside the database, as a broken disk or constraint would. */
async function breakTokenRevocation(): Promise<() => Promise<void>> {
  if (testDatabaseUrl) {
    await sql`create function refuse_token_update() returns trigger language plpgsql as $$ begin raise exception 'token store unavailable'; end $$`.execute(ctx.db);
    await sql`create trigger refuse_token_update before update on api_tokens for each row execute function refuse_token_update()`.execute(ctx.db);
    return async () => {
      await sql`drop trigger refuse_token_update on api_tokens`.execute(ctx.db);
      await sql`drop function refuse_token_update()`.execute(ctx.db);
    };
  }
  await sql`create trigger refuse_token_update before update on api_tokens begin select raise(abort, 'token store unavailable'); end`.execute(ctx.db);
  return async () => {
    await sql`drop trigger refuse_token_update`.execute(ctx.db);
  };
}

describe('one unit of work across services', () => {
  it('disabling a user (users service) revokes their tokens (tokens service) in the same transaction, one record each', async () => {
    const admin = await buildUser(ctx, { role: 'admin' });
    const user = await buildUser(ctx, { role: 'grc' });
    await tokenFor(ctx, user, 'a');
    await tokenFor(ctx, user, 'b');
    const before = await activityCount();
    await setDisabled(ctx, principalFor(admin), user.id, true);
    const records = await ctx.db.selectFrom('activity').select(['action', 'subject_type']).where('id', '>', 0).orderBy('id', 'desc').limit(3).execute();
    expect(records.map((r) => r.action)).toEqual(['user.disabled', 'token.revoked', 'token.revoked']);
    expect(await activityCount()).toBe(before + 3);
    expect((await listTokens(ctx, principalFor(admin), user.id)).every((t) => !t.active)).toBe(true);
  });

  it('when revoking the tokens fails, the user is not disabled, their sessions and tokens stay, and nothing is recorded', async () => {
    const admin = await buildUser(ctx, { role: 'admin' });
    const user = await buildUser(ctx, { role: 'grc' });
    await tokenFor(ctx, user, 'kept');
    const before = await activityCount();
    const restore = await breakTokenRevocation();
    try {
      await expect(setDisabled(ctx, principalFor(admin), user.id, true)).rejects.toThrow(/token store unavailable/);
    } finally {
      await restore();
    }
    const row = await ctx.db.selectFrom('users').select('disabled_at').where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.disabled_at).toBeNull();
    expect((await listTokens(ctx, principalFor(admin), user.id)).map((t) => t.active)).toEqual([true]);
    expect(await activityCount()).toBe(before);
  });

  it('a caller can compose services in its own transaction; the second refusing rolls back the first', async () => {
    const submitter = await buildUser(ctx, { role: 'grc' });
    const id = await createEvidence(
      ctx,
      principalFor(submitter),
      { title: 'Policy', kind: 'document', collected_at: '2026-11-01', controls: ['IAM-01'], link_url: 'https://example.test/p' },
      [],
    );
    const before = await activityCount();
    await expect(
      ctx.db.transaction().execute(async (trx) => {
        const unit = inTransaction(ctx, trx);
        await setEvidenceShareable(unit, principalFor(submitter), id, true);
        // Four eyes: the submitter may not accept their own evidence, so the unit fails here.
        await reviewEvidence(unit, principalFor(submitter), id, { decision: 'accepted' });
      }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    const row = await ctx.db.selectFrom('evidence').select(['shareable', 'status']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ shareable: 0, status: 'submitted' });
    expect(await activityCount()).toBe(before);
  });
});
