import type { Kysely } from 'kysely';

// Frozen: never edit after release; add a new migration instead.
// Evidence a GRC user has marked shareable may be seen and downloaded by customer-compliance staff
// (to send to customers); everything else stays internal. 0 = internal, 1 = shareable.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('evidence')
    .addColumn('shareable', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('evidence').dropColumn('shareable').execute();
}
