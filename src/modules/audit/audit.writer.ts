import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { auditWriterStatements } from './audit.repository.js';

/** Per row: written (false: replay found it in the log already), or the error its own transaction met. */
export type AppendOutcome = { written: boolean } | { error: string };

/**
 * What replaying the read journal files of an earlier run did: rows added to the log (rows it held already are
 * skipped), lines that are no row, and rows the log refused, which keep their files for the next start.
 */
export interface ReplaySummary {
  paths: string[];
  added: number;
  unreadable: number;
  refused: number;
}

export interface AuditWriterOptions {
  /** true: each commit waits for its fsync (synchronous=FULL); false: the caller syncs the WAL later. */
  durable: boolean;
  /** How often rows written since the last run are added to the indexes by patient, actor and time. */
  indexEveryMs: number;
  /** Read journal files of an earlier run (read-journal-file.ts), replayed before any row is appended. */
  replay: string[];
  onReplayed: (summary: ReplaySummary) => void;
}

// Plain CommonJS, evaluated by the worker: the driver's path and the SQL come in workerData, so it works under tsx,
// vitest and node, and the SQL stays with the repository that owns the tables. The hash is audit.service.ts's
// chainHash: sha256 of the previous hash, a newline and the row's canonical content (verifyAuditChain checks it).
const WORKER_SOURCE = `
const { parentPort, receiveMessageOnPort, workerData } = require('node:worker_threads');
const { hash } = require('node:crypto');
const Database = require(workerData.driver);
const sql = workerData.sql;
// Linux: this thread yields to the event loop when both want a core (nice +10, this thread alone): woken for every
// batch, it otherwise preempts the event loop that has just woken it. The gain measured was small, within noise.
try {
  require('node:os').setPriority(Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop()), workerData.nice);
} catch {}
const db = new Database(workerData.path);
db.pragma('synchronous = ' + (workerData.durable ? 'FULL' : 'NORMAL'));
db.pragma('wal_autocheckpoint = 0');
db.pragma('busy_timeout = 5000');
// The pages the writer returns to on every commit and index chunk: the log's last pages and each index's newest
// segment (about 200 leaf pages apiece).
db.pragma('cache_size = -32768');
const lastHash = db.prepare(sql.lastHash).pluck();
const insert = db.prepare(sql.insert);
const logged = db.prepare(sql.logged).pluck();
// Each row is its canonical content; in replay, a row whose id the log already holds was logged before the stop.
const appendAll = db.transaction((rows, replaying) => {
  let prev = lastHash.get() ?? sql.genesis;
  return rows.map((canonical) => {
    const values = JSON.parse(canonical);
    if (replaying && logged.get(values[0]) !== undefined) return { written: false };
    const next = hash('sha256', prev + '\\n' + canonical, 'hex');
    insert.run(...values, prev, next);
    prev = next;
    return { written: true };
  });
});
// The journal files of a run that stopped: each line a row it answered a read for; a line cut short by a crash
// mid-write was never answered for. A line that is not a row is counted, not guessed at.
const replay = (paths) => {
  const { readFileSync } = require('node:fs');
  let added = 0;
  let unreadable = 0;
  let refused = 0;
  for (const path of paths) {
    const lines = readFileSync(path, 'utf8').split(String.fromCharCode(10));
    lines.pop();
    const rows = lines.filter((line) => {
      try {
        const values = JSON.parse(line);
        if (Array.isArray(values) && values.length === sql.rowWidth) return true;
      } catch {}
      unreadable++;
      return false;
    });
    for (let at = 0; at < rows.length; at += 1000) {
      const chunk = rows.slice(at, at + 1000);
      try {
        added += appendAll.immediate(chunk, true).filter((outcome) => outcome.written).length;
      } catch {
        // As in append: one row the log refuses fails only itself, and keeps its file for the next start.
        for (const row of chunk) {
          try {
            added += appendAll.immediate([row], true)[0].written ? 1 : 0;
          } catch {
            refused++;
          }
        }
      }
    }
  }
  return { paths, added, unreadable, refused };
};
const messageOf = (error) => String(error && error.message ? error.message : error);
const append = (rows, attempt = 1) => {
  try {
    return appendAll.immediate(rows);
  } catch (error) {
    // Waiting for the write lock is no row's fault: the batch is tried again whole, then fails whole.
    if (error && error.code === 'SQLITE_BUSY') return attempt < 3 ? append(rows, attempt + 1) : rows.map(() => ({ error: messageOf(error) }));
    // One bad row fails only itself: each is tried again in a transaction of its own.
    return rows.map((row) => {
      try {
        return appendAll.immediate([row])[0];
      } catch (error) {
        return { error: messageOf(error) };
      }
    });
  }
};
const indexedThrough = db.prepare(sql.indexedThrough).pluck();
const lastSeq = db.prepare(sql.lastSeq).pluck();
const indexes = sql.indexes.map((text) => db.prepare(text));
const setIndexedThrough = db.prepare(sql.setIndexedThrough);
const indexChunk = db.transaction(() => {
  const from = indexedThrough.get();
  const to = Math.min(lastSeq.get() ?? 0, from + workerData.indexChunk);
  if (to <= from) return false;
  for (const index of indexes) index.run(from, to);
  setIndexedThrough.run(to);
  return to === from + workerData.indexChunk;
});
// A run indexes every row committed before it starts; an ask that comes during a run is answered by the next one.
let indexing = false;
let again = false;
let asked = [];
const indexAll = () => {
  if (indexing) return void (again = true);
  indexing = true;
  const answering = asked;
  asked = [];
  let failure = null;
  const step = () => {
    let more = false;
    try {
      more = indexChunk.immediate();
    } catch (error) {
      failure = messageOf(error);
    }
    // Between chunks the appends waiting in the queue go first.
    if (more) return void setImmediate(step);
    indexing = false;
    if (answering.length > 0) parentPort.postMessage({ kind: 'indexed', ids: answering, error: failure });
    if (again) {
      again = false;
      indexAll();
    }
  };
  step();
};
if (workerData.replay.length > 0) parentPort.postMessage({ kind: 'replayed', summary: replay(workerData.replay) });
const timer = setInterval(indexAll, workerData.indexEveryMs);
indexAll();
const handle = (message) => {
  if (message.kind === 'index') {
    asked.push(message.id);
    return indexAll();
  }
  if (message.kind !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
};
parentPort.on('message', (message) => {
  if (message.kind !== 'append') return handle(message);
  // Every batch already waiting joins this one: one transaction and one commit for all of them.
  const batches = [message];
  let other;
  for (let queued = receiveMessageOnPort(parentPort); queued; queued = receiveMessageOnPort(parentPort)) {
    if (queued.message.kind !== 'append') {
      other = queued.message;
      break;
    }
    batches.push(queued.message);
  }
  const outcomes = append(batches.length === 1 ? message.rows : batches.flatMap((b) => b.rows));
  let at = 0;
  parentPort.postMessage({ kind: 'appended', batches: batches.map((b) => ({ id: b.id, outcomes: outcomes.slice(at, (at += b.rows.length)) })) });
  if (other) handle(other);
});
`;

