import type { Config } from './config.ts';
import { systemClock, type AppContext, type Clock } from './context.ts';
import { openDatabase } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import type { Logger } from './logger.ts';
import { PdfEngine } from './reports/pdf.ts';

/** Opens the database named by the config, brings it to the latest schema and builds the context. */
export async function openContext(config: Config, logger: Logger, clock: Clock = systemClock): Promise<AppContext> {
  const database = openDatabase(config.databaseUrl);
  try {
    const { applied } = await migrateToLatest(database.db);
    if (applied.length) logger.info({ applied }, 'database migrated');
  } catch (err) {
    await database.close();
    throw err;
  }
  return { db: database.db, dialect: database.dialect, database, config, logger, clock, pdf: new PdfEngine(config.browserPath) };
}

/**
 * What a new database gets on first use, from the server or any command that reads the catalog:
 * the shipped frameworks and control library, so coverage and crosswalks answer at once.
 */
export async function loadLibraryIfEmpty(ctx: AppContext): Promise<void> {
  const { hasFrameworks } = await import('./frameworks/frameworks.repository.ts');
  if (await hasFrameworks(ctx.db)) return;
  const [{ readLibraryFiles }, { loadLibrary }, { systemPrincipal }] = await Promise.all([
    import('./controls/library.files.ts'),
    import('./controls/library.load.ts'),
    import('./auth/principal.ts'),
  ]);
  try {
    const report = await loadLibrary(ctx, systemPrincipal, readLibraryFiles(), { overwrite: false });
    ctx.logger.info({ frameworks: report.frameworks.length, controls: report.controls.added.length }, 'loaded the shipped control library into the new database');
  } catch (err) {
    ctx.logger.error({ err }, 'could not load the shipped control library; run `attest controls check`');
  }
}
