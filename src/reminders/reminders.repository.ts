import type { Kysely, Transaction } from 'kysely';
import type { DB, ReminderDeliveriesTable } from '../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type Channel = ReminderDeliveriesTable['channel'];

/**
 * Claims the day's delivery to one user on one channel: inserts the row unless the unique
 * (user, day, channel) constraint already holds one, and says whether this call got it. On
 * PostgreSQL a second claimant waits for the first transaction and then gets nothing, so two runs
 * (two servers, or the daily job and the CLI) never both send.
 */
export async function claimDelivery(db: Db, row: { user_id: number; day: string; channel: Channel; item_count: number; created_at: string }): Promise<boolean> {
  const inserted = await db
    .insertInto('reminder_deliveries')
    .values(row)
    .onConflict((oc) => oc.columns(['user_id', 'day', 'channel']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** The users who already had the day's digest on a channel. */
export async function deliveredUserIds(db: Db, day: string, channel: Channel): Promise<Set<number>> {
  const rows = await db.selectFrom('reminder_deliveries').select('user_id').where('day', '=', day).where('channel', '=', channel).execute();
  return new Set(rows.map((r) => r.user_id));
}

/** How many digests went out on a day, per channel, and how many items they carried. */
export function deliveriesOn(db: Db, day: string) {
  return db
    .selectFrom('reminder_deliveries')
    .select((eb) => ['channel', eb.fn.countAll<number | string>().as('digests'), eb.fn.sum<number | string | null>('item_count').as('items')])
    .where('day', '=', day)
    .groupBy('channel')
    .orderBy('channel')
    .execute();
}