/** How much lower than the event loop the writer thread runs (see the worker's source). */
const WRITER_NICE = 10;

/** Rows indexed per transaction: a few milliseconds of work, so a change waiting for the write lock waits little. */
const INDEX_CHUNK_ROWS = 2048;

/**
 * Appends audit rows from a worker thread with its own connection, so that their inserts, hashing and commit run
 * beside the event loop instead of on it. Rows are appended in the order asked, each batch in one transaction;
 * the same worker adds them to the indexes by patient, actor and time in sorted chunks (see findAuditRows), and at
 * start replays the read journal files an earlier run left (read-journal-file.ts).
 */
export class AuditWriter {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private failure: Error | null = null;
  private asked = 0;
  private readonly appending = new Map<number, { resolve: (outcomes: AppendOutcome[]) => void; reject: (error: Error) => void }>();
  private readonly indexing = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  private readonly onReplayed: (summary: ReplaySummary) => void;

  constructor(path: string, options: AuditWriterOptions) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const workerData = { path, driver, nice: WRITER_NICE, durable: options.durable, indexEveryMs: options.indexEveryMs, indexChunk: INDEX_CHUNK_ROWS, replay: options.replay, sql: auditWriterStatements() };
    this.onReplayed = options.onReplayed;
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
    this.worker.unref();
    this.exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.on('error', (error) => this.fail(error));
    void this.exited.then(() => this.fail(new Error('the audit writer has stopped')));
    this.worker.on('message', (message: WorkerMessage) => this.receive(message));
  }

  /**
   * Appends the rows in one transaction (each alone if that fails), with any other batches the worker finds waiting
   * when it starts on this one; resolves once they are committed. Batches are appended in the order asked.
   */
  append(rows: string[]): Promise<AppendOutcome[]> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      const id = this.track(this.appending, { resolve, reject });
      this.worker.postMessage({ kind: 'append', id, rows });
    });
  }

  /** Indexes every row committed so far by patient, actor and time now, instead of at the next interval. */
  indexNow(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      const id = this.track(this.indexing, { resolve, reject });
      this.worker.postMessage({ kind: 'index', id });
    });
  }

  async stop(): Promise<void> {
    if (!this.failure) {
      this.worker.ref();
      this.worker.postMessage({ kind: 'stop' });
    }
    await this.exited;
  }

  /**
   * Unref'd, the worker never holds a running service open; while someone awaits it, it must, or a process with
   * nothing else left to run quits mid-await (exit code 13).
   */
  private track<T>(waiting: Map<number, T>, waiter: T): number {
    const id = ++this.asked;
    if (this.appending.size + this.indexing.size === 0) this.worker.ref();
    waiting.set(id, waiter);
    return id;
  }

  private answered<T>(waiting: Map<number, T>, id: number): T | undefined {
    const waiter = waiting.get(id);
    waiting.delete(id);
    if (this.appending.size + this.indexing.size === 0) this.worker.unref();
    return waiter;
  }

  private receive(message: WorkerMessage): void {
    if (message.kind === 'replayed') {
      this.onReplayed(message.summary);
    } else if (message.kind === 'appended') {
      for (const { id, outcomes } of message.batches) this.answered(this.appending, id)?.resolve(outcomes);
    } else {
      for (const id of message.ids) {
        const waiter = this.answered(this.indexing, id);
        if (message.error === null) waiter?.resolve();
        else waiter?.reject(new Error(`indexing the audit log failed: ${message.error}`));
      }
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of [...this.appending.values(), ...this.indexing.values()]) waiter.reject(this.failure);
    this.appending.clear();
    this.indexing.clear();
  }
}

type WorkerMessage =
  | { kind: 'appended'; batches: { id: number; outcomes: AppendOutcome[] }[] }
  | { kind: 'indexed'; ids: number[]; error: string | null }
  | { kind: 'replayed'; summary: ReplaySummary };
