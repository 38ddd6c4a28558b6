import { randomBytes } from 'node:crypto';
import { withActivity } from '../activity/activity.service.ts';
import { authorize, can } from '../auth/policy.ts';
import { userPrincipal, type Principal } from '../auth/principal.ts';
import { isRole } from '../auth/roles.ts';
import { hashSecret } from '../auth/sessions.service.ts';
import type { AppContext } from '../context.ts';
import { addDays, today } from '../dates.ts';
import { AppError } from '../http/errors.ts';
import type { CalendarItemKind } from './calendar.model.ts';
import * as repo from './calendar.repository.ts';
import type { CreateFeedInput } from './calendar.schema.ts';
import { gatherItems, type CalendarEntry } from './calendar.service.ts';

export const FEED_PREFIX = 'cal_';
const SECRET = /^cal_[A-Za-z0-9_-]{43}$/;

/** A feed covers 90 days back (recent history, overdue work) and 400 days ahead. */
export const FEED_DAYS_BACK = 90;
export const FEED_DAYS_AHEAD = 400;

/**
 * What a personal feed holds besides the items its user owns: the programme's shared dates
 * (audits, fieldwork, milestones, expiries, SOC 2 periods, bridge letters). Other people's duties
 * (evidence, evidence requests and findings due) stay out of it: they are not the subscriber's work.
 */
export const programmeKinds: ReadonlySet<CalendarItemKind> = new Set(['audit', 'fieldwork', 'milestone', 'certificate_expiry', 'soc2_period', 'bridge_letter']);

export interface Feed {
  id: number;
  scope: 'personal' | 'audit';
  userId: number | null;
  auditId: number | null;
  auditTitle: string | null;
  prefix: string;
  createdAt: string;
  createdBy: string | null;
  /** A personal feed's user, by e-mail (administrators see everyone's). */
  ownerEmail: string | null;
  revokedAt: string | null;
  active: boolean;
}

function toFeed(row: repo.FeedRow & { audit_title?: string | null; creator_email?: string | null; owner_email?: string | null }): Feed {
  return {
    id: row.id,
    scope: row.audit_id === null ? 'personal' : 'audit',
    userId: row.user_id,
    auditId: row.audit_id,
    auditTitle: row.audit_title ?? null,
    prefix: row.prefix,
    createdAt: row.created_at,
    createdBy: row.creator_email ?? null,
    ownerEmail: row.owner_email ?? null,
    revokedAt: row.revoked_at,
    active: row.revoked_at === null,
  };
}

/**
 * A feed URL is a bearer credential, like an API token: a personal feed is its owner's to revoke
 * (or an administrator's); audit feeds are managed by those who edit audits.
 */
function authorizeOn(principal: Principal, row: repo.FeedRow): void {
  if (row.audit_id !== null) return authorize(principal, 'audits.edit');
  const ownerId = row.user_id ?? -1;
  authorize(principal, principal.userId === ownerId ? 'audits.read' : 'users.manage', { kind: 'token', ownerId });
}

/** The feeds a principal may manage: their own; every audit feed for GRC staff; every feed for administrators. */
export async function listFeeds(ctx: AppContext, principal: Principal): Promise<Feed[]> {
  authorize(principal, 'audits.read');
  if (principal.userId === null) return [];
  const scope = can(principal, 'users.manage') ? 'all' : can(principal, 'audits.edit') ? 'own_and_audits' : 'own';
  return (await repo.listFeeds(ctx.db, principal.userId, scope)).map(toFeed);
}

/** Audits a feed may be made for (id and title), for the form. */
export async function feedAudits(ctx: AppContext, principal: Principal): Promise<{ id: number; title: string }[]> {
  if (!can(principal, 'audits.edit')) return [];
  return repo.listAuditTitles(ctx.db);
}

/**
 * Creates a feed and returns its secret once; only the secret's SHA-256 is kept. A personal feed
 * acts as its user; an audit feed (GRC) holds that audit's items and acts as its creator, so it
 * stops when the creator is disabled or loses access to the calendar.
 */
