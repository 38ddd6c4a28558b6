import type { Migration } from 'kysely';
import * as foundation from './2026_11_21_0001_foundation.ts';

/** Every migration, by name. Names sort by date; never rename or edit a released one. */
export const migrations: Record<string, Migration> = {
  '2026_11_21_0001_foundation': foundation,
};
