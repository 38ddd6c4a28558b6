import { sql, type Kysely } from 'kysely';
import { isPostgres } from './portable.ts';

// Frozen: never edit after release; add a new migration instead.
// The database refuses values outside each closed set, whatever writes to it. PostgreSQL gets CHECK
// constraints; SQLite cannot add a constraint to an existing table, so it gets triggers that abort
// the same inserts and updates. The lists are written out here (migrations import no app code).
const checks: { table: string; column: string; values: readonly (string | number)[] }[] = [
  { table: 'users', column: 'role', values: ['admin', 'grc', 'auditor', 'customer_compliance', 'viewer'] },
  { table: 'users', column: 'must_change_password', values: [0, 1] },
  { table: 'controls', column: 'frequency', values: ['continuous', 'monthly', 'quarterly', 'semi-annual', 'annual'] },
  { table: 'controls', column: 'status', values: ['implemented', 'partially_implemented', 'planned', 'not_implemented'] },
  { table: 'controls', column: 'applicable', values: [0, 1] },
  { table: 'controls', column: 'app_edited', values: [0, 1] },
  { table: 'requirements', column: 'assessable', values: [0, 1] },
  { table: 'mappings', column: 'relationship', values: ['equal', 'superset', 'subset', 'intersect'] },
  { table: 'evidence', column: 'kind', values: ['document', 'screenshot', 'export', 'link', 'ticket', 'automated_check'] },
  { table: 'evidence', column: 'status', values: ['submitted', 'accepted', 'rejected'] },
  { table: 'evidence', column: 'shareable', values: [0, 1] },
];

const name = (c: { table: string; column: string }) => `${c.table}_${c.column}_check`;
const list = (values: readonly (string | number)[]) => sql.join(values.map((v) => sql.lit(v)));

export async function up(db: Kysely<any>): Promise<void> {
  for (const c of checks) {
    if (isPostgres(db)) {
      await sql`alter table ${sql.table(c.table)} add constraint ${sql.id(name(c))} check (${sql.ref(c.column)} in (${list(c.values)}))`.execute(db);
      continue;
    }
    for (const event of ['insert', 'update'] as const) {
      const on = event === 'insert' ? sql`before insert on ${sql.table(c.table)}` : sql`before update of ${sql.ref(c.column)} on ${sql.table(c.table)}`;
      const message = sql.lit(`${c.table}.${c.column} must be one of ${c.values.join(', ')}`);
      await sql`create trigger ${sql.id(`${name(c)}_${event}`)} ${on} when new.${sql.ref(c.column)} not in (${list(c.values)}) begin select raise(abort, ${message}); end`.execute(
        db,
      );
    }
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const c of checks) {
    if (isPostgres(db)) await sql`alter table ${sql.table(c.table)} drop constraint if exists ${sql.id(name(c))}`.execute(db);
    else for (const event of ['insert', 'update']) await sql`drop trigger if exists ${sql.id(`${name(c)}_${event}`)}`.execute(db);
  }
}
