import type { Request, Response } from 'express';
import type { AppContext } from '../context.ts';
import { principalOf, requestOrigin } from '../http/actor.ts';
import { AppError, isAppError } from '../http/errors.ts';
import { setFlash } from '../http/flash.ts';
import { submitForm } from '../http/forms.ts';
import { SESSION_COOKIE } from '../http/identity.middleware.ts';
import type { Routes } from '../http/routes.ts';
import { errorsByField, parseInput } from '../http/validate.ts';
import { changePasswordSchema, idParam, issueTokenSchema, loginSchema } from './auth.schema.ts';
import type { LoginLimits } from './login-limits.ts';
import { signIn, signOut } from './sessions.service.ts';
import { issueToken, listTokens, revokeToken } from './tokens.service.ts';
import { changePassword } from './users.service.ts';
import { can } from './policy.ts';
import { userPrincipal } from './principal.ts';
import type { Role } from './roles.ts';

/** Only same-site paths, so `next` cannot send someone to another site after sign-in. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : '/';
}

/**
 * Where a sign-in without a particular destination lands: people with a work inbox (GRC, customer
 * compliance, administrators) start on "My work", one click from the dashboard; everyone else on the
 * dashboard (auditors are sent on to their portal from there).
 */
function landingAfterSignIn(user: { id: number; email: string; role: Role }, next: string): string {
  if (next !== '/') return next;
  const principal = userPrincipal(user, 'session');
  return can(principal, 'questionnaires.use') && !can(principal, 'portal.use') ? '/inbox' : '/';
}

export function authRoutes(routes: Routes, ctx: AppContext, loginLimits: LoginLimits): void {
  const renderLogin = (res: Response, status: number, model: Record<string, unknown>) => res.status(status).render('auth/login', { title: 'Sign in', bare: true, ...model });

  routes.get('/login', 'public', (req, res) => {
    if (req.user) return res.redirect(303, '/');
    renderLogin(res, 200, { next: safeNext(req.query.next) });
  });

  const limited = (req: Request, res: Response) =>
    renderLogin(res, 429, {
      email: (req.body as Record<string, unknown>)?.email,
      next: safeNext((req.body as Record<string, unknown>)?.next),
      error: `Too many failed sign-in attempts. Wait ${ctx.config.login.windowMinutes} minutes and try again, or ask an administrator to check your account.`,
    });

  routes.post('/login', 'public', ...loginLimits.middlewares(limited), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      const input = parseInput(loginSchema, body);
      const { token, user } = await signIn(ctx, input, requestOrigin(req));
      res.cookie(SESSION_COOKIE, token, {
        httpOnly: true,
        secure: ctx.config.cookieSecure,
        sameSite: 'lax',
        path: '/',
        maxAge: ctx.config.sessionTtlHours * 3_600_000,
      });
      res.redirect(303, user.mustChangePassword ? '/account/password' : landingAfterSignIn(user, safeNext(input.next)));
    } catch (err) {
      if (!isAppError(err) || !['validation_failed', 'unauthenticated'].includes(err.code)) throw err;
      const status = err.code === 'unauthenticated' ? 401 : 422;
      renderLogin(res, status, { email: body.email, next: safeNext(body.next), error: err.message, errors: errorsByField(err.fields) });
    }
  });

  routes.post('/logout', 'app.use', async (req, res) => {
    if (req.sessionToken) await signOut(ctx, principalOf(req), req.sessionToken);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    setFlash(res, 'info', 'You have signed out.');
    res.redirect(303, '/login');
  });

  routes.get('/account/password', 'app.use', (req, res) => {
    res.render('auth/password', { title: 'Change password', mustChange: req.user?.mustChangePassword });
  });

  routes.post('/account/password', 'app.use', async (req, res) => {
    const principal = principalOf(req);
    await submitForm(
      async () => {
        const { endedSessions } = await changePassword(ctx, principal, parseInput(changePasswordSchema, req.body), req.sessionToken);
        setFlash(res, 'success', endedSessions ? 'Your password has been changed, and your other sessions were signed out.' : 'Your password has been changed.');
        res.redirect(303, '/');
      },
      (failure) => res.status(failure.status).render('auth/password', { title: 'Change password', mustChange: req.user?.mustChangePassword, errors: failure.errors }),
    );
  });

  const renderTokens = async (req: Request, res: Response, status = 200, extra: Record<string, unknown> = {}) => {
    const principal = principalOf(req);
    if (principal.userId === null) throw AppError.forbidden();
    const tokens = await listTokens(ctx, principal, principal.userId);
    res.status(status).render('auth/tokens', { title: 'Your API tokens', section: 'account', tokens, ...extra });
  };

  routes.get('/account/tokens', 'app.use', (req, res) => renderTokens(req, res));

  routes.post('/account/tokens', 'app.use', async (req, res) => {
    await submitForm(
      async () => {
        const { token, secret } = await issueToken(ctx, principalOf(req), parseInput(issueTokenSchema, req.body));
        // Shown once, on this response only.
        await renderTokens(req, res, 201, { newToken: { ...token, secret } });
      },
      (failure) => renderTokens(req, res, failure.status, { tokenErrors: failure.errors, tokenError: failure.message, tokenValues: req.body }),
    );
  });

  routes.post('/account/tokens/:tokenId/revoke', 'app.use', async (req, res) => {
    const { id } = parseInput(idParam, { id: req.params.tokenId });
    const principal = principalOf(req);
    await revokeToken(ctx, principal, id, principal.userId ?? undefined);
    setFlash(res, 'success', 'The token is revoked and no longer works.');
    res.redirect(303, '/account/tokens');
  });
}
