import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPrincipal } from '../../src/auth/principal.ts';
import type { AppContext } from '../../src/context.ts';
import { readLibraryFiles } from '../../src/controls/library.files.ts';
import { loadLibrary } from '../../src/controls/library.load.ts';
import { openDatabase } from '../../src/db/database.ts';
import { runJob, sweepJobs } from '../../src/jobs/jobs.service.ts';
import { startJobs, stopJobs } from '../../src/jobs/queue.ts';
import { createApp } from '../../src/app.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { buildUser, principalFor } from '../helpers/factories.ts';
import { type Browser, csrfFrom, signedIn } from '../helpers/http.ts';
import { writeFixture } from '../helpers/library-fixture.ts';

// Long work as queued jobs: recorded in the database, run by a worker, followed from any server;
// a worker that dies leaves nothing half-written and its job (and report) failed, not "running".

let ctx: TestContext;
let user: Awaited<ReturnType<typeof buildUser>>;
beforeAll(async () => {
  ctx = await createTestContext({ now: new Date().toISOString() });
  await loadLibrary(ctx, cliPrincipal, readLibraryFiles(writeFixture()), { overwrite: false });
  user = await buildUser(ctx, { role: 'grc' });
}, 120_000);
afterAll(() => ctx.cleanup());

const HEADER = 'title,kind,collected_at,controls,link_url,valid_until,description';
const csvOf = (rows: number) =>
  `${[HEADER, ...Array.from({ length: rows }, (_, i) => `Nightly check ${i},automated_check,2026-10-15,CRY-01;CRY-02,https://ci.example.test/run/${i},,run ${i}`)].join('\n')}\n`;
