import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPrincipal } from '../../src/auth/principal.ts';
import { readLibraryFiles } from '../../src/controls/library.files.ts';
import { loadLibrary } from '../../src/controls/library.load.ts';
import { importEvidenceCsv } from '../../src/evidence/import.service.ts';
import { runCli } from '../helpers/cli.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { buildUser } from '../helpers/factories.ts';
import { buildApp, csrfFrom, signedIn } from '../helpers/http.ts';
import { writeFixture } from '../helpers/library-fixture.ts';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ now: '2026-11-21T10:00:00.000Z' });
  await loadLibrary(ctx, cliPrincipal, readLibraryFiles(writeFixture()), { overwrite: false });
});
afterAll(() => ctx.cleanup());

const count = async () => (await ctx.db.selectFrom('evidence').select('id').execute()).length;
const HEADER = 'title,kind,collected_at,controls,link_url,valid_until,description\n';

function bigCsv(rows: number): string {
  const lines = [HEADER.trim()];
  for (let i = 0; i < rows; i += 1)
    lines.push(`Nightly check ${i},automated_check,2026-${String((i % 10) + 1).padStart(2, '0')}-15,CRY-01;CRY-02,https://ci.example.test/run/${i},,run ${i}`);
  return `${lines.join('\n')}\n`;
}

