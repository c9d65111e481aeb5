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
      return ctx.db.transaction((tx) => {
        const result = work(tx);
        if (result instanceof Promise) throw new Error('inTransaction: the callback must be synchronous');
        return result;
      }, { behavior: 'immediate' });
    } catch (error) {
      if (attempt < BUSY_RETRIES && isBusy(error)) continue;
      throw error;
    }
  }
}

function isBusy(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && (error as { code: unknown }).code === 'SQLITE_BUSY';
}
