import { withActivity } from '../activity/activity.service.ts';
import type { Actor, AppContext } from '../context.ts';
import { AppError } from '../http/errors.ts';
import { generatePassword, hashPassword, verifyPassword } from './password.ts';
import { isRole, type Role } from './roles.ts';
import { deleteUserSessions } from './sessions.repository.ts';
import * as repo from './users.repository.ts';

export interface User {
  id: number;
  email: string;
  name: string;
  role: Role;
  mustChangePassword: boolean;
  disabled: boolean;
  disabledAt: string | null;
  lastLoginAt: string | null;
  createdAt: string;
}

export function toUser(row: repo.UserRow): User {
  if (!isRole(row.role)) throw new Error(`User ${row.id} has an unknown role ${row.role}`);
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    mustChangePassword: row.must_change_password === 1,
    disabled: row.disabled_at !== null,
    disabledAt: row.disabled_at,
    lastLoginAt: row.last_login_at,
    createdAt: row.created_at,
  };
}

export async function listUsers(ctx: AppContext): Promise<User[]> {
  return (await repo.listUsers(ctx.db)).map(toUser);
}

export async function getUser(ctx: AppContext, id: number): Promise<User> {
  const row = await repo.findUserById(ctx.db, id);
  if (!row) throw AppError.notFound('User');
  return toUser(row);
}

/** Creates a user with a one-time password that must be changed at first sign-in. */
export async function createUser(
  ctx: AppContext,
  actor: Actor,
  input: { email: string; name: string; role: Role },
): Promise<{ user: User; oneTimePassword: string }> {
  if (await repo.findUserByEmail(ctx.db, input.email)) {
    throw AppError.conflict(`A user with the email ${input.email} already exists.`, 'email');
  }
  const oneTimePassword = generatePassword();
  const passwordHash = await hashPassword(oneTimePassword);
  const now = ctx.clock().toISOString();
  const row = await withActivity(
    ctx,
    actor,
    (trx) =>
      repo.insertUser(trx, {
        email: input.email,
        name: input.name,
        role: input.role,
        password_hash: passwordHash,
        must_change_password: 1,
        created_at: now,
        updated_at: now,
      }),
    (u) => ({ action: 'user.created', subjectType: 'user', subjectId: u.id, details: { email: u.email, role: u.role } }),
  );
  return { user: toUser(row), oneTimePassword };
}

/** On a database with no users, creates the first admin; returns its one-time password once. */
export async function ensureInitialAdmin(ctx: AppContext, actor: Actor): Promise<{ email: string; password: string } | null> {
  if ((await repo.countUsers(ctx.db)) > 0) return null;
  const { user, oneTimePassword } = await createUser(ctx, actor, { email: 'admin@attest.local', name: 'Administrator', role: 'admin' });
  return { email: user.email, password: oneTimePassword };
}

export async function changeRole(ctx: AppContext, actor: Actor, userId: number, role: Role): Promise<User> {
  const user = await getUser(ctx, userId);
  if (user.role === role) return user;
  if (user.role === 'admin' && !user.disabled && (await repo.countActiveAdmins(ctx.db)) <= 1) {
    throw AppError.conflict('This is the last active administrator; make someone else an administrator first.', 'role');
  }
  const row = await withActivity(
    ctx,
    actor,
    (trx) => repo.updateUser(trx, userId, { role, updated_at: ctx.clock().toISOString() }),
    () => ({ action: 'user.role_changed', subjectType: 'user', subjectId: userId, details: { from: user.role, to: role } }),
  );
  return toUser(row);
}

/** Disabling ends every session of the user at once; their API tokens stop working too. */
export async function setDisabled(ctx: AppContext, actor: Actor, userId: number, disabled: boolean): Promise<User> {
  const user = await getUser(ctx, userId);
  if (user.disabled === disabled) return user;
  if (disabled && actor.userId === userId) throw AppError.conflict('You cannot disable your own account.');
  if (disabled && user.role === 'admin' && (await repo.countActiveAdmins(ctx.db)) <= 1) {
    throw AppError.conflict('This is the last active administrator and cannot be disabled.');
  }
  const now = ctx.clock().toISOString();
  const row = await withActivity(
    ctx,
    actor,
    async (trx) => {
      const updated = await repo.updateUser(trx, userId, { disabled_at: disabled ? now : null, updated_at: now });
      const endedSessions = disabled ? await deleteUserSessions(trx, userId) : 0;
      return { updated, endedSessions };
    },
    ({ endedSessions }) => ({
      action: disabled ? 'user.disabled' : 'user.enabled',
      subjectType: 'user',
      subjectId: userId,
      details: disabled ? { ended_sessions: endedSessions } : {},
    }),
  );
  return toUser(row.updated);
}

export async function changePassword(
  ctx: AppContext,
  actor: Actor,
  userId: number,
  input: { current_password: string; new_password: string },
): Promise<void> {
  const row = await repo.findUserById(ctx.db, userId);
  if (!row) throw AppError.notFound('User');
  if (!(await verifyPassword(input.current_password, row.password_hash))) {
    throw AppError.invalid([{ field: 'current_password', message: 'The current password is not right.' }]);
  }
  const hash = await hashPassword(input.new_password);
  await withActivity(
    ctx,
    actor,
    (trx) => repo.updateUser(trx, userId, { password_hash: hash, must_change_password: 0, updated_at: ctx.clock().toISOString() }),
    () => ({ action: 'user.password_changed', subjectType: 'user', subjectId: userId }),
  );
}
