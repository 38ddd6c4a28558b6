import type { Kysely } from 'kysely';
import type { AppContext } from '../context.ts';
import { today } from '../dates.ts';
import type { DB } from '../db/schema.ts';
import { toICalendar } from './calendar.ical.ts';
import { feedContent, latestChange, resolveFeed } from './feeds.service.ts';

const MAX_ENTRIES = 16;
const caches = new WeakMap<Kysely<DB>, Map<string, { filename: string; body: string }>>();

/**
 * A feed's iCalendar text, remembered until the next change. Calendar apps poll the same address
 * every few minutes to hours, and a year of dates is a few thousand events. The key holds the
 * newest activity id (every change appends one, in its own transaction), the day (overdue items and
 * "due now" move with it) and the origin the links use. The secret is checked on every fetch, so
 * revocation and a user's new rights take effect at once (changing rights also writes a record).
 */
export async function feedDocument(ctx: AppContext, secret: string, origin: string): Promise<{ filename: string; body: string }> {
  const feed = await resolveFeed(ctx, secret);
  const change = await latestChange(ctx);
  const key = [feed.id, change?.id ?? 0, today(ctx.clock), origin].join('|');
  let cache = caches.get(ctx.db);
  if (!cache) {
    cache = new Map();
    caches.set(ctx.db, cache);
  }
  const hit = cache.get(key);
  if (hit) return hit;
  const content = await feedContent(ctx, feed);
  const document = { filename: content.filename, body: toICalendar(content.items, { name: content.name, origin, stamp: change?.at ?? `${today(ctx.clock)}T00:00:00.000Z` }) };
  // One entry per feed: an older version of this feed goes first.
  for (const k of cache.keys()) if (k.startsWith(`${feed.id}|`)) cache.delete(k);
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(key, document);
  return document;
}
