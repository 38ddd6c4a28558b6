import { sql, type Expression, type SqlBool } from 'kysely';

/**
 * Case-insensitive "contains" over one or more columns, the same on SQLite and PostgreSQL
 * (`lower(col) like … escape '\'`). `%` and `_` typed by a user match themselves. Column names
 * come from code, never from input.
 */
export function containsText(text: string, columns: string[]): Expression<SqlBool> {
  const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const parts = columns.map((column) => sql<SqlBool>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`);
  return sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
}
