import type { Config } from './config.ts';
import { systemClock, type AppContext, type Clock } from './context.ts';
import { openDatabase } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import type { Logger } from './logger.ts';

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
  return { db: database.db, dialect: database.dialect, database, config, logger, clock };
}
