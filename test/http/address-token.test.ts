import http from 'node:http';
import type { AddressInfo } from 'node:net';
import puppeteer from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBrowser } from '../../src/reports/browser.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { buildUser, loadFixtureLibrary } from '../helpers/factories.ts';
import { buildApp } from '../helpers/http.ts';

// A refused upload form is shown again at the address it was posted to, which carries the CSRF
// token (multipart bodies are read after the token is checked). In a real browser, the page's
// script takes the token out of the address bar and the history.

let ctx: TestContext;
let server: http.Server;
let base: string;

beforeAll(async () => {
  ctx = await createTestContext({ env: { LOGIN_MAX_PER_IP: '10000', COOKIE_SECURE: 'false' } });
  await loadFixtureLibrary(ctx);
  const { app } = await buildApp(ctx);
  server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await ctx.cleanup();
});

describe('the CSRF token in the address of a refused upload', () => {
  it('is removed from the address bar once the page has loaded', async () => {
    const user = await buildUser(ctx, { role: 'grc' });
    const browser = await puppeteer.launch({ executablePath: findBrowser()!.path, args: ['--no-sandbox', '--headless=new'] });
    try {
      const page = await browser.newPage();
      await page.goto(`${base}/login`);
      await page.type('input[name=email]', user.email);
      await page.type('input[name=password]', user.password);
      await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
      await page.goto(`${base}/evidence/import`);
      // Submit the upload form without a file: refused, shown again at /evidence/import?_csrf=…
      await Promise.all([page.waitForNavigation(), page.click('form[enctype="multipart/form-data"] button')]);
      expect(await page.content()).toContain('Choose a CSV file to import.');
      expect(page.url()).toBe(`${base}/evidence/import`);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
