import { systemPrincipal } from '../auth/principal.ts';
import type { AppContext, Clock } from '../context.ts';
import type { Logger } from '../logger.ts';
import { createMailer } from './mailer.ts';
import { sendDigests } from './reminders.service.ts';

/** The timer functions the scheduler uses; tests hand in their own. */
export interface Timers {
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

// Unref'd: a pending reminder never keeps the process alive on its own.
const nodeTimers: Timers = {
  set: (run, ms) => setTimeout(run, ms).unref(),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface DailyJob {
  /** When the next run is due, or null once stopped. */
  nextRunAt(): Date | null;
  stop(): void;
}

/** The first instant at `at` (HH:MM, UTC) strictly after `after`. */
export function nextOccurrence(after: Date, at: string): Date {
  const [hours, minutes] = at.split(':').map(Number) as [number, number];
  const slot = new Date(Date.UTC(after.getUTCFullYear(), after.getUTCMonth(), after.getUTCDate(), hours, minutes));
  if (slot.getTime() <= after.getTime()) slot.setUTCDate(slot.getUTCDate() + 1);
  return slot;
}

/**
 * Runs `run` every day at `at` (UTC): one timer, armed for the next slot by the injected clock and
 * re-armed when the run ends, so runs never overlap. The next slot is counted from the later of now
 * and the slot just run, so a timer that fires a little early does not run twice. A failed run is
 * logged; the next day's still comes.
 */
export function scheduleDaily(options: { at: string; clock: Clock; logger: Logger; run: () => Promise<void>; timers?: Timers }): DailyJob {
  const timers = options.timers ?? nodeTimers;
  let handle: unknown = null;
  let next: Date | null = null;
  let stopped = false;

  const arm = (after: Date) => {
    if (stopped) return;
    const slot = nextOccurrence(after, options.at);
    next = slot;
    handle = timers.set(() => void fire(slot), Math.max(0, slot.getTime() - options.clock().getTime()));
  };

  const fire = async (slot: Date) => {
    handle = null;
    try {
      await options.run();
    } catch (err) {
      options.logger.error({ err }, 'the daily reminder run failed');
    }
    const now = options.clock();
    arm(now.getTime() > slot.getTime() ? now : slot);
  };

  arm(options.clock());
  return {
    nextRunAt: () => next,
    stop() {
      stopped = true;
      next = null;
      if (handle !== null) timers.clear(handle);
      handle = null;
    },
  };
}

/** The server's daily digest (REMINDERS_DAILY_AT), sent as the system; null when not configured. */
export function startDailyReminders(ctx: AppContext, timers?: Timers): DailyJob | null {
  const at = ctx.config.reminders.dailyAt;
  if (!at) return null;
  const job = scheduleDaily({
    at,
    clock: ctx.clock,
    logger: ctx.logger,
    timers,
    run: async () => {
      const mailer = createMailer(ctx.config);
      try {
        const report = await sendDigests(ctx, systemPrincipal, { mailer });
        // Counts and ids only: the log is no place for everyone's addresses.
        const failedUserIds = report.deliveries.filter((d) => d.status === 'failed').map((d) => d.userId);
        ctx.logger.info(
          { day: report.day, channel: report.channel, sent: report.sent, skipped: report.skipped, nothingDue: report.nothingDue, failedUserIds },
          'daily reminders sent',
        );
      } finally {
        mailer?.close();
      }
    },
  });
  ctx.logger.info({ at: `${at} UTC`, next: job.nextRunAt()?.toISOString() }, 'daily reminders scheduled');
  return job;
}
