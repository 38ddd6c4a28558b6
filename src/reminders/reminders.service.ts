import { recordActivity } from '../activity/activity.service.ts';
import { authorize } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { User } from '../auth/users.service.ts';
import type { AppContext } from '../context.ts';
import { today } from '../dates.ts';
import { unitOfWork } from '../db/unit-of-work.ts';
import { digestEmail } from './digest.presenter.ts';
import { allDigests, type Digest } from './digest.service.ts';
import { MailError, type Mailer } from './mailer.ts';
import * as repo from './reminders.repository.ts';

export type Channel = repo.Channel;

/** What became of one user's digest in a run. */
export interface Delivery {
  userId: number;
  email: string;
  items: number;
  overdue: number;
  /** `would_send` only in a dry run; `skipped`: they already had the day's digest on this channel. */
  status: 'sent' | 'would_send' | 'skipped' | 'failed';
  /** Why it was skipped or failed. */
  note: string | null;
}

export interface SendReport {
  day: string;
  channel: Channel;
  dryRun: boolean;
  deliveries: Delivery[];
  /** Active users with nothing due: they get nothing. */
  nothingDue: number;
  sent: number;
  skipped: number;
  failed: number;
}

/**
 * Sends every active user with something due their digest for today: by e-mail when a mailer is
 * given, otherwise in the app (recorded, and shown on /reminders). Each delivery is its own unit
 * of work: claim the (user, day, channel) row, send, record 'reminders.sent'; a refused send rolls
 * its claim back and the run goes on with the next user. A dry run writes and sends nothing.
 */
export async function sendDigests(
  ctx: AppContext,
  principal: Principal,
  options: { mailer: Mailer | null; dryRun?: boolean; onDelivery?: (delivery: Delivery) => void },
): Promise<SendReport> {
  authorize(principal, 'reminders.send');
  const dryRun = options.dryRun ?? false;
  const channel: Channel = options.mailer ? 'email' : 'app';
  const day = today(ctx.clock);
  const digests = await allDigests(ctx, principal);
  const already = await repo.deliveredUserIds(ctx.db, day, channel);
  const deliveries: Delivery[] = [];
  let nothingDue = 0;
  for (const { digest, user } of digests) {
    if (digest.count === 0) {
      nothingDue += 1;
      continue;
    }
    const base = { userId: user.id, email: user.email, items: digest.count, overdue: digest.overdueCount };
    let delivery: Delivery;
    if (already.has(user.id)) delivery = { ...base, status: 'skipped', note: `already had the ${day} digest` };
    else if (dryRun) delivery = { ...base, status: 'would_send', note: null };
    else delivery = { ...base, ...(await deliver(ctx, principal, digest, user, channel, options.mailer)) };
    deliveries.push(delivery);
    options.onDelivery?.(delivery);
  }
  const count = (status: Delivery['status']) => deliveries.filter((d) => d.status === status).length;
  return { day, channel, dryRun, deliveries, nothingDue, sent: count('sent'), skipped: count('skipped'), failed: count('failed') };
}

async function deliver(ctx: AppContext, principal: Principal, digest: Digest, user: User, channel: Channel, mailer: Mailer | null): Promise<Pick<Delivery, 'status' | 'note'>> {
  try {
    return await unitOfWork(ctx, async (trx) => {
      const claimed = await repo.claimDelivery(trx, { user_id: user.id, day: digest.day, channel, item_count: digest.count, created_at: ctx.clock().toISOString() });
      // Another run (the daily job, the CLI, a second server) got there first.
      if (!claimed) return { status: 'skipped' as const, note: `already had the ${digest.day} digest` };
      if (mailer) await mailer.send(digestEmail(digest, user, ctx.config));
      await recordActivity(ctx, trx, principal, {
        action: 'reminders.sent',
        subjectType: 'user',
        subjectId: user.id,
        details: { day: digest.day, channel, items: digest.count, overdue: digest.overdueCount },
      });
      return { status: 'sent' as const, note: null };
    });
  } catch (err) {
    if (!(err instanceof MailError)) throw err;
    ctx.logger.warn({ userId: user.id, err: err.message }, 'reminder e-mail not sent');
    return { status: 'failed', note: err.message };
  }
}

/** How many digests went out today, per channel (for the admins' part of /reminders). */
export async function deliveriesToday(ctx: AppContext, principal: Principal): Promise<{ channel: Channel; digests: number; items: number }[]> {
  authorize(principal, 'reminders.send');
  const rows = await repo.deliveriesOn(ctx.db, today(ctx.clock));
  return rows.map((r) => ({ channel: r.channel, digests: Number(r.digests), items: Number(r.items ?? 0) }));
}
