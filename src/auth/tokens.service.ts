import { randomBytes } from 'node:crypto';
import { withActivity } from '../activity/activity.service.ts';
import type { AppContext } from '../context.ts';
import { AppError } from '../http/errors.ts';
import { authorize } from './policy.ts';
import type { Principal } from './principal.ts';
import { hashSecret } from './sessions.service.ts';
import * as repo from './tokens.repository.ts';
import { findUserById } from './users.repository.ts';
import { toUser, type User } from './users.service.ts';

export const TOKEN_PREFIX = 'att_';

export interface ApiToken {
  id: number;
  userId: number;
  name: string;
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  active: boolean;
}

function toToken(row: repo.ApiTokenRow, now: string): ApiToken {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
    active: row.revoked_at === null && (row.expires_at === null || row.expires_at > now),
  };
}

/** Owners list their own tokens; administrators list anyone's. */
const actionOn = (principal: Principal, ownerId: number) => (principal.userId === ownerId ? 'app.use' : 'users.manage');

export async function listTokens(ctx: AppContext, principal: Principal, ownerId: number): Promise<ApiToken[]> {
  authorize(principal, actionOn(principal, ownerId), { kind: 'token', ownerId });
  const now = ctx.clock().toISOString();
  return (await repo.listTokensForUser(ctx.db, ownerId)).map((r) => toToken(r, now));
}

/**
 * Issues a personal API token to the principal themselves; the plain value is returned once and
 * only its hash is kept. Nobody issues a token for someone else: a token acts as its owner, so an
 * administrator holding one for another user could, say, review their own evidence as that user.
 */
export async function issueToken(ctx: AppContext, principal: Principal, input: { name: string; expires_in_days: number | null }): Promise<{ token: ApiToken; secret: string }> {
  const ownerId = principal.userId;
  if (ownerId === null) throw AppError.forbidden('API tokens belong to a user; sign in to issue one.');
  authorize(principal, 'app.use', { kind: 'token', ownerId });
  const secret = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const now = ctx.clock();
  const expiresAt = input.expires_in_days === null ? null : new Date(now.getTime() + input.expires_in_days * 86_400_000).toISOString();
  const row = await withActivity(
    ctx,
    principal,
    async (trx) => {
      const owner = await findUserById(trx, ownerId);
      if (!owner || owner.disabled_at !== null) throw AppError.conflict('This account is disabled.');
      return repo.insertToken(trx, {
        user_id: ownerId,
        name: input.name,
        token_hash: hashSecret(secret),
        prefix: secret.slice(0, TOKEN_PREFIX.length + 6),
        created_by: ownerId,
        created_at: now.toISOString(),
        expires_at: expiresAt,
      });
    },
    (t) => ({ action: 'token.issued', subjectType: 'api_token', subjectId: t.id, details: { user_id: ownerId, name: t.name, expires_at: expiresAt } }),
  );
  return { token: toToken(row, now.toISOString()), secret };
}

/** Revokes one token: its owner or an administrator may. Revoking a revoked token changes nothing. */
export async function revokeToken(ctx: AppContext, principal: Principal, tokenId: number, ownerId?: number): Promise<ApiToken> {
  const row = await repo.findToken(ctx.db, tokenId);
  if (!row || (ownerId !== undefined && row.user_id !== ownerId)) throw AppError.notFound('Token');
  authorize(principal, actionOn(principal, row.user_id), { kind: 'token', ownerId: row.user_id });
  const now = ctx.clock().toISOString();
  if (row.revoked_at) return toToken(row, now);
  await withActivity(
    ctx,
    principal,
    (trx) => repo.revokeToken(trx, tokenId, now),
    () => ({ action: 'token.revoked', subjectType: 'api_token', subjectId: tokenId, details: { user_id: row.user_id } }),
  );
  return toToken({ ...row, revoked_at: now }, now);
}

/** Revokes every live token of a user, one record each; meant to run inside a larger unit of work. */
export async function revokeAllTokens(ctx: AppContext, principal: Principal, ownerId: number, reason: string): Promise<number> {
  authorize(principal, actionOn(principal, ownerId), { kind: 'token', ownerId });
  const now = ctx.clock().toISOString();
  const live = (await repo.listTokensForUser(ctx.db, ownerId)).filter((t) => t.revoked_at === null);
  for (const token of live) {
    await withActivity(
      ctx,
      principal,
      (trx) => repo.revokeToken(trx, token.id, now),
      () => ({ action: 'token.revoked', subjectType: 'api_token', subjectId: token.id, details: { user_id: ownerId, reason } }),
    );
  }
  return live.length;
}

/** The active user behind a Bearer token, or undefined. */
export async function resolveToken(ctx: AppContext, secret: string): Promise<User | undefined> {
  if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 100) return undefined;
  const now = ctx.clock().toISOString();
  const found = await repo.findTokenUser(ctx.db, hashSecret(secret), now);
  if (!found || found.user.disabled_at !== null) return undefined;
  await repo.markTokenUsed(ctx.db, found.tokenId, now);
  return toUser(found.user);
}
