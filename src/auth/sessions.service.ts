import { busyWriting } from '../jobs/background-writers.ts';
import { createHash, randomBytes } from 'node:crypto';
import { recordActivity, withActivity } from '../activity/activity.service.ts';
import type { Actor, AppContext } from '../context.ts';
import { AppError } from '../http/errors.ts';
import { dummyPasswordHash, verifyPassword } from './password.ts';
import { authorize } from './policy.ts';
import type { Principal } from './principal.ts';
import * as sessions from './sessions.repository.ts';
import * as users from './users.repository.ts';
import { toUser, type User } from './users.service.ts';

// Only the SHA-256 of a session token is stored, so a database copy cannot be used to sign in.
export function hashSecret(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

const TOUCH_INTERVAL_MS = 60_000;

/** Checks the credentials and opens a session; the same message whichever part was wrong. */
export async function signIn(
  ctx: AppContext,
  input: { email: string; password: string },
  from: { ip: string | null; userAgent: string | null },
): Promise<{ token: string; user: User }> {
  const row = await users.findUserByEmail(ctx.db, input.email);
  const ok = await verifyPassword(input.password, row?.password_hash ?? (await dummyPasswordHash()));
  if (!row || !ok || row.disabled_at !== null) {
    if (row) {
      const actor: Actor = { userId: row.id, label: row.email, ...from };
      await ctx.db.transaction().execute((trx) =>
        recordActivity(ctx, trx, actor, {
          action: 'auth.login_failed',
          subjectType: 'user',
          subjectId: row.id,
          details: { reason: row.disabled_at ? 'disabled' : 'bad_password' },
        }),
      );
    }
    throw new AppError('unauthenticated', 'That email and password do not match an active account.');
  }
  const token = randomBytes(32).toString('base64url');
  const now = ctx.clock();
  const expires = new Date(now.getTime() + ctx.config.sessionTtlHours * 3_600_000);
  const actor: Actor = { userId: row.id, label: row.email, ...from };
  await withActivity(
    ctx,
    actor,
    async (trx) => {
      await sessions.deleteExpiredSessions(trx, now.toISOString());
      await sessions.insertSession(trx, {
        id_hash: hashSecret(token),
        user_id: row.id,
        created_at: now.toISOString(),
        expires_at: expires.toISOString(),
        last_seen_at: now.toISOString(),
        ip: from.ip,
        user_agent: from.userAgent,
      });
      await users.updateUser(trx, row.id, { last_login_at: now.toISOString() });
    },
    () => ({ action: 'auth.login', subjectType: 'user', subjectId: row.id }),
  );
  return { token, user: toUser({ ...row, last_login_at: now.toISOString() }) };
}

export async function signOut(ctx: AppContext, principal: Principal, token: string): Promise<void> {
  authorize(principal, 'app.use');
  await withActivity(
    ctx,
    principal,
    (trx) => sessions.deleteSession(trx, hashSecret(token)),
    () => ({ action: 'auth.logout', subjectType: 'user', subjectId: principal.userId }),
  );
}

/**
 * Ends a user's sessions, all but `keepToken` when given. Part of a larger change (a password
 * change, disabling the user), so it writes no record of its own: the caller's record says how many
 * ended. Run it inside the caller's unit of work.
 */
export async function endSessions(ctx: AppContext, principal: Principal, userId: number, keepToken?: string): Promise<number> {
  authorize(principal, principal.userId === userId ? 'app.use' : 'users.manage', { kind: 'user', id: userId });
  return sessions.deleteUserSessions(ctx.db, userId, keepToken ? hashSecret(keepToken) : undefined);
}

/** The active user behind a session cookie, or undefined. */
export async function resolveSession(ctx: AppContext, token: string): Promise<User | undefined> {
  const now = ctx.clock();
  const idHash = hashSecret(token);
  const found = await sessions.findSessionUser(ctx.db, idHash, now.toISOString());
  if (!found || found.user.disabled_at !== null) return undefined;
  // Skipped while a large import holds SQLite's one write lock: waiting for it would stall everybody.
  if (now.getTime() - Date.parse(found.lastSeenAt) > TOUCH_INTERVAL_MS && !(ctx.dialect === 'sqlite' && busyWriting())) {
    // Best effort: a busy database (a large import committing) must not turn a page view into an error.
    await sessions.touchSession(ctx.db, idHash, now.toISOString()).catch((err: unknown) => {
      if ((err as { code?: string })?.code !== 'SQLITE_BUSY') throw err;
    });
  }
  return toUser(found.user);
}
