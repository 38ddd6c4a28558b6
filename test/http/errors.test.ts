import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/auth/tokens.service.ts';
import { systemPrincipal } from '../../src/auth/principal.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { buildUser, tokenFor } from '../helpers/factories.ts';
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
    const res = await supertest(t.app)
      .post('/api/v1/me')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json')
      .send('{"broken": ');
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
