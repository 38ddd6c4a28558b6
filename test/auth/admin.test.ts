import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { buildUser, principalFor } from '../helpers/factories.ts';
import { Browser, buildApp, signedIn, type TestApp } from '../helpers/http.ts';

let ctx: TestContext;
let t: TestApp;
let admin: Awaited<ReturnType<typeof buildUser>>;
let adminBrowser: Browser;

beforeAll(async () => {
  ctx = await createTestContext();
  t = await buildApp(ctx);
  admin = await buildUser(ctx, { role: 'admin', email: 'admin@example.test' });
  adminBrowser = await signedIn(t.app, admin);
});
afterAll(() => ctx.cleanup());

const userCount = async () =>
  Number(
    (
      await ctx.db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const lastActivity = () => ctx.db.selectFrom('activity').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();

describe('adding users', () => {
  it('shows a one-time password once; the user must change it at first sign-in; the change is in the activity trail', async () => {
    const res = await adminBrowser.post('/admin/users', { email: 'New.Person@Example.test', name: 'New Person', role: 'grc' });
    expect(res.status).toBe(201);
    const password = /<code>([A-Za-z0-9-]{23})<\/code>/.exec(res.text)?.[1];
    expect(password).toBeDefined();
    const stored = await ctx.db.selectFrom('users').selectAll().where('email', '=', 'new.person@example.test').executeTakeFirstOrThrow();
    expect(stored.password_hash).not.toContain(password!);
    expect(stored.must_change_password).toBe(1);
    const event = await lastActivity();
    expect(event.action).toBe('user.created');
    expect(event.actor_id).toBe(admin.id);
    expect(JSON.parse(event.details)).toEqual({ email: 'new.person@example.test', role: 'grc' });

    const person = new Browser(t.app);
    const login = await person.signIn('new.person@example.test', password!);
    expect(login.headers.location).toBe('/account/password');
  });

  it('refuses bad input with 422 naming each field, and adds nobody', async () => {
    const before = await userCount();
    const res = await adminBrowser.post('/admin/users', { email: 'nope', name: '', role: 'superuser' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Enter a valid email address');
    expect(res.text).toContain('Enter a name.');
    expect(res.text).toContain('Choose a role');
    expect(await userCount()).toBe(before);
  });

  it('refuses a duplicate email with a clear message', async () => {
    const before = await userCount();
    const res = await adminBrowser.post('/admin/users', { email: 'ADMIN@example.test', name: 'Dup', role: 'viewer' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('already exists');
    // Said once, on the email field.
    expect(res.text.match(/already exists/g)).toHaveLength(1);
    expect(res.text).toContain('<p class="field-error" id="email-error">A user with the email admin@example.test already exists.</p>');
    expect(await userCount()).toBe(before);
  });
});

describe('changing roles and disabling', () => {
  it('changes a role and records from and to', async () => {
    const user = await buildUser(ctx, { role: 'viewer' });
    const res = await adminBrowser.post(`/admin/users/${user.id}/role`, { role: 'auditor' });
    expect(res.status).toBe(303);
    const row = await ctx.db.selectFrom('users').select('role').where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.role).toBe('auditor');
    expect(JSON.parse((await lastActivity()).details)).toEqual({ from: 'viewer', to: 'auditor' });
  });

  it('refuses an unknown role and a missing user', async () => {
    const user = await buildUser(ctx, { role: 'viewer' });
    expect((await adminBrowser.post(`/admin/users/${user.id}/role`, { role: 'root' })).status).toBe(422);
    expect((await adminBrowser.post('/admin/users/999999/role', { role: 'grc' })).status).toBe(404);
    expect((await adminBrowser.post('/admin/users/abc/role', { role: 'grc' })).status).toBe(422);
  });

  it('disabling ends the user’s sessions at once and revokes their tokens; enabling lets them back in, tokens stay revoked', async () => {
    const user = await buildUser(ctx, { role: 'grc' });
    const userBrowser = await signedIn(t.app, user);
    expect((await userBrowser.get('/')).status).toBe(200);
    const issued = await userBrowser.post('/account/tokens', { name: 'ci', expires_in_days: '30' });
    const secret = /<code>(att_[A-Za-z0-9_-]+)<\/code>/.exec(issued.text)![1]!;
    expect((await supertest(t.app).get('/api/v1/me').set('Authorization', `Bearer ${secret}`)).status).toBe(200);

    expect((await adminBrowser.post(`/admin/users/${user.id}/disable`)).status).toBe(303);
    expect((await userBrowser.get('/')).status).toBe(303);
    expect((await supertest(t.app).get('/api/v1/me').set('Authorization', `Bearer ${secret}`)).status).toBe(401);
    const failed = await new Browser(t.app).post('/login', { email: user.email, password: user.password });
    expect(failed.status).toBe(401);
    const event = await ctx.db.selectFrom('activity').selectAll().where('action', '=', 'user.disabled').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(JSON.parse(event.details)).toEqual({ ended_sessions: 1 });
    // The tokens service revoked the token in the same transaction, with a record of its own.
    const revoked = await ctx.db.selectFrom('activity').selectAll().where('action', '=', 'token.revoked').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(revoked.id).toBe(event.id - 1);
    expect(JSON.parse(revoked.details)).toMatchObject({ user_id: user.id, reason: 'user disabled' });

    expect((await adminBrowser.post(`/admin/users/${user.id}/enable`)).status).toBe(303);
    await new Browser(t.app).signIn(user.email, user.password);
    // Re-enabling does not revive the old token.
    expect((await supertest(t.app).get('/api/v1/me').set('Authorization', `Bearer ${secret}`)).status).toBe(401);
  });

  it('will not disable or demote the last active administrator, nor let an admin disable themself', async () => {
    const self = await adminBrowser.post(`/admin/users/${admin.id}/disable`);
    expect(self.status).toBe(409);
    expect(self.text).toContain('cannot disable your own account');
    const demote = await adminBrowser.post(`/admin/users/${admin.id}/role`, { role: 'grc' });
    expect(demote.status).toBe(422);
    expect(demote.text).toContain('last active administrator');
    const row = await ctx.db.selectFrom('users').select(['role', 'disabled_at']).where('id', '=', admin.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ role: 'admin', disabled_at: null });
  });
});

describe('API tokens', () => {
  it('are issued by their owner only, shown once, stored hashed, work with the owner’s role, and an admin can list and revoke them', async () => {
    const user = await buildUser(ctx, { role: 'viewer' });
    const userBrowser = await signedIn(t.app, user);
    const res = await userBrowser.post('/account/tokens', { name: 'Reporting', expires_in_days: '' });
    expect(res.status).toBe(201);
    const secret = /<code>(att_[A-Za-z0-9_-]+)<\/code>/.exec(res.text)![1]!;
    const row = await ctx.db.selectFrom('api_tokens').selectAll().where('user_id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.token_hash).not.toBe(secret);
    expect(row.expires_at).toBeNull();
    expect(res.headers['cache-control']).toContain('no-store');
    const page = await adminBrowser.get(`/admin/users/${user.id}`);
    expect(page.text).not.toContain(secret);
    expect(page.text).toContain('Reporting');
    expect((await userBrowser.get('/account/tokens')).text).not.toContain(secret);

    const me = await supertest(t.app).get('/api/v1/me').set('Authorization', `Bearer ${secret}`);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: user.email, role: 'viewer' });

    expect((await adminBrowser.post(`/admin/users/${user.id}/tokens/${row.id}/revoke`)).status).toBe(303);
    expect((await supertest(t.app).get('/api/v1/me').set('Authorization', `Bearer ${secret}`)).status).toBe(401);
  });

  it('cannot be issued by an administrator for someone else (four eyes: no reviewing one’s own evidence as another user)', async () => {
    const user = await buildUser(ctx, { role: 'grc' });
    const before = await ctx.db.selectFrom('api_tokens').selectAll().execute();
    const res = await adminBrowser.post(`/admin/users/${user.id}/tokens`, { name: 'sneaky', expires_in_days: '' });
    expect(res.status).toBe(404);
    const { issueToken } = await import('../../src/auth/tokens.service.ts');
    // The service issues to the principal themself only: there is no way to name another owner.
    const own = await issueToken(ctx, principalFor(admin), { name: 'mine', expires_in_days: null });
    expect(own.token.userId).toBe(admin.id);
    expect(await ctx.db.selectFrom('api_tokens').selectAll().where('user_id', '=', user.id).execute()).toHaveLength(0);
    expect((await ctx.db.selectFrom('api_tokens').selectAll().execute()).length).toBe(before.length + 1);
  });

  it('can be revoked by their owner; another user is told there is no such token', async () => {
    const owner = await buildUser(ctx, { role: 'grc' });
    const other = await signedIn(t.app, await buildUser(ctx, { role: 'grc' }));
    const ownerBrowser = await signedIn(t.app, owner);
    await ownerBrowser.post('/account/tokens', { name: 'mine', expires_in_days: '' });
    const row = await ctx.db.selectFrom('api_tokens').selectAll().where('user_id', '=', owner.id).executeTakeFirstOrThrow();
    expect((await other.post(`/account/tokens/${row.id}/revoke`)).status).toBe(404);
    expect((await ctx.db.selectFrom('api_tokens').select('revoked_at').where('id', '=', row.id).executeTakeFirstOrThrow()).revoked_at).toBeNull();
    expect((await ownerBrowser.post(`/account/tokens/${row.id}/revoke`)).status).toBe(303);
    expect((await ctx.db.selectFrom('api_tokens').select('revoked_at').where('id', '=', row.id).executeTakeFirstOrThrow()).revoked_at).not.toBeNull();
  });

  it('expire after their number of days', async () => {
    const user = await buildUser(ctx, { role: 'viewer' });
    const res = await (await signedIn(t.app, user)).post('/account/tokens', { name: 'Short', expires_in_days: '1' });
    const secret = /<code>(att_[A-Za-z0-9_-]+)<\/code>/.exec(res.text)![1]!;
    expect((await supertest(t.app).get('/api/v1/me').set('Authorization', `Bearer ${secret}`)).status).toBe(200);
    ctx.setNow('2026-11-23T10:00:00.000Z');
    try {
      expect((await supertest(t.app).get('/api/v1/me').set('Authorization', `Bearer ${secret}`)).status).toBe(401);
    } finally {
      ctx.setNow('2026-11-21T10:00:00.000Z');
    }
  });

  it('refuse bad names and expiry with 422 and issue nothing', async () => {
    const user = await buildUser(ctx, { role: 'viewer' });
    const res = await (await signedIn(t.app, user)).post('/account/tokens', { name: '', expires_in_days: '9999' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Name the token');
    expect(res.text).toContain('At most 730 days.');
    const rows = await ctx.db.selectFrom('api_tokens').selectAll().where('user_id', '=', user.id).execute();
    expect(rows).toHaveLength(0);
  });

  it('answer a missing or wrong token with 401 JSON', async () => {
    const none = await supertest(t.app).get('/api/v1/me');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('unauthenticated');
    const wrong = await supertest(t.app).get('/api/v1/me').set('Authorization', 'Bearer att_not-a-real-token');
    expect(wrong.status).toBe(401);
  });

  it('cannot be used as a session cookie, and the session cookie does not work on the API', async () => {
    const res = await adminBrowser.get('/api/v1/me');
    expect(res.status).toBe(401);
  });
});

describe('sign-in lock', () => {
  it('an administrator sees a locked account and can unlock it; the unlock is recorded', async () => {
    const user = await buildUser(ctx, { role: 'viewer' });
    const max = ctx.config.login.maxPerAccount;
    for (let i = 0; i < max; i += 1) await new Browser(t.app).post('/login', { email: user.email, password: 'wrong password!' });
    const locked = await new Browser(t.app).post('/login', { email: user.email, password: user.password });
    expect(locked.status).toBe(429);
    const page = await adminBrowser.get(`/admin/users/${user.id}`);
    expect(page.text).toContain('Unlock sign-in');
    expect((await adminBrowser.post(`/admin/users/${user.id}/unlock`)).status).toBe(303);
    expect((await lastActivity()).action).toBe('auth.unlocked');
    await new Browser(t.app).signIn(user.email, user.password);
  });
});
