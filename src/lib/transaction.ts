import type { Tx } from '../../db/client.js';
import type { ServiceContext } from './context.js';

const BUSY_RETRIES = 5;

/**
 * The one place a transaction begins. On SQLite the callback is synchronous (better-sqlite3 throws if it returns
 * a promise), so nothing slow or remote happens inside: messages go to the outbox and are sent after commit.
 * BEGIN IMMEDIATE takes the write lock up front, so the audit chain and capacity checks see a stable database;
 * SQLITE_BUSY is retried around the whole transaction, never inside it.
 */
export function inTransaction<T>(ctx: Pick<ServiceContext, 'db'>, work: (tx: Tx) => T): T {
  for (let attempt = 0; ; attempt++) {
    try {
      return ctx.db.transaction(synchronous(work), { behavior: 'immediate' });
    } catch (error) {
      if (attempt < BUSY_RETRIES && isBusy(error)) continue;
      throw error;
    }
  }
}

/**
 * A consistent snapshot for reads that change nothing: a deferred transaction takes no write lock, so reads run
 * beside the writer (WAL). Their audit rows go through the audit module's read journal after the snapshot.
 */
export function inReadSnapshot<T>(ctx: Pick<ServiceContext, 'db'>, work: (tx: Tx) => T): T {
  return ctx.db.transaction(synchronous(work), { behavior: 'deferred' });
}

/** better-sqlite3 would commit before a promise settles; refuse an async callback instead of half-applying it. */
function synchronous<T>(work: (tx: Tx) => T): (tx: Tx) => T {
  return (tx) => {
    const result = work(tx);
    if (result instanceof Promise) throw new Error('a transaction callback must be synchronous');
    return result;
  };
}

function isBusy(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && (error as { code: unknown }).code === 'SQLITE_BUSY';
}
