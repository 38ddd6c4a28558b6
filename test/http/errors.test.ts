import { pino } from 'pino';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { buildToken, buildUser, tokenFor } from '../helpers/factories.ts';
import { Browser, buildApp, signedIn, type TestApp } from '../helpers/http.ts';

let ctx: TestContext;
let t: TestApp;
let token: string;

beforeAll(async () => {
  ctx = await createTestContext();
  t = await buildApp(ctx);
  const user = await buildUser(ctx, { role: 'viewer' });
  token = await tokenFor(ctx, user, 't');
});
afterAll(() => ctx.cleanup());

describe('bad requests', () => {
  it('malformed JSON on the API gets 400 JSON with a clear message and a request id', async () => {
    const res = await supertest(t.app).post('/api/v1/me').set('Authorization', `Bearer ${token}`).set('Content-Type', 'application/json').send('{"broken": ');
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({ code: 'bad_request', message: 'The request body is not valid JSON.' });
    expect(res.body.requestId).toBe(res.headers['x-request-id']);
  });

  it('an oversized body gets 413 and is not processed', async () => {
    const big = 'x'.repeat(200 * 1024);
    const api = await supertest(t.app).post('/api/v1/me').set('Authorization', `Bearer ${token}`).send({ big });
    expect(api.status).toBe(413);
    expect(api.body.error.code).toBe('payload_too_large');
    const before = await ctx.db.selectFrom('sessions').selectAll().execute();
    const form = await supertest(t.app).post('/login').type('form').send({ email: 'a@b.test', password: big });
    expect(form.status).toBe(413);
    expect(form.text).toContain('Too large');
    expect(await ctx.db.selectFrom('sessions').selectAll().execute()).toEqual(before);
  });

  it('unknown pages get a styled 404 page, unknown API paths 404 JSON', async () => {
    const page = await new Browser(t.app).get('/no/such/page');
    expect(page.status).toBe(404);
    expect(page.text).toContain('Page not found');
    expect(page.text).toContain('/assets/app.css');
    const api = await supertest(t.app).get('/api/v1/nothing').set('Authorization', `Bearer ${token}`);
    expect(api.status).toBe(404);
    expect(api.body.error.code).toBe('not_found');
  });

  it('a forbidden page is a styled 403 inside the shell', async () => {
    const user = await buildUser(ctx, { role: 'viewer', name: 'Pat Viewer' });
    const browser = await signedIn(t.app, user);
    const res = await browser.get('/admin/users');
    expect(res.status).toBe(403);
    expect(res.text).toContain('Not allowed');
    expect(res.text).toContain('Pat Viewer');
  });

  it('sends security headers and a request id', async () => {
    const res = await supertest(t.app).get('/login').set('x-request-id', 'abc-123');
    expect(res.headers['x-request-id']).toBe('abc-123');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const spoofed = await supertest(t.app).get('/login').set('x-request-id', '<script>');
    expect(spoofed.headers['x-request-id']).not.toBe('<script>');
  });

  it('escapes what users typed when it is shown back', async () => {
    const res = await new Browser(t.app).post('/login', { email: '"><script>alert(1)</script>', password: 'x' });
    expect(res.status).toBe(422);
    expect(res.text).not.toContain('<script>alert(1)</script>');
    expect(res.text).toContain('&lt;script&gt;');
  });

  it('/healthz reports the database', async () => {
    const res = await supertest(t.app).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', database: ctx.dialect });
  });

  it('serves the OpenAPI document, naming every API route', async () => {
    const res = await supertest(t.app).get('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    const documented = Object.keys(res.body.paths as Record<string, unknown>);
    const apiRoutes = t.routes.filter((r) => r.api && r.path !== '/api/v1/openapi.json');
    for (const route of apiRoutes) {
      const openApiPath = route.path.replace('/api/v1', '').replace(/:(\w+)/g, '{$1}');
      expect(documented).toContain(openApiPath);
    }
  });
});

describe('unknown errors', () => {
  /** What would give internals away: a stack frame, a file path, SQL, the driver's own words. */
  const expectNoInternals = (text: string) => {
    for (const leak of ['/work', 'node_modules', '/tmp/', 'at ', '.ts:', '.js:', 'Error:', 'destroyed', 'select ', 'SELECT ', 'sessions', 'api_tokens']) {
      expect(text).not.toContain(leak);
    }
  };

  it('a failure nobody foresaw is a plain 500 without internals, logged with the request id', async () => {
    // A context of its own whose database goes away under a running app: every request that
    // identifies its caller then fails inside the database layer.
    const ctx2 = await createTestContext();
    const logged: string[] = [];
    ctx2.logger = pino({ level: 'error' }, { write: (line: string) => void logged.push(line) });
    try {
      const { app } = await buildApp(ctx2);
      const user = await buildUser(ctx2, { role: 'grc', name: 'Sam Signedin' });
      const browser = await signedIn(app, user);
      const { secret } = await buildToken(ctx2, { user });
      expect((await browser.get('/')).status).toBe(200);
      expect((await supertest(app).get('/api/v1/me').set('Authorization', `Bearer ${secret}`)).status).toBe(200);
      await ctx2.database.close();

      const page = await browser.get('/').set('x-request-id', 'page-500');
      expect(page.status).toBe(500);
      expect(page.headers['content-type']).toContain('text/html');
      expect(page.headers['x-request-id']).toBe('page-500');
      expect(page.text).toContain('Something went wrong');
      expect(page.text).toContain('The error has been logged.');
      expect(page.text).toContain('page-500');
      // The page is the plain error page, not the dashboard or a signed-in shell.
      expect(page.text).not.toContain('Sam Signedin');
      expectNoInternals(page.text);

      const api = await supertest(app).get('/api/v1/me').set('Authorization', `Bearer ${secret}`).set('x-request-id', 'api-500');
      expect(api.status).toBe(500);
      expect(api.headers['content-type']).toContain('application/json');
      expect(api.headers['x-request-id']).toBe('api-500');
      expect(api.body).toEqual({ error: { code: 'internal', message: 'Something went wrong on our side. The error has been logged.' }, requestId: 'api-500' });
      expectNoInternals(api.text);

      // The details went to the log instead, under the same request ids.
      const errors = logged.map((l) => JSON.parse(l) as { msg: string; reqId?: string; err?: { stack?: string } }).filter((l) => l.msg === 'unhandled error');
      expect(errors.map((e) => e.reqId)).toEqual(['page-500', 'api-500']);
      expect(errors[0]!.err?.stack).toContain('at ');
    } finally {
      await ctx2.cleanup();
    }
  });
});
