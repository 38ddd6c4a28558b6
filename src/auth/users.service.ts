import { withActivity } from '../activity/activity.service.ts';
import type { AppContext } from '../context.ts';
import { inTransaction } from '../db/unit-of-work.ts';
import { AppError } from '../http/errors.ts';
import { generatePassword, hashPassword, verifyPassword } from './password.ts';
import { authorize } from './policy.ts';
import { assignmentsOfUser } from '../audits/audits.repository.ts';
import type { AuditAssignment, Principal } from './principal.ts';
import { isRole, type Role } from './roles.ts';
import { endSessions } from './sessions.service.ts';
import { revokeAllTokens } from './tokens.service.ts';
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
  /** The control owner this user is ("CISO"); they own those controls' evidence due dates. */
  jobTitle: string | null;
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
    jobTitle: row.job_title,
  };
}

export async function listUsers(ctx: AppContext, principal: Principal): Promise<User[]> {
  authorize(principal, 'users.manage');
  return (await repo.listUsers(ctx.db)).map(toUser);
}

async function findUser(db: AppContext['db'], id: number): Promise<User> {
  const row = await repo.findUserById(db, id);
  if (!row) throw AppError.notFound('User');
  return toUser(row);
}

export async function getUser(ctx: AppContext, principal: Principal, id: number): Promise<User> {
  authorize(principal, 'users.manage', { kind: 'user', id });
  return findUser(ctx.db, id);
}

/** Creates a user with a one-time password that must be changed at first sign-in. */
export async function createUser(ctx: AppContext, principal: Principal, input: { email: string; name: string; role: Role }): Promise<{ user: User; oneTimePassword: string }> {
  authorize(principal, 'users.manage');
  const oneTimePassword = generatePassword();
  const passwordHash = await hashPassword(oneTimePassword);
  const now = ctx.clock().toISOString();
  const row = await withActivity(
    ctx,
    principal,
    async (trx) => {
      if (await repo.findUserByEmail(trx, input.email)) {
        throw AppError.conflict(`A user with the email ${input.email} already exists.`, 'email');
      }
      return repo.insertUser(trx, {
        email: input.email,
        name: input.name,
        role: input.role,
        password_hash: passwordHash,
        must_change_password: 1,
        created_at: now,
        updated_at: now,
      });
    },
    (u) => ({ action: 'user.created', subjectType: 'user', subjectId: u.id, details: { email: u.email, role: u.role } }),
  );
  return { user: toUser(row), oneTimePassword };
}

/** On a database with no users, creates the first admin; returns its one-time password once. */
export async function ensureInitialAdmin(ctx: AppContext, principal: Principal): Promise<{ email: string; password: string } | null> {
  if ((await repo.countUsers(ctx.db)) > 0) return null;
  const { user, oneTimePassword } = await createUser(ctx, principal, { email: 'admin@attest.local', name: 'Administrator', role: 'admin' });
  return { email: user.email, password: oneTimePassword };
}

/** The last-admin guard runs inside the transaction, after the chain lock, so two demotions cannot race. */
export async function changeRole(ctx: AppContext, principal: Principal, userId: number, role: Role): Promise<User> {
  authorize(principal, 'users.manage', { kind: 'user', id: userId });
  let from: Role = role;
  const row = await withActivity(
    ctx,
    principal,
    async (trx) => {
      const user = await findUser(trx, userId);
      from = user.role;
      if (user.role === role) return null;
      if (user.role === 'admin' && !user.disabled && (await repo.countActiveAdmins(trx)) <= 1) {
        throw AppError.conflict('This is the last active administrator; make someone else an administrator first.', 'role');
      }
      return repo.updateUser(trx, userId, { role, updated_at: ctx.clock().toISOString() });
    },
    (updated) => (updated ? [{ action: 'user.role_changed', subjectType: 'user', subjectId: userId, details: { from, to: role } }] : []),
  );
  return row ? toUser(row) : findUser(ctx.db, userId);
}

/**
 * Disabling ends every session of the user at once and revokes their API tokens (through the
 * tokens service, in the same transaction: one record each, and all or nothing). Enabling the user
 * again does not revive the tokens; they issue new ones.
 */
export async function setDisabled(ctx: AppContext, principal: Principal, userId: number, disabled: boolean): Promise<User> {
  authorize(principal, 'users.manage', { kind: 'user', id: userId });
  if (disabled && principal.userId === userId) throw AppError.conflict('You cannot disable your own account.');
  const now = ctx.clock().toISOString();
  const row = await withActivity(
    ctx,
    principal,
    async (trx) => {
      const user = await findUser(trx, userId);
      if (user.disabled === disabled) return null;
      if (disabled && user.role === 'admin' && (await repo.countActiveAdmins(trx)) <= 1) {
        throw AppError.conflict('This is the last active administrator and cannot be disabled.');
      }
      const updated = await repo.updateUser(trx, userId, { disabled_at: disabled ? now : null, updated_at: now });
      if (!disabled) return { updated, endedSessions: 0 };
      const unit = inTransaction(ctx, trx);
      const endedSessions = await endSessions(unit, principal, userId);
      await revokeAllTokens(unit, principal, userId, 'user disabled');
      return { updated, endedSessions };
    },
    (result) =>
      result
        ? [{ action: disabled ? 'user.disabled' : 'user.enabled', subjectType: 'user', subjectId: userId, details: disabled ? { ended_sessions: result.endedSessions } : {} }]
        : [],
  );
  return row ? toUser(row.updated) : findUser(ctx.db, userId);
}