describe('CSV import', () => {
  it('imports a clean file in one go, with one activity record, as submitted evidence', async () => {
    const csv = `${HEADER}Access review Q3,export,2026-09-30,IAM-01,https://tickets.example.test/1,,"Reviewed, signed"\nKey rotation,ticket,2026-10-01,CRY-02;CRY-01,https://tickets.example.test/2,2027-09-30,\n`;
    const result = await importEvidenceCsv(ctx, cliPrincipal, Buffer.from(csv));
    expect(result).toMatchObject({ ok: true, imported: 2 });
    const rows = await ctx.db.selectFrom('evidence').selectAll().orderBy('id').execute();
    expect(rows.map((r) => [r.title, r.status, r.valid_until, r.lineage_id === r.id])).toEqual([
      ['Access review Q3', 'submitted', '2027-09-29', true],
      ['Key rotation', 'submitted', '2027-09-30', true],
    ]);
    expect(rows[0]!.description).toBe('Reviewed, signed');
    const links = await ctx.db.selectFrom('evidence_controls').selectAll().where('evidence_id', '=', rows[1]!.id).execute();
    expect(links).toHaveLength(2);
    const events = await ctx.db.selectFrom('activity').selectAll().where('action', '=', 'evidence.imported').execute();
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!.details)).toMatchObject({ rows: 2, first_id: rows[0]!.id, last_id: rows[1]!.id });
  });

  it('reports every bad row with its line number and imports nothing', async () => {
    const before = await count();
    const csv = `${HEADER}Good,export,2026-09-30,IAM-01,https://x.example.test/1,,\n,export,2026-09-30,IAM-01,https://x.example.test/2,,\nBad kind,fax,2026-09-30,IAM-01,https://x.example.test/3,,\nUnknown,export,2026-09-30,ZZZ-01,https://x.example.test/4,,\nBackwards,export,2026-09-30,IAM-01,https://x.example.test/5,2026-01-01,\nFuture,export,2027-01-01,IAM-01,https://x.example.test/6,,\nNo link,export,2026-09-30,IAM-01,,,\n`;
    const result = await importEvidenceCsv(ctx, cliPrincipal, Buffer.from(csv));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => `${p.line}:${p.column}`)).toEqual(['3:title', '4:kind', '5:controls', '6:valid_until', '7:collected_at', '8:link_url']);
    expect(await count()).toBe(before);
  });

  it('refuses malformed CSV, a missing column and an empty file with a clear message', async () => {
    const broken = await importEvidenceCsv(ctx, cliPrincipal, Buffer.from(`${HEADER}"Unclosed,export,2026-09-30,IAM-01,https://x,,\n`));
    expect(broken).toMatchObject({ ok: false });
    if (!broken.ok) expect(broken.problems[0]!.message).toMatch(/^Not valid CSV/);
    const missing = await importEvidenceCsv(ctx, cliPrincipal, Buffer.from('title,kind\nA,export\n'));
    if (!missing.ok) expect(missing.problems.map((p) => p.column)).toEqual(['collected_at', 'controls', 'link_url']);
    const empty = await importEvidenceCsv(ctx, cliPrincipal, Buffer.from(HEADER));
    if (!empty.ok) expect(empty.problems[0]!.message).toContain('no rows');
  });

  it('`attest evidence import` reports problems by line and column and exits 1; a good file exits 0', () => {
    const dir = fs.mkdtempSync(path.join(ctx.config.dataDir, 'csv-'));
    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(bad, `${HEADER}Bad kind,fax,2026-09-30,IAM-01,https://x.example.test/3,,\n`);
    const failed = runCli(['evidence', 'import', bad], ctx.childEnv);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain('line 2, column kind: Choose a kind');
    expect(failed.stderr).toContain('Nothing imported');
    const good = path.join(dir, 'good.csv');
    fs.writeFileSync(good, `${HEADER}Fine,export,2026-09-30,IAM-01,https://x.example.test/9,,\n`);
    const ok = runCli(['evidence', 'import', good], ctx.childEnv);
    expect(ok.status).toBe(0);
    expect(ok.stderr).toContain('Imported 1 evidence item (');
  }, 120_000);

  it('an import killed halfway leaves nothing behind', async () => {
    const before = await count();
    const file = path.join(ctx.config.dataDir, 'big.csv');
    fs.writeFileSync(file, bigCsv(60_000));
    const child = spawn(process.execPath, [path.resolve('bin/attest.js'), 'evidence', 'import', file], { env: { PATH: process.env.PATH ?? '', ...ctx.childEnv } });
    let stderr = '';
    const killed = await new Promise<boolean>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        // The bar appears once rows are being written inside the transaction.
        if (/importing \[/.test(stderr) && !child.killed) {
          child.kill('SIGKILL');
          resolve(true);
        }
      });
      child.on('exit', () => resolve(false));
    });
    expect(killed, stderr).toBe(true);
    await new Promise((r) => child.on('exit', r));
    expect(await count()).toBe(before);
  }, 120_000);

  it('the import page follows the import on a worker thread, then shows line-numbered problems, or the count imported', async () => {
    const { app } = await buildApp(ctx);
    const browser = await signedIn(app, await buildUser(ctx, { role: 'grc' }));
    const page = await browser.get('/evidence/import');
    const token = /_csrf=([^"]+)"/.exec(page.text)?.[1] ?? csrfFrom(page.text);
    /** Posts the file, then follows the job page until the import has ended. */
    const importFile = async (name: string, csv: string) => {
      const posted = await browser.agent.post(`/evidence/import?_csrf=${token}`).attach('file', Buffer.from(csv), name);
      expect(posted.status).toBe(303);
      const at = posted.headers.location!;
      expect(at).toMatch(/^\/evidence\/import\/[0-9a-f-]{36}$/);
      for (let i = 0; i < 200; i += 1) {
        const followed = await browser.get(at);
        expect(followed.status).toBe(200);
        if (!followed.text.includes('http-equiv="refresh"')) return Object.assign(followed, { at });
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('the import did not end');
    };
    const bad = await importFile('bad.csv', `${HEADER}X,fax,2026-09-30,IAM-01,https://x.example.test,,\n`);
    expect(bad.text).toMatch(/<td class="num">2<\/td><td><code>kind<\/code><\/td>/);
    const before = await ctx.db
      .selectFrom('evidence')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const good = await importFile('good.csv', `${HEADER}Y,export,2026-09-30,IAM-01,https://x.example.test,,\n`);
    expect(good.text).toContain('Imported 1 evidence item from good.csv');
    const after = await ctx.db
      .selectFrom('evidence')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n) + 1);
    const none = await browser.agent.post(`/evidence/import?_csrf=${token}`).field('x', 'y');
    expect(none.status).toBe(422);
    expect(none.text).toContain('Choose a CSV file to import.');
    // Somebody else's import, or one that does not exist, is not shown.
    const other = await signedIn(app, await buildUser(ctx, { role: 'grc' }));
    expect((await other.get(good.at)).status).toBe(404);
    // The job is a record in the database, for every server process sharing it: one run by "another
    // process" (not in this one's memory) is shown to its owner, with its progress, or as waiting.
    const id = good.at.split('/').pop()!;
    const saved = await ctx.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(saved).toMatchObject({ status: 'done', kind: 'evidence-import' });
    expect(JSON.parse(saved.result!)).toMatchObject({ ok: true, imported: 1, filename: 'good.csv' });
    const elsewhere = '11111111-2222-4333-8444-555555555555';
    await ctx.db
      .insertInto('jobs')
      .values({ ...saved, id: elsewhere, status: 'running', phase: 'writing', done: 1500, total: 4000, result: null, finished_at: null, worker: 'elsewhere:1' })
      .execute();
    const waiting = '11111111-2222-4333-8444-666666666666';
    await ctx.db
      .insertInto('jobs')
      .values({ ...saved, id: waiting, status: 'queued', phase: '', done: 0, total: 0, result: null, finished_at: null })
      .execute();
    expect((await browser.get(`/evidence/import/${waiting}`)).text).toContain('Waiting for a worker to take this import');
    // Long in the queue: no worker may be running (every server with JOBS_WORKER=false), and the page says so.
    const stuck = '11111111-2222-4333-8444-777777777777';
    const tenMinutesAgo = new Date(ctx.clock().getTime() - 10 * 60_000).toISOString();
    await ctx.db
      .insertInto('jobs')
      .values({ ...saved, id: stuck, status: 'queued', phase: '', done: 0, total: 0, result: null, finished_at: null, created_at: tenMinutesAgo })
      .execute();
    const stuckPage = (await browser.get(`/evidence/import/${stuck}`)).text;
    expect(stuckPage).toContain('none has for 10 minutes. An administrator can check that a job worker is running');
    expect((await browser.get(`/evidence/import/${waiting}`)).text).not.toContain('none has for');
    const running = await browser.get(`/evidence/import/${elsewhere}`);
    expect(running.text).toContain('Writing 1,500 of 4,000 rows');
    expect((await other.get(`/evidence/import/${elsewhere}`)).status).toBe(404);
    expect((await other.get('/evidence/import/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await other.get('/evidence/import/not-a-job')).status).toBe(422);
  });
});
