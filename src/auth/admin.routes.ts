import type { Request, Response } from 'express';
import type { AppContext } from '../context.ts';
import { principalOf } from '../http/actor.ts';
import { setFlash } from '../http/flash.ts';
import { submitForm } from '../http/forms.ts';
import type { Routes } from '../http/routes.ts';
import { parseInput } from '../http/validate.ts';
import { controlFacets } from '../controls/controls.service.ts';
import { changeRoleSchema, createUserSchema, idParam, jobTitleSchema } from './auth.schema.ts';
import type { LoginLimits } from './login-limits.ts';
import { roleLabels, roles } from './roles.ts';
import { listTokens, revokeToken } from './tokens.service.ts';
import { changeRole, createUser, getUser, listUsers, setDisabled, setJobTitle, unlockSignIn } from './users.service.ts';

const roleOptions = roles.map((r) => ({ value: r, label: roleLabels[r] }));

export function adminRoutes(routes: Routes, ctx: AppContext, loginLimits: LoginLimits): void {
  routes.get('/admin/users', 'users.manage', async (req, res) => {
    const users = await listUsers(ctx, principalOf(req));
    res.render('admin/users', { title: 'Users', section: 'admin', users });
  });

  routes.get('/admin/users/new', 'users.manage', (_req, res) => {
    res.render('admin/user-new', { title: 'Add a user', section: 'admin', roleOptions, values: { role: 'viewer' } });
  });

  routes.post('/admin/users', 'users.manage', async (req, res) => {
    await submitForm(
      async () => {
        const { user, oneTimePassword } = await createUser(ctx, principalOf(req), parseInput(createUserSchema, req.body));
        // Shown once, on this response only; never stored in plain text or sent in a redirect.
        res.status(201).render('admin/user-created', { title: 'User added', section: 'admin', user, oneTimePassword });
      },
      (failure) =>
        res.status(failure.status === 409 ? 422 : failure.status).render('admin/user-new', {
          title: 'Add a user',
          section: 'admin',
          roleOptions,
          values: req.body,
          errors: failure.errors,
        }),
    );
  });

  const renderUser = async (req: Request, res: Response, status = 200, extra: Record<string, unknown> = {}) => {
    const { id } = parseInput(idParam, req.params);
    const principal = principalOf(req);
    const [user, tokens, { owners }] = await Promise.all([getUser(ctx, principal, id), listTokens(ctx, principal, id), controlFacets(ctx, principal)]);
    // The control owner this title makes the user, matched as the evidence-due calendar matches it.
    const ownerMatch = user.jobTitle ? (owners.find((o) => o.trim().toLowerCase() === user.jobTitle?.trim().toLowerCase()) ?? null) : null;
    res.status(status).render('admin/user', {
      title: user.email,
      section: 'admin',
      user,
      tokens,
      tokenBase: `/admin/users/${user.id}/tokens`,
      signIn: await loginLimits.status(user.email),
      isSelf: principal.userId === user.id,
      roleOptions: roleOptions.map((o) => ({ ...o, selected: o.value === user.role })),
      jobTitle: { value: user.jobTitle ?? '', owners, ownerMatch },
      ...extra,
    });
  };

  routes.get('/admin/users/:id', 'users.manage', (req, res) => renderUser(req, res));

  routes.post('/admin/users/:id/role', 'users.manage', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    await submitForm(
      async () => {
        const user = await changeRole(ctx, principalOf(req), id, parseInput(changeRoleSchema, req.body).role);
        setFlash(res, 'success', `${user.email} is now ${roleLabels[user.role]}.`);
        res.redirect(303, `/admin/users/${id}`);
      },
      (failure) => renderUser(req, res, 422, { roleError: Object.values(failure.errors)[0] ?? failure.message }),
    );
  });

  routes.post('/admin/users/:id/job-title', 'users.manage', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    await submitForm(
      async () => {
        const user = await setJobTitle(ctx, principalOf(req), id, parseInput(jobTitleSchema, req.body).job_title);
        // The title itself is on the page below; a long one would not fit the message.
        setFlash(res, 'success', user.jobTitle ? `Job title of ${user.email} saved.` : `${user.email} has no job title now.`);
        res.redirect(303, `/admin/users/${id}`);
      },
      (failure) =>
        renderUser(req, res, 422, {
          jobTitleError: failure.errors.job_title ?? Object.values(failure.errors)[0] ?? failure.message,
          jobTitleValue: typeof req.body?.job_title === 'string' ? req.body.job_title : '',
        }),
    );
  });

  for (const [verb, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    routes.post(`/admin/users/:id/${verb}`, 'users.manage', async (req, res) => {
      const { id } = parseInput(idParam, req.params);
      await submitForm(
        async () => {
          const user = await setDisabled(ctx, principalOf(req), id, disabled);
          setFlash(
            res,
            'success',
            disabled ? `${user.email} is disabled, signed out everywhere, and their API tokens are revoked.` : `${user.email} is enabled. Their old API tokens stay revoked.`,
          );
          res.redirect(303, `/admin/users/${id}`);
        },
        (failure) => renderUser(req, res, 409, { statusError: failure.message ?? Object.values(failure.errors)[0] }),
      );
    });
  }

  routes.post('/admin/users/:id/unlock', 'users.manage', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const user = await unlockSignIn(ctx, principalOf(req), id, loginLimits);
    setFlash(res, 'success', `${user.email} can sign in again.`);
    res.redirect(303, `/admin/users/${id}`);
  });

  routes.post('/admin/users/:id/tokens/:tokenId/revoke', 'users.manage', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const { id: tokenId } = parseInput(idParam, { id: req.params.tokenId });
    await revokeToken(ctx, principalOf(req), tokenId, id);
    setFlash(res, 'success', 'The token is revoked and no longer works.');
    res.redirect(303, `/admin/users/${id}`);
  });
}
