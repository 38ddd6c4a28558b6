import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { buildUser, DEFAULT_PASSWORD } from '../helpers/factories.ts';
import { Browser, buildApp, csrfFrom, signedIn, type TestApp } from '../helpers/http.ts';

let ctx: TestContext;
let t: TestApp;

beforeAll(async () => {
  ctx = await createTestContext({ env: { LOGIN_MAX_PER_ACCOUNT: '3', LOGIN_MAX_PER_IP: '100' } });
  t = await buildApp(ctx);
});
afterAll(() => ctx.cleanup());

async function sessionsOf(userId: number): Promise<number> {
  const row = await ctx.db
    .selectFrom('sessions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('signing in', () => {
  it('When signed out, pages redirect to the login page and keep where you were going', async () => {
    const res = await new Browser(t.app).get('/admin/users');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2Fadmin%2Fusers');
  });

  it('When the password is right, a session cookie is set HttpOnly and SameSite, and the dashboard shows the user and role', async () => {
    const user = await buildUser(ctx, { role: 'viewer', name: 'Vera Viewer' });
    const browser = new Browser(t.app);
    const res = await browser.signIn(user.email, user.password);
    const cookie = [res.headers['set-cookie']].flat().find((c) => String(c).startsWith('attest_session='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const home = await browser.get('/');
    expect(home.status).toBe(200);
    expect(home.text).toContain('Vera Viewer');
    expect(home.text).toContain('Viewer');
    expect(await sessionsOf(user.id)).toBe(1);
  });

  it('Sets the Secure flag on cookies unless COOKIE_SECURE is false', async () => {
    const secureCtx = await createTestContext({ env: { COOKIE_SECURE: 'true' } });
    try {
      const secureApp = (await buildApp(secureCtx)).app;
      const user = await buildUser(secureCtx);
      // supertest speaks plain HTTP, so it would not send Secure cookies back: carry them by hand.
      const page = await supertest(secureApp).get('/login');
      const csrfCookie = [page.headers['set-cookie']]
        .flat()
        .map(String)
        .find((c) => c.startsWith('attest_csrf='));
      expect(csrfCookie).toMatch(/; Secure/);
      const res = await supertest(secureApp)
        .post('/login')
        .set('Cookie', csrfCookie!.split(';')[0]!)
        .type('form')
        .send({ email: user.email, password: user.password, _csrf: csrfFrom(page.text) });
      expect(res.status).toBe(303);
      const session = [res.headers['set-cookie']]
        .flat()
        .map(String)
        .find((c) => c.startsWith('attest_session='));
      expect(session).toMatch(/; Secure/);
      expect(session).toMatch(/HttpOnly/);
    } finally {
      await secureCtx.cleanup();
    }
  });

  it('When the password is wrong, answers 401 with one message for any wrong part, and opens no session', async () => {
    const user = await buildUser(ctx);
    const browser = new Browser(t.app);
    const wrong = await browser.post('/login', { email: user.email, password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('That email and password do not match an active account.');
    const unknown = await browser.post('/login', { email: 'nobody@example.test', password: 'whatever123456' });
    expect(unknown.status).toBe(401);
    expect(unknown.text).toContain('That email and password do not match an active account.');
    expect(await sessionsOf(user.id)).toBe(0);
  });

  it('When fields are missing or malformed, answers 422 naming the field', async () => {
    const browser = new Browser(t.app);
    const res = await browser.post('/login', { email: 'not-an-email', password: '' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Enter a valid email address');
    expect(res.text).toContain('Enter your password.');
  });

  it('When the CSRF token is missing or forged, refuses the form with 403', async () => {
    const user = await buildUser(ctx);
    const browser = new Browser(t.app);
    await browser.get('/login');
    const missing = await browser.agent.post('/login').type('form').send({ email: user.email, password: user.password });
    expect(missing.status).toBe(403);
    const forged = await browser.agent
      .post('/login')
      .type('form')
      .send({ email: user.email, password: user.password, _csrf: 'x'.repeat(43) });
    expect(forged.status).toBe(403);
    expect(await sessionsOf(user.id)).toBe(0);
  });

  it('A token from one browser does not work in another', async () => {
    const user = await buildUser(ctx);
    const first = new Browser(t.app);
    const token = csrfFrom((await first.get('/login')).text);
    const second = new Browser(t.app);
    await second.get('/login');
    const res = await second.agent.post('/login').type('form').send({ email: user.email, password: user.password, _csrf: token });
    expect(res.status).toBe(403);
  });

  it('Does not redirect to another site after sign-in', async () => {
    const user = await buildUser(ctx);
    const res = await new Browser(t.app).post('/login', { email: user.email, password: user.password, next: '//evil.example/' });
    expect(res.status).toBe(303);
    // Not the other site: the user's own landing page (a GRC user's is My work).
    expect(res.headers.location).toBe('/inbox');
  });

  it('After too many failed attempts on one account, answers 429 with a clear message, even with the right password', async () => {
    const user = await buildUser(ctx);
    for (let i = 0; i < 3; i += 1) {
      const res = await new Browser(t.app).post('/login', { email: user.email, password: `wrong password ${i}` });
      expect(res.status).toBe(401);
    }
    const blocked = await new Browser(t.app).post('/login', { email: user.email, password: user.password });
    expect(blocked.status).toBe(429);
    expect(blocked.text).toContain('Too many failed sign-in attempts');
    expect(await sessionsOf(user.id)).toBe(0);
  });

  it('After too many failed attempts from one IP, across accounts, answers 429', async () => {
    const ipCtx = await createTestContext({ env: { LOGIN_MAX_PER_ACCOUNT: '50', LOGIN_MAX_PER_IP: '4' } });
    try {
      const app = (await buildApp(ipCtx)).app;
      for (let i = 0; i < 4; i += 1) {
        const res = await new Browser(app).post('/login', { email: `user${i}@example.test`, password: 'wrong password' });
        expect(res.status).toBe(401);
      }
      const blocked = await new Browser(app).post('/login', { email: 'other@example.test', password: 'wrong password' });
      expect(blocked.status).toBe(429);
    } finally {
      await ipCtx.cleanup();
    }
  });

  it('Signing out ends the session on the server', async () => {
    const user = await buildUser(ctx);
    const browser = new Browser(t.app);
    await browser.signIn(user.email, user.password);
    expect(await sessionsOf(user.id)).toBe(1);
    const out = await browser.post('/logout');
    expect(out.status).toBe(303);
    expect(await sessionsOf(user.id)).toBe(0);
    expect((await browser.get('/')).status).toBe(303);
  });

  it('A session expires after SESSION_TTL_HOURS', async () => {
    const user = await buildUser(ctx);
    const browser = new Browser(t.app);
    await browser.signIn(user.email, user.password);
    expect((await browser.get('/')).status).toBe(200);
    ctx.setNow(new Date(ctx.clock().getTime() + (ctx.config.sessionTtlHours + 1) * 3_600_000).toISOString());
    try {
      expect((await browser.get('/')).status).toBe(303);
    } finally {
      ctx.setNow('2026-11-21T10:00:00.000Z');
    }
  });
});

describe('first sign-in with a one-time password', () => {
  it('must change the password before anything else, and the new password then works', async () => {
    const user = await buildUser(ctx, { mustChangePassword: true });
    const browser = new Browser(t.app);
    const login = await browser.signIn(user.email, user.password);
    expect(login.headers.location).toBe('/account/password');
    const blocked = await browser.get('/');
    expect(blocked.status).toBe(303);
    expect(blocked.headers.location).toBe('/account/password');

    const mismatch = await browser.post('/account/password', {
      current_password: user.password,
      new_password: 'a brand new password',
      confirm_password: 'something else entirely',
    });
    expect(mismatch.status).toBe(422);
    expect(mismatch.text).toContain('The two new passwords do not match.');
    const short = await browser.post('/account/password', { current_password: user.password, new_password: 'short', confirm_password: 'short' });
    expect(short.status).toBe(422);
    expect(short.text).toContain('Use at least 12 characters.');
    const wrongCurrent = await browser.post('/account/password', {
      current_password: 'not it at all',
      new_password: 'a brand new password',
      confirm_password: 'a brand new password',
    });
    expect(wrongCurrent.status).toBe(422);
    expect(wrongCurrent.text).toContain('The current password is not right.');

    const ok = await browser.post('/account/password', { current_password: user.password, new_password: 'a brand new password', confirm_password: 'a brand new password' });
    expect(ok.status).toBe(303);
    expect((await browser.get('/')).status).toBe(200);

    const again = new Browser(t.app);
    const oldPassword = await again.post('/login', { email: user.email, password: DEFAULT_PASSWORD });
    expect(oldPassword.status).toBe(401);
    await again.signIn(user.email, 'a brand new password');
  });
});

describe('changing a password', () => {
  it('signs the user out everywhere else, keeping the session that made the change', async () => {
    const user = await buildUser(ctx, { role: 'admin' });
    const laptop = await signedIn(t.app, user);
    const phone = await signedIn(t.app, user);
    expect((await phone.get('/admin/users')).status).toBe(200);
    const ok = await laptop.post('/account/password', {
      current_password: user.password,
      new_password: 'another brand new password',
      confirm_password: 'another brand new password',
    });
    expect(ok.status).toBe(303);
    expect((await laptop.get('/admin/users')).status).toBe(200);
    const stale = await phone.get('/admin/users');
    expect(stale.status).toBe(303);
    expect(stale.headers.location).toContain('/login');
    const event = await ctx.db.selectFrom('activity').selectAll().where('action', '=', 'user.password_changed').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(JSON.parse(event.details)).toEqual({ ended_sessions: 1 });
  });
});
