import type Database from 'better-sqlite3';
import type { Db, Tx } from '../../db/client.js';
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
      const { tx, run } = runnerOf(ctx.db);
      return run.immediate(handleOf(tx), synchronous(work)) as T;
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
  const { tx, run } = runnerOf(ctx.db);
  return run.deferred(handleOf(tx), synchronous(work)) as T;
}

interface Runner {
  tx: Tx;
  run: Database.Transaction<(tx: Tx, work: (tx: Tx) => unknown) => unknown>;
}

const runners = new WeakMap<Db, Runner>();

/**
 * drizzle makes a new transaction object for every transaction, and with it a query builder for every table of the
 * schema (84 today): some 30 µs each time in a profile of patient reads, as much as a read's share of its audit commit. The object holds nothing of its
 * transaction (ours are synchronous, one at a time on a connection), so the one from the connection's first
 * transaction serves every later one, run by better-sqlite3's own transaction function (savepoints when nested).
 */
function runnerOf(db: Db): Runner {
  let runner = runners.get(db);
  if (!runner) {
    const tx = db.transaction((first) => first);
    runners.set(db, (runner = { tx, run: db.$client.transaction((t: Tx, work: (tx: Tx) => unknown) => work(t)) }));
  }
  return runner;
}

/**
 * Each transaction still gets a handle of its own, inheriting everything from the kept one: a handle names its
 * transaction (the patient index knows it has caught up in this transaction by its handle).
 */
function handleOf(tx: Tx): Tx {
  return Object.create(tx) as Tx;
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