/**
 * Changes the principal's own password and signs them out everywhere else: every other session
 * ends, `keepSession` (the one making the change, if any) stays.
 */
export async function changePassword(
  ctx: AppContext,
  principal: Principal,
  input: { current_password: string; new_password: string },
  keepSession?: string,
): Promise<{ endedSessions: number }> {
  authorize(principal, 'app.use');
  const userId = principal.userId;
  if (userId === null) throw AppError.forbidden('Only a signed-in user can change their password.');
  const row = await repo.findUserById(ctx.db, userId);
  if (!row) throw AppError.notFound('User');
  if (!(await verifyPassword(input.current_password, row.password_hash))) {
    throw AppError.invalid([{ field: 'current_password', message: 'The current password is not right.' }]);
  }
  const hash = await hashPassword(input.new_password);
  const endedSessions = await withActivity(
    ctx,
    principal,
    async (trx) => {
      await repo.updateUser(trx, userId, { password_hash: hash, must_change_password: 0, updated_at: ctx.clock().toISOString() });
      return endSessions(inTransaction(ctx, trx), principal, userId, keepSession);
    },
    (ended) => ({ action: 'user.password_changed', subjectType: 'user', subjectId: userId, details: { ended_sessions: ended } }),
  );
  return { endedSessions };
}

/** Lifts the sign-in lock that failed attempts put on an account; recorded before it takes effect. */
export async function unlockSignIn(ctx: AppContext, principal: Principal, userId: number, limits: { unlock(email: string): Promise<void> }): Promise<User> {
  authorize(principal, 'users.manage', { kind: 'user', id: userId });
  const user = await withActivity(
    ctx,
    principal,
    (trx) => findUser(trx, userId),
    (u) => ({ action: 'auth.unlocked', subjectType: 'user', subjectId: u.id, details: { email: u.email } }),
  );
  await limits.unlock(user.email);
  return user;
}

/**
 * Sets (or, with null, clears) the user's job title: the control owner they are. One active user per
 * title (compared case-insensitively, as the evidence-due calendar matches it), so each control's
 * evidence dates have one owner; the check runs inside the transaction, after the chain lock.
 */
export async function setJobTitle(ctx: AppContext, principal: Principal, userId: number, jobTitle: string | null): Promise<User> {
  authorize(principal, 'users.manage', { kind: 'user', id: userId });
  let from: string | null = null;
  const row = await withActivity(
    ctx,
    principal,
    async (trx) => {
      const user = await findUser(trx, userId);
      from = user.jobTitle;
      if (user.jobTitle === jobTitle) return null;
      if (jobTitle !== null) {
        const key = jobTitle.toLowerCase();
        const holder = (await repo.listUsers(trx)).find((u) => u.id !== userId && u.disabled_at === null && u.job_title?.trim().toLowerCase() === key);
        if (holder) throw AppError.conflict(`${holder.email} already has this job title; clear theirs first (one person per control owner).`, 'job_title');
      }
      return repo.updateUser(trx, userId, { job_title: jobTitle, updated_at: ctx.clock().toISOString() });
    },
    (updated) => (updated ? [{ action: 'user.job_title_changed', subjectType: 'user', subjectId: userId, details: { from, to: jobTitle } }] : []),
  );
  return row ? toUser(row) : findUser(ctx.db, userId);
}

/**
 * The principal a piece of work asked for earlier acts with now: the user's current role and
 * audit assignments, or a refusal if the account has gone or been disabled meanwhile (a queued
 * job must not outlive its asker's rights). The command line and the system stand as they are.
 */
export async function currentPrincipal(ctx: AppContext, asked: Principal): Promise<Principal> {
  if (asked.userId === null) return asked;
  const user = await repo.findUserById(ctx.db, asked.userId);
  if (!user || user.disabled_at !== null) throw AppError.forbidden('The account that asked for this is disabled or gone, so it was not done.');
  if (!isRole(user.role)) throw AppError.forbidden('The account that asked for this has no known role, so it was not done.');
  const assignments = user.role === 'auditor' ? await auditAssignmentsOf(ctx, user.id) : [];
  return { ...asked, label: user.email, role: user.role, assignments };
}

/** An auditor's open assignments, as the policy reads them. */
export async function auditAssignmentsOf(ctx: AppContext, userId: number): Promise<AuditAssignment[]> {
  const rows = await assignmentsOfUser(ctx.db, userId);
  return rows.map((r) => ({ auditId: r.audit_id, accessFrom: r.access_from, accessUntil: r.access_until }));
}
