import { PostgresAdapter, type CreateTableBuilder, type Kysely } from 'kysely';

// Helpers shared by migrations so one set runs on SQLite and PostgreSQL.
// Like the migrations themselves, this file must not import application code.

export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** An auto-incrementing integer primary key named `id`. */
export function idColumn<T extends string>(table: CreateTableBuilder<T, never>, pgsql: boolean): CreateTableBuilder<T, 'id'> {
  return pgsql ? table.addColumn('id', 'serial', (c) => c.primaryKey()) : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}
