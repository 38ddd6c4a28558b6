import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import puppeteer, { type Browser as Chromium, type Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemo } from '../../src/demo/demo.service.ts';
import { findBrowser } from '../../src/reports/browser.ts';
import { createTestContext, testDatabaseUrl, type TestContext } from '../helpers/context.ts';
import { buildApp, signedIn } from '../helpers/http.ts';
import { buildEvidence, buildUser } from '../helpers/factories.ts';
import { checkLayout } from './layout-check.ts';
import { HOSTILE } from './hostile.ts';

// Every page, as each role sees it, in a real browser at a phone's width and a desktop's, on the
// demo plus records with hostile-length text. A page fails when it is wider than the viewport or
// when a table's key column (its first, and any header marked `key`) is cut off or hidden; the main
// pages also go through axe-core, failing on serious or critical findings. Layout does not depend on
// the database, so this runs once, on SQLite. SCREENSHOTS=dir keeps a PNG of every page.

const WIDTHS = [390, 1440];
const DEMO_PASSWORD = 'attest-demo-2026';
const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const screenshots = process.env.SCREENSHOTS;

let ctx: TestContext;
let server: http.Server;
let base: string;
let chromium: Chromium;
const ids: Record<string, string | number> = {};

async function firstId(table: 'audits' | 'questionnaires' | 'certifications' | 'reports', where?: [string, string]): Promise<number> {
  let query = ctx.db.selectFrom(table).select('id').orderBy('id');
  if (where) query = query.where(where[0] as never, '=', where[1] as never);
  const row = await query.executeTakeFirst();
  if (!row) throw new Error(`the demo has no ${table}`);
  return row.id;
}

beforeAll(async () => {
  if (testDatabaseUrl) return;
  ctx = await createTestContext({ now: '2026-11-21T10:00:00.000Z', env: { LOGIN_MAX_PER_IP: '100000', COOKIE_SECURE: 'false' } });
  await buildDemo(ctx, () => undefined);
  ctx.setNow('2026-11-21T10:00:00.000Z');
  const { app } = await buildApp(ctx);

  // Hostile records: a submitter with a long right-to-left name, evidence with an unbroken
  // 200-character title, a long link and markup, waiting for Grace's review on a control she owns.
  const grace = await ctx.db.selectFrom('users').select('job_title').where('email', '=', 'grace@demo.attest').executeTakeFirstOrThrow();
  const owned = await ctx.db
    .selectFrom('controls')
    .select('ref')
    .where('owner', '=', grace.job_title ?? '')
    .orderBy('ref')
    .executeTakeFirst();
  const control = owned?.ref ?? 'IAM-01';
  const submitter = await buildUser(ctx, { role: 'grc', name: HOSTILE.name });
  const waiting = await buildEvidence(ctx, {
    controls: [control],
    title: HOSTILE.word,
    description: HOSTILE.paragraph,
    linkUrl: HOSTILE.url,
    submitter,
    collectedAt: '2026-11-20',
  });
  await buildEvidence(ctx, { controls: [control], title: `${HOSTILE.rtl} ${HOSTILE.markup}`, linkUrl: HOSTILE.url, review: 'accepted', collectedAt: '2026-11-19' });
  const admin = await signedIn(app, { email: 'admin@demo.attest', password: DEMO_PASSWORD });
  const cert = await admin.post('/certifications', {
    framework: 'iso27017-2015',
    kind: 'iso_certificate',
    number: HOSTILE.word.slice(0, 60),
    issuer: HOSTILE.name,
    scope: HOSTILE.paragraph,
    issued_on: '2026-01-10',
    valid_from: '2026-01-15',
    valid_until: '2029-01-14',
    owner_id: '',
    document_evidence_id: '',
  });
  if (cert.status !== 303) throw new Error(`hostile certification refused: ${cert.status} ${cert.text.slice(0, 400)}`);

  ids.control = control;
  ids.evidence = waiting.id;
  ids.certification = Number(/(\d+)$/.exec(cert.headers.location ?? '')?.[1]);
  ids.audit = await firstId('audits');
  const aria = await ctx.db.selectFrom('users').select('id').where('email', '=', 'aria@demo.attest').executeTakeFirstOrThrow();
  const held = await ctx.db
    .selectFrom('audit_assignments')
    .select('audit_id')
    .where('user_id', '=', aria.id)
    .where('removed_at', 'is', null)
    .where('access_from', '<=', '2026-11-21')
    .where('access_until', '>=', '2026-11-21')
    .executeTakeFirstOrThrow();
  ids.auditorAudit = held.audit_id;
  ids.questionnaire = await firstId('questionnaires');
  const requirement = await ctx.db
    .selectFrom('requirements')
    .innerJoin('frameworks', 'frameworks.id', 'requirements.framework_id')
    .select(['requirements.ref', 'frameworks.slug'])
    .where('frameworks.slug', '=', 'iso27001-2022')
    .where('requirements.ref', '=', 'A.5.15')
    .executeTakeFirstOrThrow();
  ids.requirement = `${requirement.slug}/requirements/${requirement.ref}`;
  const carlos = await signedIn(app, { email: 'carlos@demo.attest', password: DEMO_PASSWORD });
  ids.answerEntry = /href="\/questionnaires\/library\/([^"?]+)"/.exec((await carlos.get('/questionnaires/library')).text)?.[1] ?? '';
  const report = await ctx.db.selectFrom('reports').select('id').orderBy('id').executeTakeFirst();
  ids.report = report?.id ?? 0;

  server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  chromium = await puppeteer.launch({ executablePath: findBrowser()!.path, args: ['--no-sandbox', '--headless=new'] });
  if (screenshots) fs.mkdirSync(screenshots, { recursive: true });
}, 300_000);

