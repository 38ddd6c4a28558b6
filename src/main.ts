import type { Server } from 'node:http';
import { createApp } from './app.ts';
import { ensureInitialAdmin } from './auth/users.service.ts';
import { loadLibraryIfEmpty, openContext } from './bootstrap.ts';
import type { Config } from './config.ts';
import { systemPrincipal } from './auth/principal.ts';
import { describeDatabase } from './db/database.ts';
import type { Logger } from './logger.ts';
import { startJobs, stopJobs } from './jobs/queue.ts';
import { startDailyReminders } from './reminders/reminders.scheduler.ts';

const SHUTDOWN_GRACE_MS = 10_000;

/** Starts the web app: migrate, create the first admin if needed, listen, stop cleanly on SIGTERM. */
export async function serve(config: Config, logger: Logger): Promise<Server> {
  const ctx = await openContext(config, logger);
  const admin = await ensureInitialAdmin(ctx, systemPrincipal);
  if (admin) printInitialAdmin(admin);
  await loadLibraryIfEmpty(ctx);
  const { app } = await createApp(ctx);
  const server = app.listen(config.port, config.host);
  // The handlers are in place before anything is logged: a supervisor (or a test) that stops the
  // server as soon as it says it is up must find them, or the signal's default action kills it.
  let dailyReminders: ReturnType<typeof startDailyReminders> = null;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    dailyReminders?.stop();
    const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
    server.close(async () => {
      clearTimeout(force);
      await stopJobs(ctx);
      await ctx.pdf.close();
      await ctx.database.close();
      logger.info('stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ database: describeDatabase(config.databaseUrl) }, `Attest is running at http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`);
  // The job worker: takes jobs left queued at once (and, on SQLite, fails those a stopped server left running).
  await startJobs(ctx);
  // REMINDERS_DAILY_AT: the digest goes out once a day by itself; stopped on shutdown.
  if (!stopping) dailyReminders = startDailyReminders(ctx);
  return server;
}

function printInitialAdmin(admin: { email: string; password: string }): void {
  const lines = [
    'First start: an administrator account was created.',
    `  email:    ${admin.email}`,
    `  password: ${admin.password}`,
    'This password is shown only once; you will be asked to change it at first sign-in.',
  ];
  const width = Math.max(...lines.map((l) => l.length)) + 2;
  const bar = '─'.repeat(width);
  process.stdout.write(`\n┌${bar}┐\n${lines.map((l) => `│ ${l.padEnd(width - 1)}│`).join('\n')}\n└${bar}┘\n\n`);
}

/**
 * A worker and nothing else (PostgreSQL): takes queued imports and report builds from the shared
 * queue, for app servers started with JOBS_WORKER=false or to add hands; stops on SIGTERM after
 * the jobs it holds are done.
 */
export async function work(config: Config, logger: Logger): Promise<void> {
  const ctx = await openContext({ ...config, jobsWorker: true }, logger);
  if (ctx.dialect !== 'postgres') {
    await ctx.database.close();
    throw new Error('A separate worker is for PostgreSQL: on SQLite the one server runs its own jobs.');
  }
  // Listening for the signal before saying so: see serve().
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  await startJobs(ctx);
  logger.info({ database: describeDatabase(config.databaseUrl) }, 'Attest worker is taking jobs');
  await stopped;
  logger.info('worker stopping after its current jobs');
  await stopJobs(ctx);
  await ctx.pdf.close();
  await ctx.database.close();
}