const evidenceCount = async () =>
  Number(
    (
      await ctx.db
        .selectFrom('evidence')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

/** Uploads a CSV through the import page; returns the job page's path. */
async function postImport(browser: Browser, csv: string): Promise<string> {
  const page = await browser.get('/evidence/import');
  const token = /_csrf=([^"]+)"/.exec(page.text)?.[1] ?? csrfFrom(page.text);
  const posted = await browser.agent.post(`/evidence/import?_csrf=${token}`).attach('file', Buffer.from(csv), 'checks.csv');
  expect(posted.status).toBe(303);
  return posted.headers.location!;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** `attest serve` in a process of its own on this test's database; resolves with its address. */
function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [path.resolve('bin/attest.js'), 'serve'], {
    env: { PATH: process.env.PATH ?? '', ...ctx.childEnv, PORT: '0', LOG_LEVEL: 'info' },
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${out}`)), 60_000);
    const read = (d: Buffer) => {
      out += d.toString();
      const m = /running at (http:\/\/[^\s"]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!.replace('localhost', '127.0.0.1') });
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => reject(new Error(`the server exited (${code}):\n${out}`)));
  });
}

describe('jobs', () => {
  it('a server killed with -9 halfway through a web import leaves nothing; the job then says it failed, and the upload is gone', async () => {
    const before = await evidenceCount();
    const first = await startServer();
    const browser = await signedIn(first.url as unknown as Express, user);
    const at = await postImport(browser, csvOf(60_000));
    const id = at.split('/').pop()!;
    const job = await until('the import to be writing', async () => {
      const row = await ctx.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
      // On SQLite the progress lives in the running server's memory: its page shows it.
      const page = ctx.dialect === 'sqlite' ? (await browser.get(at)).text : '';
      if (row && row.status !== 'queued' && row.status !== 'running') throw new Error(`the import ended (${row.status}) before it could be killed`);
      return row && (row.phase === 'writing' || page.includes('Writing ')) ? row : undefined;
    });
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    expect(await evidenceCount()).toBe(before);
    const upload = (JSON.parse(job.payload) as { path: string }).path;
    expect(fs.existsSync(upload)).toBe(true);
    // PostgreSQL: any worker fails a job whose heartbeat stopped a minute ago; here the minute is made to pass.
    if (ctx.dialect === 'postgres')
      await ctx.db
        .updateTable('jobs')
        .set({ heartbeat_at: new Date(Date.now() - 120_000).toISOString() })
        .where('id', '=', id)
        .execute();
    const second = await startServer();
    try {
      const again = await signedIn(second.url as unknown as Express, user);
      const page = await until('the job to be failed', async () => {
        const p = await again.get(at);
        return p.text.includes('The import failed') ? p : undefined;
      });
      expect(page.status).toBe(200);
      expect(page.text).toContain('The import failed and nothing was written: The server stopped while this was running. Try again.');
      expect(page.text).not.toContain('http-equiv="refresh"');
      expect(await evidenceCount()).toBe(before);
      expect(fs.existsSync(upload)).toBe(false);
      const trail = await ctx.db.selectFrom('activity').select('action').where('action', '=', 'evidence.imported').execute();
      expect(trail).toEqual([]);
    } finally {
      second.child.kill('SIGTERM');
      await new Promise((r) => second.child.once('exit', r));
    }
  }, 180_000);

  it('an upload named with markup, bidirectional characters and 300 characters is imported under a safe name; a NUL in the name is refused', async () => {
    const browser = await signedIn((await createApp(ctx)).app, user);
    const page = await browser.get('/evidence/import');
    const token = /_csrf=([^"]+)"/.exec(page.text)?.[1] ?? csrfFrom(page.text);
    const jobsBefore = (await ctx.db.selectFrom('jobs').select('id').execute()).length;
    const nul = await browser.agent.post(`/evidence/import?_csrf=${token}`).attach('file', Buffer.from(csvOf(1)), 'a\u0000b.csv');
    expect(nul.status).toBe(400);
    expect(nul.text).toContain('The upload could not be read');
    expect((await ctx.db.selectFrom('jobs').select('id').execute()).length).toBe(jobsBefore);
    const hostile = `a<b>\u202e${'x'.repeat(300)}.csv`;
    const posted = await browser.agent.post(`/evidence/import?_csrf=${token}`).attach('file', Buffer.from(csvOf(1)), hostile);
    expect(posted.status).toBe(303);
    const at = posted.headers.location!;
    const done = await until('the import to end', async () => {
      const p = await browser.get(at);
      return p.text.includes('http-equiv="refresh"') ? undefined : p;
    });
    expect(done.status).toBe(200);
    expect(done.text).toContain('Imported 1 evidence item from a_b_xxx');
    expect(done.text).not.toContain('<b>');
    const row = await ctx.db.selectFrom('jobs').select('payload').where('id', '=', at.split('/').pop()!).executeTakeFirstOrThrow();
    expect((JSON.parse(row.payload) as { filename: string }).filename).toHaveLength(200);
  }, 60_000);

  it('a report whose worker died is failed with the reason, in the trail, instead of building for ever', async () => {
    await stopJobs(ctx);
    // A report asked for, and its job taken by a worker that then "died": running, with a heartbeat from long ago.
    const { id: reportId } = await ctx.db
      .insertInto('reports')
      .values({
        kind: 'summary',
        title: 'Compliance summary',
        as_of: '2026-11-01',
        status: 'building',
        created_by: user.id,
        created_label: user.email,
        created_at: new Date().toISOString(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const jobId = '33333333-3333-4444-8555-666666666666';
    await ctx.db
      .insertInto('jobs')
      .values({
        id: jobId,
        kind: 'report',
        owner_id: user.id,
        principal: JSON.stringify(principalFor(user)),
        payload: JSON.stringify({ reportId, plan: { type: 'report', input: { kind: 'summary', as_of: '2026-11-01' } } }),
        status: 'running',
        worker: 'gone:1',
        created_at: '2026-01-01T00:00:00.000Z',
        started_at: '2026-01-01T00:00:00.000Z',
        heartbeat_at: '2026-01-01T00:00:00.000Z',
      })
      .execute();
    expect(await sweepJobs(ctx)).toBe(1);
    const job = await ctx.db.selectFrom('jobs').selectAll().where('id', '=', jobId).executeTakeFirstOrThrow();
    expect(job).toMatchObject({ status: 'failed', error: expect.stringContaining('The server stopped') });
    const report = await ctx.db.selectFrom('reports').selectAll().where('id', '=', reportId).executeTakeFirstOrThrow();
    expect(report).toMatchObject({ status: 'failed', error: expect.stringContaining('The server stopped') });
    const failed = await ctx.db.selectFrom('activity').select(['action', 'subject_id']).where('action', '=', 'report.failed').execute();
    expect(failed.map((f) => [f.action, String(f.subject_id)])).toEqual([['report.failed', String(reportId)]]);
    // A second sweep finds nothing more to do.
    expect(await sweepJobs(ctx)).toBe(0);
  }, 60_000);

  it('a job whose asker was disabled before it ran is refused, and its report says why', async () => {
    await stopJobs(ctx);
    const leaver = await buildUser(ctx, { role: 'grc' });
    const { id: reportId } = await ctx.db
      .insertInto('reports')
      .values({
        kind: 'summary',
        title: 'Compliance summary',
        as_of: '2026-11-01',
        status: 'building',
        created_by: leaver.id,
        created_label: leaver.email,
        created_at: new Date().toISOString(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const jobId = '44444444-3333-4444-8555-666666666666';
    await ctx.db
      .insertInto('jobs')
      .values({
        id: jobId,
        kind: 'report',
        owner_id: leaver.id,
        principal: JSON.stringify(principalFor(leaver)),
        payload: JSON.stringify({ reportId, plan: { type: 'report', input: { kind: 'summary', as_of: '2026-11-01' } } }),
        created_at: new Date().toISOString(),
      })
      .execute();
    await ctx.db.updateTable('users').set({ disabled_at: new Date().toISOString() }).where('id', '=', leaver.id).execute();
    await runJob(ctx, jobId);
    const job = await ctx.db.selectFrom('jobs').selectAll().where('id', '=', jobId).executeTakeFirstOrThrow();
    expect(job).toMatchObject({ status: 'failed', error: 'The account that asked for this is disabled or gone, so it was not done.' });
    const report = await ctx.db.selectFrom('reports').selectAll().where('id', '=', reportId).executeTakeFirstOrThrow();
    expect(report).toMatchObject({ status: 'failed', error: 'The account that asked for this is disabled or gone, so it was not done.' });
    expect(await ctx.db.selectFrom('report_files').select('id').where('report_id', '=', reportId).execute()).toEqual([]);
  }, 60_000);

  it('a job left queued when the server stopped is taken when the worker starts', async () => {
    await stopJobs(ctx);
    const before = await evidenceCount();
    const upload = path.join(ctx.config.dataDir, 'queued.csv');
    fs.writeFileSync(upload, csvOf(3));
    const id = '22222222-3333-4444-8555-666666666666';
    await ctx.db
      .insertInto('jobs')
      .values({
        id,
        kind: 'evidence-import',
        owner_id: user.id,
        principal: JSON.stringify(principalFor(user)),
        payload: JSON.stringify({ path: upload, filename: 'queued.csv' }),
        created_at: new Date().toISOString(),
      })
      .execute();
    if (ctx.dialect === 'postgres') {
      // On PostgreSQL the shared queue holds it: queued there as the app would have.
      const { WORKER_SCHEMA, taskOf } = await import('../../src/jobs/queue.postgres.ts');
      const { addToSharedQueue } = await import('../../src/jobs/jobs.repository.ts');
      await addToSharedQueue(ctx.db, WORKER_SCHEMA, await taskOf(ctx), id);
    }
    await startJobs(ctx);
    const done = await until('the queued job to run', async () => {
      const row = await ctx.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      return row.status === 'done' || row.status === 'failed' ? row : undefined;
    });
    expect(done.status).toBe('done');
    expect(JSON.parse(done.result!)).toMatchObject({ ok: true, imported: 3 });
    expect(await evidenceCount()).toBe(before + 3);
    expect(fs.existsSync(upload)).toBe(false);
  }, 60_000);

  it.runIf(process.env.TEST_DATABASE_URL)(
    'PostgreSQL: an app server without a worker queues the import; another server’s worker runs it; the first shows the result',
    async () => {
      await stopJobs(ctx);
      // Server A: the same database and schema, its worker off (JOBS_WORKER=false).
      const own = openDatabase(ctx.config.databaseUrl, { searchPath: ctx.database.searchPath! });
      const a: AppContext = { ...ctx, db: own.db, database: own, config: { ...ctx.config, jobsWorker: false } };
      try {
        const { app } = await createApp(a);
        const browser = await signedIn(app, user);
        const before = await evidenceCount();
        const at = await postImport(browser, csvOf(5));
        // Nobody's worker is on: the job waits, and A's page says so.
        await new Promise((r) => setTimeout(r, 1_000));
        const waiting = await browser.get(at);
        expect(waiting.text).toContain('Waiting for a worker to take this import');
        expect(await evidenceCount()).toBe(before);
        // Server B's worker starts (the test context, worker on): it takes the job at once.
        await startJobs(ctx);
        const page = await until('server A to show the result', async () => {
          const p = await browser.get(at);
          return p.text.includes('Imported 5 evidence items') ? p : undefined;
        });
        expect(page.status).toBe(200);
        expect(await evidenceCount()).toBe(before + 5);
        const row = await ctx.db.selectFrom('jobs').select(['status', 'worker']).where('id', '=', at.split('/').pop()!).executeTakeFirstOrThrow();
        expect(row.status).toBe('done');
      } finally {
        await stopJobs(a);
        await own.close();
      }
    },
    60_000,
  );
});

describe('attest worker', () => {
  it.skipIf(process.env.TEST_DATABASE_URL)('refuses on SQLite (exit 2), where the server runs its own jobs', async () => {
    const { runCli } = await import('../helpers/cli.ts');
    const res = runCli(['worker'], ctx.childEnv);
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('A separate worker is for PostgreSQL: on SQLite the one server runs its own jobs.');
  });

  it.runIf(process.env.TEST_DATABASE_URL)(
    'PostgreSQL: takes the jobs an app server without a worker queued, and stops on SIGTERM',
    async () => {
      await stopJobs(ctx);
      const worker = spawn(process.execPath, [path.resolve('bin/attest.js'), 'worker'], { env: { PATH: process.env.PATH ?? '', ...ctx.childEnv, LOG_LEVEL: 'info' } });
      let out = '';
      worker.stdout.on('data', (d: Buffer) => (out += d.toString()));
      worker.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const exited = new Promise<number | null>((r) => worker.once('exit', r));
      const own = openDatabase(ctx.config.databaseUrl, { searchPath: ctx.database.searchPath! });
      const app: AppContext = { ...ctx, db: own.db, database: own, config: { ...ctx.config, jobsWorker: false } };
      try {
        await until('the worker to start', async () => (out.includes('Attest worker is taking jobs') ? true : undefined));
        const browser = await signedIn((await createApp(app)).app, user);
        const before = await evidenceCount();
        const at = await postImport(browser, csvOf(4));
        await until('the worker to import', async () => ((await browser.get(at)).text.includes('Imported 4 evidence items') ? true : undefined));
        expect(await evidenceCount()).toBe(before + 4);
      } finally {
        worker.kill('SIGTERM');
        expect(await exited).toBe(0);
        await stopJobs(app);
        await own.close();
      }
    },
    60_000,
  );
});