afterAll(async () => {
  if (testDatabaseUrl) return;
  await chromium?.close();
  if (server) await new Promise((r) => server.close(r));
  await ctx?.cleanup();
});

/** A signed-in tab for a demo user. */
async function tabFor(email: string): Promise<Page> {
  const context = await chromium.createBrowserContext();
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.type('input[name=email]', email);
  await page.type('input[name=password]', DEMO_PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
  return page;
}

interface PageCheck {
  path: string;
  /** Also run axe-core on it. */
  axe?: boolean;
}

async function visitAll(email: string, pages: PageCheck[]): Promise<string[]> {
  const tab = await tabFor(email);
  const problems: string[] = [];
  try {
    for (const width of WIDTHS) {
      await tab.setViewport({ width, height: 900 });
      for (const check of pages) {
        const response = await tab.goto(`${base}${check.path}`, { waitUntil: 'load' });
        const where = `${email.split('@')[0]} ${check.path} @${width}`;
        if (response?.status() !== 200) {
          problems.push(`${where}: HTTP ${response?.status()}`);
          continue;
        }
        if (screenshots) {
          const name = `${email.split('@')[0]}${check.path.replace(/[^a-z0-9]+/gi, '_')}-${width}.png`;
          await tab.screenshot({ path: path.join(screenshots, name), fullPage: true });
        }
        for (const problem of await tab.evaluate(checkLayout)) problems.push(`${where}: ${problem}`);
        if (check.axe && width === 1440) {
          await tab.evaluate(axeSource);
          const findings = await tab.evaluate(async () => {
            const axe = (window as unknown as { axe: { run(o: unknown): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
            const result = await axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
            return result.violations
              .filter((v) => v.impact === 'serious' || v.impact === 'critical')
              .map(
                (v) =>
                  `${v.id} (${v.impact}) at ${v.nodes
                    .slice(0, 3)
                    .map((n) => n.target.join(' '))
                    .join(', ')}`,
              );
          });
          for (const finding of findings) problems.push(`${where}: axe ${finding}`);
        }
      }
    }
  } finally {
    await tab.browserContext().close();
  }
  return problems;
}

describe.skipIf(Boolean(testDatabaseUrl))('every page at 390 px and 1440 px, with hostile text', () => {
  it('holds for GRC staff', async () => {
    const pages: PageCheck[] = [
      { path: '/', axe: true },
      { path: '/inbox', axe: true },
      { path: '/controls', axe: true },
      { path: `/controls/${ids.control}`, axe: true },
      { path: '/evidence', axe: true },
      { path: `/evidence/${ids.evidence}`, axe: true },
      { path: '/evidence/new', axe: true },
      { path: `/evidence/${ids.evidence}/new-version` },
      { path: '/evidence/freshness', axe: true },
      { path: '/evidence/import', axe: true },
      { path: '/coverage/iso27001-2022', axe: true },
      { path: '/coverage/pcidss-4.0.1' },
      { path: '/frameworks', axe: true },
      { path: '/frameworks/iso27001-2022', axe: true },
      { path: `/frameworks/${ids.requirement}`, axe: true },
      { path: '/crosswalk', axe: true },
      { path: '/search?q=access' },
      { path: '/calendar', axe: true },
      { path: '/calendar/feeds' },
      { path: '/certifications', axe: true },
      { path: `/certifications/${ids.certification}`, axe: true },
      { path: '/certifications/planning' },
      { path: '/certifications/new' },
      { path: '/audits', axe: true },
      { path: `/audits/${ids.audit}`, axe: true },
      { path: `/audits/${ids.audit}/scope` },
      { path: '/audits/new' },
      { path: '/reports', axe: true },
      { path: '/reminders' },
      { path: '/account/password' },
      { path: '/account/tokens' },
    ];
    expect(await visitAll('grace@demo.attest', pages)).toEqual([]);
  }, 600_000);

  it('holds for customer-compliance staff', async () => {
    const pages: PageCheck[] = [
      { path: '/', axe: true },
      { path: '/questionnaires', axe: true },
      { path: `/questionnaires/${ids.questionnaire}`, axe: true },
      { path: '/questionnaires/library', axe: true },
      { path: `/controls/${ids.control}` },
    ];
    if (ids.answerEntry) pages.push({ path: `/questionnaires/library/${ids.answerEntry}` });
    expect(await visitAll('carlos@demo.attest', pages)).toEqual([]);
  }, 300_000);

  it('holds for an administrator, a viewer and an auditor', async () => {
    const admin = await visitAll('admin@demo.attest', [{ path: '/admin/users', axe: true }, { path: '/admin/users/new' }, { path: '/admin/activity', axe: true }]);
    const viewer = await visitAll('vera@demo.attest', [{ path: '/', axe: true }, { path: `/controls/${ids.control}`, axe: true }, { path: '/coverage/soc2-2017' }]);
    const auditor = await visitAll('aria@demo.attest', [
      { path: '/portal', axe: true },
      { path: `/portal/audits/${ids.auditorAudit}`, axe: true },
      { path: `/portal/audits/${ids.auditorAudit}/evidence`, axe: true },
      { path: `/portal/audits/${ids.auditorAudit}/scope` },
    ]);
    expect([...admin, ...viewer, ...auditor]).toEqual([]);
  }, 300_000);
});
