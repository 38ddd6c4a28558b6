import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPrincipal } from '../../src/auth/principal.ts';
import { readLibraryFiles } from '../../src/controls/library.files.ts';
import { loadLibrary } from '../../src/controls/library.load.ts';
import { runCli } from '../helpers/cli.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { evidenceCount } from '../helpers/evidence.ts';
import { buildUser } from '../helpers/factories.ts';
import { type Browser, buildApp, signedIn } from '../helpers/http.ts';

// The edges of the CSV import, as the user meets them: through the import page and the CLI.
let ctx: TestContext;
let browser: Browser;
let token: string;
beforeAll(async () => {
  ctx = await createTestContext({ now: '2026-11-21T10:00:00.000Z' });
  // The shipped library: the sample on the page names its controls.
  await loadLibrary(ctx, cliPrincipal, readLibraryFiles(), { overwrite: false });
  const { app } = await buildApp(ctx);
  browser = await signedIn(app, await buildUser(ctx, { role: 'grc' }));
  token = /_csrf=([^"]+)"/.exec((await browser.get('/evidence/import')).text)![1]!;
});
afterAll(() => ctx.cleanup());

const HEADER = 'title,kind,collected_at,controls,link_url,valid_until,description';
const csv = (...rows: string[]) => `${[HEADER, ...rows].join('\n')}\n`;
const count = () => evidenceCount(ctx);

/** Posts the file through the page, then follows the import until it has ended; the page's text. */
async function importThroughPage(name: string, body: string): Promise<string> {
  const posted = await browser.agent.post(`/evidence/import?_csrf=${token}`).attach('file', Buffer.from(body), name);
  expect(posted.status).toBe(303);
  for (let i = 0; i < 200; i += 1) {
    const page = await browser.get(posted.headers.location!);
    expect(page.status).toBe(200);
    if (!page.text.includes('http-equiv="refresh"')) return page.text;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the import did not end');
}

/** The problems table as the user reads it: [line, column, problem] per row. */
function problemTable(html: string): string[][] {
  const body = /<table class="data data-dense import-problems">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => [...row[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((cell) => cell[1]!.replace(/<[^>]+>/g, '').trim()));
}

const writeCsv = (name: string, body: string) => {
  const dir = fs.mkdtempSync(path.join(ctx.config.dataDir, 'edges-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, body);
  return file;
};

// One file with every kind of bad row: a short row missing required values, a too-long row, bad
// dates (one message each), a row with two problems, a row after a value that spans two lines.
const BAD = csv(
  'Short but fine,export,2026-09-30,IAM-03,https://x.example.test/1',
  'Too short,export,2026-09-30',
  'Too long,export,2026-09-30,IAM-03,https://x.example.test/2,,a description,surplus',
  'Bad date,export,2026-09-30,IAM-03,https://x.example.test/3,30/09/2027,',
  'Two problems,export,2027-01-01,ZZZ-99,https://x.example.test/4,,',
  'Fine,export,2026-09-30,IAM-03,https://x.example.test/5,,"spans',
  'two lines"',
  'Not a day,export,soon,IAM-03,https://x.example.test/6,,',
);

describe('CSV import edges', () => {
  it('the page accepts rows that leave trailing optional values out, and names each problem once by line and column', async () => {
    const before = await count();
    const text = await importThroughPage('bad.csv', BAD);
    expect(text).toContain('bad.csv was not imported: 6 problems in 5 rows. Nothing was changed.');
    expect(problemTable(text)).toEqual([
      ['3', '—', 'This row has 3 of the 7 columns; it ends before controls, link_url, which are required.'],
      ['4', '—', 'This row has 8 values but the header has 7 columns. A value that contains a comma must be put in double quotes.'],
      ['5', 'valid_until', 'Enter the valid-until date as YYYY-MM-DD.'],
      ['6', 'controls', 'Unknown or retired control: ZZZ-99.'],
      ['6', 'collected_at', 'The collection date cannot be in the future.'],
      ['9', 'collected_at', 'Enter the collection date as YYYY-MM-DD.'],
    ]);
    // IAM-03 is monthly: a row collected in September without a valid-until date ended in October.
    expect(text).toContain('Note: 2 rows are already past their valid-until dates: lines 2, 7. They can be imported, but will not count towards coverage today.');
    expect(text).not.toContain('columns length');
    expect(text).not.toMatch(/\(s\)/);
    expect(await count()).toBe(before);

    const short = await importThroughPage(
      'short.csv',
      csv('Short,export,2026-09-30,IAM-03,https://x.example.test/7', 'Shorter,ticket,2026-10-01,IAM-04,https://x.example.test/8,2027-06-30'),
    );
    expect(short).toContain('Imported 2 evidence items from short.csv.');
    expect(await count()).toBe(before + 2);
  });

  it('says "1 problem in 1 row" for one problem, and a bad row that starts a value over two lines by its first line', async () => {
    const text = await importThroughPage('one.csv', csv('Multi,fax,2026-09-30,IAM-03,https://x.example.test/1,,"first', 'second"'));
    expect(text).toContain('one.csv was not imported: 1 problem in 1 row. Nothing was changed.');
    expect(problemTable(text)).toEqual([['2', 'kind', 'Choose a kind: document, screenshot, export, link, ticket, automated_check.']]);
  });

  it('warns of rows already expired on import, and imports them all the same', async () => {
    const rows: string[] = [];
    for (let line = 2; line <= 12; line += 1)
      rows.push(
        [4, 9, 12].includes(line)
          ? `Old ${line},export,2025-01-10,IAM-03,https://x.example.test/old/${line},2025-12-31,`
          : `Current ${line},export,2026-09-30,IAM-03,https://x.example.test/${line},2027-06-30,`,
      );
    // Valid until the import day itself is not expired.
    rows[0] = 'Ends today,export,2026-01-10,IAM-03,https://x.example.test/today,2026-11-21,';
    const before = await count();
    const text = await importThroughPage('old.csv', csv(...rows));
    expect(text).toContain('Imported 11 evidence items from old.csv.');
    expect(text).toContain('3 items were already expired on import: lines 4, 9, 12. Their valid-until dates had passed, so they do not count towards coverage today.');
    expect(await count()).toBe(before + 11);
    const fresh = await importThroughPage('fresh.csv', csv('Fresh,export,2026-11-01,IAM-03,https://x.example.test/fresh,,'));
    expect(fresh).toContain('Imported 1 evidence item from fresh.csv.');
    expect(fresh).not.toContain('expired');
  });

  it('shows the whole sample in its own scrolling box, offers it as a download, and the sample imports', async () => {
    const page = (await browser.get('/evidence/import')).text;
    const download = await browser.get('/evidence/import/sample.csv');
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toMatch(/^text\/csv/);
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="?evidence-import-sample\.csv"?$/);
    const sample = download.text;
    expect(sample.split('\r\n')[0]).toBe(HEADER);
    expect(page).toContain('href="/evidence/import/sample.csv"');
    // Every line of the sample is on the page, escaped, inside the box.
    const shown = [.../<pre class="sample"[^>]*>([\s\S]*?)<\/pre>/.exec(page)![1]!.matchAll(/<span class="sample-line">(.*?)<\/span>/g)].map((m) =>
      m[1]!.replaceAll('&quot;', '"').replaceAll('&#x27;', "'"),
    );
    expect(shown).toEqual(sample.trimEnd().split('\r\n'));
    // A long line wraps inside the box; a long sample scrolls inside it, not the page.
    const css = fs.readFileSync(path.resolve('views/assets/app.css'), 'utf8');
    expect(css).toMatch(/pre\.sample \{[^}]*overflow: auto;[^}]*white-space: pre-wrap/);
    expect(await importThroughPage('sample.csv', sample)).toContain('Imported 2 evidence items from sample.csv.');
  });

  it('`attest evidence import` prints aligned problems by line and column, counts rows right, and warns of expired rows', () => {
    const failed = runCli(['evidence', 'import', writeCsv('bad.csv', BAD)], ctx.childEnv);
    expect(failed.status).toBe(1);
    const lines = failed.stderr.split('\n').filter((l) => l.startsWith('line '));
    expect(lines).toEqual([
      'line 3:                      This row has 3 of the 7 columns; it ends before controls, link_url, which are required.',
      'line 4:                      This row has 8 values but the header has 7 columns. A value that contains a comma must be put in double quotes.',
      'line 5, column valid_until:  Enter the valid-until date as YYYY-MM-DD.',
      'line 6, column controls:     Unknown or retired control: ZZZ-99.',
      'line 6, column collected_at: The collection date cannot be in the future.',
      'line 9, column collected_at: Enter the collection date as YYYY-MM-DD.',
    ]);
    expect(failed.stderr).toContain('bad.csv: 6 problems in 5 rows.');
    expect(failed.stderr).not.toMatch(/\(s\)/);

    const ok = runCli(['evidence', 'import', writeCsv('old.csv', csv('Old,export,2025-01-10,IAM-03,https://x.example.test/cli-old,2025-12-31'))], ctx.childEnv);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stderr).toContain('Imported 1 evidence item (');
    expect(ok.stderr).toContain('Warning: 1 item was already expired on import: line 2. Its valid-until date had passed');
  }, 120_000);
});
