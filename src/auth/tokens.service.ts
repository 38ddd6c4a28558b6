import { randomBytes } from 'node:crypto';
import { withActivity } from '../activity/activity.service.ts';
import type { Actor, AppContext } from '../context.ts';
import { AppError } from '../http/errors.ts';
import { hashSecret } from './sessions.service.ts';
import * as repo from './tokens.repository.ts';
import { getUser, toUser, type User } from './users.service.ts';

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

export async function listTokens(ctx: AppContext, userId: number): Promise<ApiToken[]> {
  const now = ctx.clock().toISOString();
  return (await repo.listTokensForUser(ctx.db, userId)).map((r) => toToken(r, now));
}

/** Issues a personal API token; the plain value is returned once and only its hash is kept. */
export async function issueToken(
  ctx: AppContext,
  actor: Actor,
  userId: number,
  input: { name: string; expires_in_days: number | null },
): Promise<{ token: ApiToken; secret: string }> {
  const user = await getUser(ctx, userId);
  if (user.disabled) throw AppError.conflict('This user is disabled; enable them before issuing a token.');
  const secret = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const now = ctx.clock();
  const expiresAt = input.expires_in_days === null ? null : new Date(now.getTime() + input.expires_in_days * 86_400_000).toISOString();
  const row = await withActivity(
    ctx,
    actor,
    (trx) =>
      repo.insertToken(trx, {
        user_id: userId,
        name: input.name,
        token_hash: hashSecret(secret),
        prefix: secret.slice(0, TOKEN_PREFIX.length + 6),
        created_by: actor.userId,
        created_at: now.toISOString(),
        expires_at: expiresAt,
      }),
    (t) => ({ action: 'token.issued', subjectType: 'api_token', subjectId: t.id, details: { user_id: userId, name: t.name, expires_at: expiresAt } }),
  );
  return { token: toToken(row, now.toISOString()), secret };
}

export async function revokeToken(ctx: AppContext, actor: Actor, userId: number, tokenId: number): Promise<void> {
  const row = await repo.findToken(ctx.db, tokenId);
  if (!row || row.user_id !== userId) throw AppError.notFound('Token');
  if (row.revoked_at) return;
  await withActivity(
    ctx,
    actor,
    (trx) => repo.revokeToken(trx, tokenId, ctx.clock().toISOString()),
    () => ({ action: 'token.revoked', subjectType: 'api_token', subjectId: tokenId, details: { user_id: userId } }),
  );
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
