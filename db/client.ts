import { closeSync, fdatasync, fdatasyncSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import * as schema from './schema/index.js';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
/** What repositories run queries on: the database itself or a transaction of it. */
export type Tx = BaseSQLiteDatabase<'sync', Database.RunResult, typeof schema>;

export const migrationsFolder = resolve(dirname(fileURLToPath(import.meta.url)), 'migrations');

/**
 * Opens the SQLite file with the settings every HCRM database needs: WAL so readers never wait for the writer,
 * synchronous=FULL so a committed booking, consent or audit row survives power loss, foreign keys enforced,
 * and a busy timeout so a second writer waits instead of failing at once.
 */
export function openDatabase(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('cache_size = -65536');
  sqlite.pragma('temp_store = MEMORY');
  return drizzle(sqlite, { schema }) as Db;
}

const pointReaders = new WeakMap<Db, Db>();

/**
 * A read-only second connection to the same file with a page cache of a few pages, for the point reads made on every
 * request between other connections' commits (the patient file cache's freshness check). SQLite empties a
 * connection's whole page cache at its next read once another connection has committed: on the service's 64 MB cache,
 * with the audit writer committing all the time, that emptying cost more than the read itself. In memory, the
 * database itself.
 */
export function pointReadsOf(db: Db): Db {
  if (db.$client.memory) return db;
  let reader = pointReaders.get(db);
  if (!reader) {
    const sqlite = new Database(db.$client.name, { readonly: true, fileMustExist: true });
    sqlite.pragma('cache_size = 16');
    sqlite.pragma('busy_timeout = 5000');
    pointReaders.set(db, (reader = drizzle(sqlite, { schema }) as Db));
  }
  return reader;
}

/** Closes the database, and its point-read connection if one was opened. */
export function closeDatabase(db: Db): void {
  pointReaders.get(db)?.$client.close();
  pointReaders.delete(db);
  db.$client.close();
}

/**
 * Runs `work` (a transaction) on this connection with synchronous=NORMAL and no automatic checkpoint, then puts
 * back what every other transaction relies on: synchronous=FULL and the default checkpoint. The commit reaches the
 * WAL (and the operating system) at once but waits for no fsync; the caller forces the WAL to stable storage later
 * (walSyncOf). Used for read audit rows when they are written on the service's connection (src/modules/audit/
 * audit.reads.ts: scripts, a database in memory, a failed writer worker); the service writes them from a worker.
 */
export function withDeferredSync<T>(db: Db, work: () => T): T {
  statement(db, 'PRAGMA synchronous = NORMAL').run();
  statement(db, 'PRAGMA wal_autocheckpoint = 0').run();
  try {
    return work();
  } finally {
    statement(db, 'PRAGMA synchronous = FULL').run();
    statement(db, `PRAGMA wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`).run();
  }
}

/** SQLite's default: a commit that leaves the WAL longer than this many pages checkpoints it. */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;

export interface WalSync {
  /** fdatasync of the WAL file on libuv's thread pool: every frame written before the call is on stable storage after. */
  sync(): Promise<void>;
  /** The same, blocking (shutdown). */
  syncNow(): void;
  close(): void;
}

/**
 * Forcing a WAL-mode database's committed frames to disk without a checkpoint: SQLite writes a commit's frames to the
 * WAL with write() at once, so an fdatasync of that file (the inode, whichever descriptor wrote it) makes them
 * durable. The WAL file lives as long as any connection is open, and this connection stays open while it is used.
 */
export function walSyncOf(db: Db): WalSync {
  let fd: number | undefined;
  const descriptor = (): number => (fd ??= openSync(`${db.$client.name}-wal`, 'r'));
  return {
    sync: () => new Promise<void>((resolve, reject) => fdatasync(descriptor(), (error) => (error ? reject(error) : resolve()))),
    syncNow: () => fdatasyncSync(descriptor()),
    close: () => {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

export function migrateDatabase(db: Db): void {
  migrate(db, { migrationsFolder });
}

/** Migrations in the folder against those recorded as applied; `current` is what /health reports. */
export function migrationStatus(db: Db): { applied: number; expected: number; current: boolean } {
  const journal = readJournal();
  const expected = journal.entries.length;
  let applied = 0;
  try {
    const row = db.$client.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number };
    applied = row.n;
  } catch {
    applied = 0;
  }
  return { applied, expected, current: applied === expected };
}

let journalCache: { entries: unknown[] } | undefined;
function readJournal(): { entries: unknown[] } {
  journalCache ??= JSON.parse(readFileSync(resolve(migrationsFolder, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] };
  return journalCache;
}

const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/**
 * A prepared statement cached per connection. Hot write paths (patient inserts, audit rows) use it instead of
 * building the query with drizzle on every call, which costs more than SQLite's own work there. It runs on the
 * same connection, so inside a transaction it is part of that transaction.
 */
export function statement(tx: Tx, source: string): Database.Statement {
  const client = connectionOf(tx);
  let cache = statements.get(client);
  if (!cache) statements.set(client, (cache = new Map()));
  let prepared = cache.get(source);
  if (!prepared) cache.set(source, (prepared = client.prepare(source)));
  return prepared;
}

const queries = new WeakMap<Database.Database, Map<string, unknown>>();

/**
 * A drizzle query prepared once per connection and run with placeholders: for hot reads that want drizzle's row
 * mapping (JSON and boolean columns) without rebuilding and re-preparing the SQL on every request.
 */
export function prepared<Q>(tx: Tx, name: string, build: (tx: Tx) => Q): Q {
  const client = connectionOf(tx);
  let cache = queries.get(client);
  if (!cache) queries.set(client, (cache = new Map()));
  let query = cache.get(name) as Q | undefined;
  if (query === undefined) cache.set(name, (query = build(tx)));
  return query;
}

// drizzle exposes the connection as `$client` on the database but not on a transaction; both keep it on their
// session. Checked here, so a drizzle upgrade that moves it fails loudly at the first query, not silently.
function connectionOf(tx: Tx): Database.Database {
  const client = ('$client' in tx ? tx.$client : (tx as unknown as { session?: { client?: unknown } }).session?.client) as Database.Database | undefined;
  if (!client || typeof client.prepare !== 'function') throw new Error('statement(): cannot find the better-sqlite3 connection behind this drizzle handle');
  return client;
}
