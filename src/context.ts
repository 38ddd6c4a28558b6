import type { Kysely } from 'kysely';
import type { Config } from './config.ts';
import type { Database, DialectName } from './db/database.ts';
import type { DB } from './db/schema.ts';
import type { Logger } from './logger.ts';
import type { PdfEngine } from './reports/pdf.ts';

/** The clock is injected so tests can fix "now" and coverage can be asked for any day. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** What every service and route needs, built once per process (or per test). */
export interface AppContext {
  db: Kysely<DB>;
  dialect: DialectName;
  database: Database;
  config: Config;
  logger: Logger;
  clock: Clock;
  /** Renders PDFs; one browser per context, launched on first use. */
  pdf: PdfEngine;
}

/** Who did something, and from where: recorded with every activity. */
export interface Actor {
  userId: number | null;
  label: string;
  ip: string | null;
  userAgent: string | null;
}
