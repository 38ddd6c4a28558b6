import type { Kysely, Transaction } from 'kysely';
import type { AppContext } from '../context.ts';
import type { DB } from './schema.ts';

/**
 * One unit of work: runs `work` inside the caller's transaction when `ctx.db` already is one, and
 * opens a transaction otherwise. Services call this instead of `db.transaction()`, so two services
 * can take part in one change (an audit and its requests, a user and their tokens) and roll back
 * together. To compose, open one transaction and hand each service `inTransaction(ctx, trx)`.
 */
export async function unitOfWork<T>(ctx: Pick<AppContext, 'db'>, work: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  if (ctx.db.isTransaction) return work(ctx.db as Transaction<DB>);
  return ctx.db.transaction().execute(work);
}

/** The same context, with every query going through `trx`. */
export function inTransaction<C extends { db: Kysely<DB> }>(ctx: C, trx: Transaction<DB>): C {
  return { ...ctx, db: trx };
}