export async function createFeed(ctx: AppContext, principal: Principal, input: CreateFeedInput): Promise<{ feed: Feed; secret: string }> {
  authorize(principal, input.scope === 'audit' ? 'audits.edit' : 'audits.read');
  const userId = principal.userId;
  if (userId === null) throw AppError.forbidden('Calendar feeds belong to a user; sign in to create one.');
  const secret = FEED_PREFIX + randomBytes(32).toString('base64url');
  const now = ctx.clock().toISOString();
  const row = await withActivity(
    ctx,
    principal,
    async (trx) => {
      let auditId: number | null = null;
      if (input.scope === 'audit') {
        const audit = await repo.findAudit(trx, input.audit_id ?? -1);
        if (!audit) throw AppError.invalid([{ field: 'audit_id', message: 'Unknown audit.' }]);
        auditId = audit.id;
      }
      return repo.insertFeed(trx, {
        user_id: input.scope === 'personal' ? userId : null,
        audit_id: auditId,
        token_hash: hashSecret(secret),
        prefix: secret.slice(0, FEED_PREFIX.length + 6),
        created_by: userId,
        created_at: now,
      });
    },
    (f) => ({ action: 'feed.created', subjectType: 'calendar_feed', subjectId: f.id, details: { scope: input.scope, user_id: f.user_id, audit_id: f.audit_id, prefix: f.prefix } }),
  );
  return { feed: toFeed(row), secret };
}

/** Revokes a feed at once: the next fetch of its URL is a 404. Revoking a revoked feed changes nothing. */
export async function revokeFeed(ctx: AppContext, principal: Principal, id: number): Promise<Feed> {
  authorize(principal, 'audits.read');
  const found = await repo.findFeed(ctx.db, id);
  if (!found) throw AppError.notFound('Feed');
  authorizeOn(principal, found);
  if (found.revoked_at !== null) return toFeed(found);
  const at = ctx.clock().toISOString();
  await withActivity(
    ctx,
    principal,
    async (trx) => {
      // Decided inside the transaction: a concurrent revocation records nothing twice.
      if (!(await repo.revokeFeed(trx, id, at))) throw AppError.conflict('This feed was already revoked.');
    },
    () => ({ action: 'feed.revoked', subjectType: 'calendar_feed', subjectId: id, details: { user_id: found.user_id, audit_id: found.audit_id, prefix: found.prefix } }),
  );
  return toFeed({ ...found, revoked_at: at });
}

export interface ResolvedFeed {
  id: number;
  auditId: number | null;
  /** Who the feed acts as, with their current rights. */
  principal: Principal;
}

const NOT_FOUND = () => AppError.notFound('Feed');

/**
 * The live feed behind a secret, acting with the current rights of its user (an audit feed: its
 * creator). A wrong, malformed or revoked secret, a disabled user or one who may no longer read
 * the calendar: the same 404, so nothing tells them apart. Checked on every fetch: revocation is
 * immediate.
 */
export async function resolveFeed(ctx: AppContext, secret: string): Promise<ResolvedFeed> {
  if (!SECRET.test(secret)) throw NOT_FOUND();
  const row = await repo.findLiveFeedByHash(ctx.db, hashSecret(secret));
  if (!row || row.actor_id === null || row.actor_disabled_at !== null || !isRole(row.actor_role) || row.actor_email === null) throw NOT_FOUND();
  const principal = userPrincipal({ id: row.actor_id, email: row.actor_email, role: row.actor_role }, 'token');
  if (!can(principal, 'audits.read')) throw NOT_FOUND();
  return { id: row.id, auditId: row.audit_id, principal };
}

export interface FeedContent {
  name: string;
  filename: string;
  items: CalendarEntry[];
}

/** What a feed holds: from FEED_DAYS_BACK days ago to FEED_DAYS_AHEAD ahead, as its principal sees it. */
export async function feedContent(ctx: AppContext, feed: ResolvedFeed): Promise<FeedContent> {
  const day = today(ctx.clock);
  const items = await gatherItems(ctx, feed.principal, { from: addDays(day, -FEED_DAYS_BACK), to: addDays(day, FEED_DAYS_AHEAD) });
  if (feed.auditId !== null) {
    const audit = await repo.findAudit(ctx.db, feed.auditId);
    return { name: `Attest: ${audit?.title ?? `audit ${feed.auditId}`}`, filename: `attest-audit-${feed.auditId}.ics`, items: items.filter((i) => i.auditId === feed.auditId) };
  }
  const userId = feed.principal.userId;
  return { name: `Attest: ${feed.principal.label}`, filename: 'attest.ics', items: items.filter((i) => i.ownerId === userId || programmeKinds.has(i.kind)) };
}

/** The newest change recorded in Attest (its activity id and instant), or none yet. */
export async function latestChange(ctx: AppContext): Promise<{ id: number; at: string } | null> {
  return (await repo.latestChange(ctx.db)) ?? null;
}

/** The DTSTAMP for items that do not say when they changed: the newest change recorded in Attest. */
export async function defaultStamp(ctx: AppContext): Promise<string> {
  return (await latestChange(ctx))?.at ?? `${today(ctx.clock)}T00:00:00.000Z`;
}
