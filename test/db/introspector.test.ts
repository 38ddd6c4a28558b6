import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, testDatabaseUrl } from '../helpers/context.ts';

// Kysely's own PostgreSQL introspector fails with "schema … does not exist" when another client
// drops a schema while it runs; the migrator introspects on every start, so on a database shared
// by several schemas (the test files, here) a start could fail. Attest's looks at its own schema.
describe.skipIf(!testDatabaseUrl)('introspecting PostgreSQL while other schemas come and go', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => ctx.cleanup());

  it('lists this schema’s tables only, with their columns', async () => {
    const tables = await ctx.db.introspection.getTables({ withInternalKyselyTables: true });
    const names = tables.map((t) => t.name);
    expect(names).toContain('evidence');
    expect(names).toContain('kysely_migration');
    expect(new Set(tables.map((t) => t.schema)).size).toBe(1);
    const users = tables.find((t) => t.name === 'users')!;
    expect(users.columns.find((c) => c.name === 'id')!.isAutoIncrementing).toBe(true);
    expect(users.columns.find((c) => c.name === 'email')!.isNullable).toBe(false);
    expect((await ctx.db.introspection.getTables()).map((t) => t.name)).not.toContain('kysely_migration');
  });

  it('never fails while another client drops schemas', async () => {
    const churn = new pg.Client({ connectionString: testDatabaseUrl });
    await churn.connect();
    let stop = false;
    const churning = (async () => {
      for (let i = 0; !stop; i += 1) {
        const name = `churn_${process.pid}_${i}`;
        await churn.query(`create schema ${name}; create table ${name}.t (id serial primary key, v text)`);
        await churn.query(`drop schema ${name} cascade`);
      }
    })();
    const failures: string[] = [];
    try {
      for (let i = 0; i < 150; i += 1) {
        await ctx.db.introspection.getTables({ withInternalKyselyTables: true }).catch((e: Error) => failures.push(e.message));
      }
    } finally {
      stop = true;
      await churning;
      await churn.end();
    }
    expect(failures).toEqual([]);
  });
});
