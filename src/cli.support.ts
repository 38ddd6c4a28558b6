import { loadConfig, type Config } from './config.ts';
import type { AppContext } from './context.ts';
import { isAppError } from './http/errors.ts';
import { createLogger, type Logger } from './logger.ts';

// Shared by every `attest` command. Heavy modules (database drivers, services) are imported inside
// the command actions, so `attest --help` and `attest browser ensure` (run by `npm install`) stay fast.

export function setup(): { config: Config; logger: Logger } {
  const config = loadConfig();
  return { config, logger: createLogger(config.logLevel) };
}

/** Prints a message for the user on stderr and exits 2 (bad usage or input). */
export function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

/**
 * Opens the configured database (migrated), runs `work`, and closes it. Invalid input found by a
 * service is reported against the command-line option of the same name (`as_of` → `--as-of`) with
 * exit 2; other failures (a conflict, say) reach the top level and exit 1.
 */
export async function withContext<T>(work: (ctx: AppContext) => Promise<T>, options: { firstStart?: boolean } = {}): Promise<T> {
  const { config, logger } = setup();
  const { openContext, loadLibraryIfEmpty } = await import('./bootstrap.ts');
  const ctx = await openContext(config, logger);
  try {
    // Commands that read the catalog find on a new database what the server would have loaded.
    if (options.firstStart ?? true) await loadLibraryIfEmpty(ctx);
    return await work(ctx);
  } catch (err) {
    if (isAppError(err) && err.code === 'validation_failed' && err.fields.length) fail(err.fields.map((f) => `--${f.field.replace(/_/g, '-')}: ${f.message}`).join('\n'));
    throw err;
  } finally {
    await ctx.pdf.close();
    await ctx.database.close();
  }
}

/** Writes JSON to stdout, the only thing that goes there. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** withContext for maintenance commands (migrate, load, export, backup, users, activity): they work on the database as it is. */
export function withDatabaseAsIs<T>(work: (ctx: AppContext) => Promise<T>): Promise<T> {
  return withContext(work, { firstStart: false });
}
