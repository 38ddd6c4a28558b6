import http from 'node:http';
import type { AddressInfo } from 'node:net';
import puppeteer, { type Browser, type Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBrowser } from '../../src/reports/browser.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { buildUser, loadFixtureLibrary } from '../helpers/factories.ts';
import { buildApp } from '../helpers/http.ts';

// The pickers in a real browser, under the app's real CSP: typing narrows the list, a pick shows
// as a removable chip, and what is submitted is what the plain select would have sent.

let ctx: TestContext;
let server: http.Server;
let base: string;
let browser: Browser;

beforeAll(async () => {
  ctx = await createTestContext({ env: { LOGIN_MAX_PER_IP: '10000', COOKIE_SECURE: 'false' } });
  await loadFixtureLibrary(ctx);
  const { app } = await buildApp(ctx);
  server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await puppeteer.launch({ executablePath: findBrowser()!.path, args: ['--no-sandbox', '--headless=new'] });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server.close(r));
  await ctx.cleanup();
});

/** A signed-in GRC page that records script errors, CSP refusals and failed loads. */
async function signedInPage(): Promise<{ page: Page; problems: string[] }> {
  const user = await buildUser(ctx, { role: 'grc' });
  // Each test its own cookie jar, so each signs in afresh.
  const page = await (await browser.createBrowserContext()).newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(String(err)));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy|Refused/i.test(msg.text())) problems.push(msg.text());
  });
  // Chromium asks for /favicon.ico, which the app does not have; any other failed load is a problem.
  page.on('response', (res) => {
    if (res.status() >= 400 && !res.url().endsWith('/favicon.ico')) problems.push(`${res.status()} ${res.url()}`);
  });
  await page.goto(`${base}/login`);
  await page.type('input[name=email]', user.email);
  await page.type('input[name=password]', user.password);
  await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
  return { page, problems };
}

const visibleOptions = (page: Page) => page.$$eval('.ts-dropdown .option', (els) => els.map((e) => e.textContent?.trim() ?? ''));
const chips = (page: Page, select: string) => page.$$eval(`${select} + .ts-wrapper .ts-control .item`, (els) => els.map((e) => (e as HTMLElement).dataset.value ?? ''));

describe('the control picker on the evidence form', () => {
  it('narrows as you type, picks with the keyboard, shows removable chips, and the evidence is linked to the pick', async () => {
    const { page, problems } = await signedInPage();
    await page.goto(`${base}/evidence/new`);
    await page.waitForSelector('#controls-ts-control');
    // The plain list's "hold Ctrl" advice is hidden once the filter box is there.
    expect(await page.$eval('[data-picker-without-script]', (e) => (e as HTMLElement).hidden)).toBe(true);

    await page.type('input[name=title]', 'Key rotation run log');
    await page.type('input[name=link_url]', 'https://example.test/rotation');
    await page.focus('#controls-ts-control');
    await page.keyboard.type('rotation');
    await page.waitForFunction(() => document.querySelectorAll('.ts-dropdown .option').length === 1);
    expect(await visibleOptions(page)).toEqual(['CRY-02 — Key rotation']);
    await page.keyboard.press('Enter');
    expect(await chips(page, '#controls')).toEqual(['CRY-02']);

    // A second pick by its ref, then taken out again with its chip's remove button.
    await page.keyboard.type('IAM-01');
    await page.waitForFunction(() => [...document.querySelectorAll('.ts-dropdown .option')].map((e) => e.textContent).join() === 'IAM-01 — Access control policy');
    await page.keyboard.press('Enter');
    expect(await chips(page, '#controls')).toEqual(['CRY-02', 'IAM-01']);
    await page.click('#controls + .ts-wrapper .item[data-value="IAM-01"] .remove');
    expect(await chips(page, '#controls')).toEqual(['CRY-02']);

    await page.keyboard.press('Escape');
    await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]')]);
    const id = Number(/\/evidence\/(\d+)$/.exec(page.url())?.[1]);
    expect(id).toBeGreaterThan(0);
    expect(await page.$eval('main', (m) => m.textContent)).toContain('Key rotation run log');
    const linked = await ctx.db
      .selectFrom('evidence_controls as ec')
      .innerJoin('controls as c', 'c.id', 'ec.control_id')
      .select('c.ref')
      .where('ec.evidence_id', '=', id)
      .execute();
    expect(linked.map((r) => r.ref)).toEqual(['CRY-02']);
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it('after a refusal the picked controls are still there as chips', async () => {
    const { page } = await signedInPage();
    await page.goto(`${base}/evidence/new`);
    await page.waitForSelector('#controls-ts-control');
    await page.focus('#controls-ts-control');
    await page.keyboard.type('encryption');
    await page.waitForFunction(() => document.querySelectorAll('.ts-dropdown .option').length === 1);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    // No title: refused and shown again.
    await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]')]);
    expect(await page.$eval('main', (m) => m.textContent)).toContain('Enter a title.');
    await page.waitForSelector('#controls-ts-control');
    expect(await chips(page, '#controls')).toEqual(['CRY-01']);
    await page.close();
  }, 120_000);
});

describe('the requirement picker on a control page', () => {
  it('finds a requirement by words of its name across frameworks and saves the mapping', async () => {
    const { page, problems } = await signedInPage();
    await page.goto(`${base}/controls/CRY-02`);
    await page.waitForSelector('#m-requirement-ts-control');
    await page.focus('#m-requirement-ts-control');
    await page.keyboard.type('logical');
    await page.waitForFunction(() => document.querySelectorAll('.ts-dropdown .option').length === 1);
    expect(await visibleOptions(page)).toEqual(['B1 — Logical access']);
    // The framework's name heads the group.
    expect(await page.$eval('.ts-dropdown .optgroup-header', (e) => e.textContent)).toBe('Beta Criteria');
    await page.keyboard.press('Enter');
    // The chosen requirement says which framework it belongs to ("B1" alone could be anywhere).
    expect(await page.$eval('#m-requirement + .ts-wrapper .item', (e) => e.textContent)).toBe('Beta Criteria B1 — Logical access');
    await page.select('#m-relationship', 'intersect');
    await Promise.all([page.waitForNavigation(), page.click('form.picker-form button[type=submit]')]);
    expect(await page.$eval('main', (m) => m.textContent)).toContain('CRY-02 now maps to Beta Criteria B1 (intersect).');
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);
});
