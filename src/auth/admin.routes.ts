import type { Request, Response } from 'express';
import type { AppContext } from '../context.ts';
import { actorOf } from '../http/actor.ts';
import { AppError, isAppError } from '../http/errors.ts';
import { setFlash } from '../http/flash.ts';
import type { Routes } from '../http/routes.ts';
import { errorsByField, parseInput } from '../http/validate.ts';
import { changeRoleSchema, createUserSchema, idParam, issueTokenSchema } from './auth.schema.ts';
import { roleLabels, roles } from './roles.ts';
import { issueToken, listTokens, revokeToken } from './tokens.service.ts';
import { changeRole, createUser, getUser, listUsers, setDisabled } from './users.service.ts';

const roleOptions = roles.map((r) => ({ value: r, label: roleLabels[r] }));

function isFormError(err: unknown): err is AppError {
  return isAppError(err) && (err.code === 'validation_failed' || err.code === 'conflict');
}

export function adminRoutes(routes: Routes, ctx: AppContext): void {
  routes.get('/admin/users', 'users.manage', async (_req, res) => {
    const users = await listUsers(ctx);
    res.render('admin/users', { title: 'Users', section: 'admin', users });
  });

  routes.get('/admin/users/new', 'users.manage', (_req, res) => {
    res.render('admin/user-new', { title: 'Add a user', section: 'admin', roleOptions, values: { role: 'viewer' } });
  });

  routes.post('/admin/users', 'users.manage', async (req, res) => {
    try {
      const input = parseInput(createUserSchema, req.body);
      const { user, oneTimePassword } = await createUser(ctx, actorOf(req), input);
      // Shown once, on this response only; never stored in plain text or sent in a redirect.
      res.status(201).render('admin/user-created', { title: 'User added', section: 'admin', user, oneTimePassword });
    } catch (err) {
      if (!isFormError(err)) throw err;
      res.status(422).render('admin/user-new', {
        title: 'Add a user',
        section: 'admin',
        roleOptions,
        values: req.body,
        error: err.code === 'conflict' ? err.message : undefined,
        errors: errorsByField(err.fields),
      });
    }
  });

  const renderUser = async (req: Request, res: Response, status = 200, extra: Record<string, unknown> = {}) => {
    const { id } = parseInput(idParam, req.params);
    const [user, tokens] = await Promise.all([getUser(ctx, id), listTokens(ctx, id)]);
    res.status(status).render('admin/user', {
      title: user.email,
      section: 'admin',
      user,
      tokens,
      isSelf: req.user?.id === user.id,
      roleOptions: roleOptions.map((o) => ({ ...o, selected: o.value === user.role })),
      ...extra,
    });
  };

  routes.get('/admin/users/:id', 'users.manage', (req, res) => renderUser(req, res));

  routes.post('/admin/users/:id/role', 'users.manage', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    try {
      const { role } = parseInput(changeRoleSchema, req.body);
      const user = await changeRole(ctx, actorOf(req), id, role);
      setFlash(res, 'success', `${user.email} is now ${roleLabels[user.role]}.`);
      res.redirect(303, `/admin/users/${id}`);
    } catch (err) {
      if (!isFormError(err)) throw err;
      await renderUser(req, res, 422, { roleError: err.fields[0]?.message ?? err.message });
    }
  });

  for (const [verb, disabled] of [['disable', true], ['enable', false]] as const) {
    routes.post(`/admin/users/:id/${verb}`, 'users.manage', async (req, res) => {
      const { id } = parseInput(idParam, req.params);
      try {
        const user = await setDisabled(ctx, actorOf(req), id, disabled);
        setFlash(res, 'success', disabled ? `${user.email} is disabled and signed out everywhere.` : `${user.email} is enabled.`);
        res.redirect(303, `/admin/users/${id}`);
      } catch (err) {
        if (!isFormError(err)) throw err;
        await renderUser(req, res, 409, { statusError: err.message });
      }
    });
  }

  routes.post('/admin/users/:id/tokens', 'users.manage', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    try {
      const input = parseInput(issueTokenSchema, req.body);
      const { token, secret } = await issueToken(ctx, actorOf(req), id, input);
      await renderUser(req, res, 201, { newToken: { ...token, secret } });
    } catch (err) {
      if (!isFormError(err)) throw err;
      await renderUser(req, res, 422, { tokenErrors: errorsByField(err.fields), tokenError: err.fields.length ? undefined : err.message, tokenValues: req.body });
    }
  });

  routes.post('/admin/users/:id/tokens/:tokenId/revoke', 'users.manage', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const { id: tokenId } = parseInput(idParam, { id: req.params.tokenId });
    await revokeToken(ctx, actorOf(req), id, tokenId);
    setFlash(res, 'success', 'The token is revoked and no longer works.');
    res.redirect(303, `/admin/users/${id}`);
  });
}
