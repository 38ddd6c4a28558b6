import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { runCli } from '../helpers/cli.ts';
import { createTestContext, testDatabaseUrl, type TestContext } from '../helpers/context.ts';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.cleanup());

describe('attest CLI', () => {
  it('`db migrate` reports an up-to-date database', () => {
    const res = runCli(['db', 'migrate'], ctx.childEnv);
    expect(res.status).toBe(0);
    expect(res.stderr).toContain('already up to date');
  });

  it('`user add` prints a one-time password that must be changed, and records the change', async () => {
    const res = runCli(['user', 'add', '--email', 'Auditor@Example.test', '--role', 'auditor'], ctx.childEnv);
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/One-time password: [A-Za-z0-9]{5}-[A-Za-z0-9]{5}-[A-Za-z0-9]{5}-[A-Za-z0-9]{5}/);
    const user = await ctx.db.selectFrom('users').selectAll().where('email', '=', 'auditor@example.test').executeTakeFirstOrThrow();
    expect(user.role).toBe('auditor');
    expect(user.must_change_password).toBe(1);
    const event = await ctx.db.selectFrom('activity').selectAll().where('subject_id', '=', String(user.id)).executeTakeFirstOrThrow();
    expect(event).toMatchObject({ action: 'user.created', actor_label: 'cli' });
  });

  it('`user add` refuses a bad role, a bad email and a duplicate, changing nothing', async () => {
    // The duplicate is made here, not left over from the test above.
    expect(runCli(['user', 'add', '--email', 'taken@example.test', '--role', 'viewer'], ctx.childEnv).status).toBe(0);
    const count = async () => (await ctx.db.selectFrom('users').select('id').execute()).length;
    const before = await count();
    const badRole = runCli(['user', 'add', '--email', 'x@example.test', '--role', 'root'], ctx.childEnv);
    expect(badRole.status).not.toBe(0);
    expect(badRole.stderr).toContain('Allowed choices are admin, grc, auditor, customer_compliance, viewer');
    const badEmail = runCli(['user', 'add', '--email', 'not-an-email', '--role', 'grc'], ctx.childEnv);
    expect(badEmail.status).toBe(2);
    expect(badEmail.stderr).toContain('--email: Enter a valid email address');
    const dup = runCli(['user', 'add', '--email', 'Taken@Example.test', '--role', 'grc'], ctx.childEnv);
    expect(dup.status).toBe(1);
    expect(dup.stderr).toContain('already exists');
    expect(await count()).toBe(before);
  });

  it('`backup` writes a consistent copy on SQLite, and says to use pg_dump on PostgreSQL', () => {
    const out = path.join(ctx.config.dataDir, 'backup', 'copy.db');
    const res = runCli(['backup', '--out', out], ctx.childEnv);
    if (testDatabaseUrl) {
      expect(res.status).toBe(1);
      expect(res.stderr).toContain('pg_dump');
    } else {
      expect(res.status).toBe(0);
      expect(fs.statSync(out).size).toBeGreaterThan(0);
      const again = runCli(['backup', '--out', out], ctx.childEnv);
      expect(again.status).toBe(1);
      expect(again.stderr).toContain('already exists');
    }
  });

  it('fails fast with a clear message on bad configuration', () => {
    const res = runCli(['db', 'migrate'], { ...ctx.childEnv, PORT: 'eighty' });
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('Invalid configuration');
    expect(res.stderr).toContain('PORT');
    expect(() => loadConfig({ COOKIE_SECURE: 'maybe' })).toThrow(ConfigError);
  });

  it('configuration defaults match the README', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', cookieSecure: true, sessionTtlHours: 12, uploadMaxBytes: 50 * 1024 * 1024 });
    expect(config.databaseUrl).toBe(path.resolve('data', 'attest.db'));
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('on a new database, commands that read the catalog load the shipped library first, as the server does', async () => {
    const fresh = await createTestContext();
    try {
      const cw = runCli(['crosswalk', '--from', 'iso27001-2022', '--to', 'soc2-2017'], fresh.childEnv);
      expect(cw.stderr).not.toContain('Unknown framework');
      expect(cw.status).toBe(0);
      expect(JSON.parse(cw.stdout).pairs.length).toBeGreaterThan(50);
      const coverage = runCli(['coverage', '--format', 'json'], fresh.childEnv);
      expect(coverage.status).toBe(0);
      expect(JSON.parse(coverage.stdout).frameworks.map((f: { slug: string }) => f.slug)).toContain('pcidss-4.0.1');
    } finally {
      await fresh.cleanup();
    }
  });
});
