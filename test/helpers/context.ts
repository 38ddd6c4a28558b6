import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../../src/config.ts';
import type { AppContext, Clock } from '../../src/context.ts';
import { openDatabase } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { createLogger } from '../../src/logger.ts';
import { stopJobs } from '../../src/jobs/queue.ts';
import { PdfEngine } from '../../src/reports/pdf.ts';

export interface TestContext extends AppContext {
  /** Moves the injected clock. */
  setNow(iso: string): void;
  cleanup(): Promise<void>;
  /** The environment a child process (the CLI) needs to open this same database. */
  childEnv: Record<string, string>;
}

export const testDatabaseUrl = process.env.TEST_DATABASE_URL;

/**
 * A real database built by the real migrations: SQLite in a temp file, or, when TEST_DATABASE_URL
 * is set, a fresh PostgreSQL schema of its own so test files never collide.
 */
export async function createTestContext(options: { now?: string; env?: Record<string, string> } = {}): Promise<TestContext> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-test-'));
  let now = new Date(options.now ?? '2026-11-21T10:00:00.000Z');
  const clock: Clock = () => new Date(now);
  let url: string;
  let schema: string | undefined;
  if (testDatabaseUrl) {
    schema = `t_${randomBytes(6).toString('hex')}`;
    const client = new pg.Client({ connectionString: testDatabaseUrl });
    await client.connect();
    await client.query(`create schema ${schema}`);
    await client.end();
    url = testDatabaseUrl;
  } else {
    url = path.join(dataDir, 'attest.db');
  }
  const env = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    COOKIE_SECURE: 'false',
    DATA_DIR: dataDir,
    DATABASE_URL: url,
    ...options.env,
  };
  const config = loadConfig(env);
  const database = openDatabase(url, schema ? { searchPath: schema } : {});
  await migrateToLatest(database.db);
  const pdf = new PdfEngine(config.browserPath);
  const childEnv: Record<string, string> = { ...env, ...(schema ? { PGOPTIONS: `-c search_path=${schema}` } : {}) };
  const ctx: TestContext = {
    db: database.db,
    dialect: database.dialect,
    database,
    config,
    logger: createLogger((process.env.TEST_LOG_LEVEL as 'silent') ?? 'silent'),
    clock,
    pdf,
    childEnv,
    setNow(iso: string) {
      now = new Date(iso);
    },
    async cleanup() {
      await stopJobs(ctx);
      await pdf.close();
      await database.close();
      if (schema && testDatabaseUrl) {
        const client = new pg.Client({ connectionString: testDatabaseUrl });
        await client.connect();
        await client.query(`drop schema if exists ${schema} cascade`);
        await client.end();
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return ctx;
}
