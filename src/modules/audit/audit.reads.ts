import { statement, walSyncOf, withDeferredSync, type Db, type Tx, type WalSync } from '../../../db/client.js';
import { startWalCheckpointer, type WalCheckpointer } from '../../../db/wal-checkpointer.js';
import type { ServiceContext } from '../../lib/context.js';
import { inTransaction } from '../../lib/transaction.js';
import { appendChained, auditContent, canonicalContent, type AuditContent, type AuditEvent, type StoredValueCheck } from './audit.service.js';
import { AuditWriter, type AppendOutcome } from './audit.writer.js';

/** How the forced sync is scheduled; tests pass one they fire by hand. */
export interface SyncTimer {
  /** `run` resolves when the sync it starts is done. */
  set(run: () => Promise<void>, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface ReadAuditOptions {
  /**
   * HCRM_READ_AUDIT_SYNC_MS. 0: a read is answered only once its row is on stable storage (synchronous=FULL).
   * Above 0: a read is answered once its row is committed, and the rows are forced to stable storage at most
   * this many milliseconds later, and at close.
   */
  syncWithinMs: number;
  timer?: SyncTimer;
  /** Rows written by a worker thread (the service); without, on the caller's connection (scripts, in memory). */
  inWorker?: boolean;
}

const systemTimer: SyncTimer = {
  set: (run, ms) => setTimeout(() => void run(), ms).unref(),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Often enough that the WAL stays a few thousand pages long under a full load of reads. */
const CHECKPOINT_EVERY_MS = 1000;

/** How often the audit writer indexes new rows by patient, actor and time; a search scans about this much of the log's tail. */
const INDEX_EVERY_MS = 1000;

/** How long after the writer's worker failed a new one is tried; meanwhile rows are written on the service's connection. */
const WRITER_RETRY_MS = 30_000;

interface PendingRead {
  content: AuditContent;
  /** Checked inside the audit transaction before the row is written; when it fails the read is not audited. */
  condition: StoredValueCheck | undefined;
  done: (error: unknown, written?: boolean) => void;
}

/**
 * Reads are audited by group commit: the rows of all reads served in one turn of the event loop (with the writer,
 * also of every such group still waiting for it) share one transaction, and a read is answered only after that transaction has
 * committed, so a crash of the service loses no read record. If the shared commit fails, each row is retried alone,
 * so one bad row fails only its own read.
 *
 * The rows are written by a worker thread on a connection of its own (audit.writer.ts): inserting, hashing and
 * committing them took half of the event loop's time in a profile of patient reads. Changes still write their
 * audit row on the service's connection inside their own transaction; both take SQLite's write lock in turn, so
 * the chain of hashes runs through reads and changes unbroken. Each commit of the worker empties the service
 * connection's page cache (SQLite's rule for a database another connection changed); files built from the database
 * pay for that, read no slower than before in the benchmark, while cached files, most reads, never touch it.
 * Without `inWorker` (scripts, a database in memory, which no other thread can open), and for a while after the
 * worker has failed, rows are written on the service's connection.
 *
 * With a sync window the commit waits for no fsync (synchronous=NORMAL): it reaches the operating system at once,
 * so a crash of the service loses nothing, and the WAL is fsynced off the event loop at most `syncWithinMs` after
 * each commit (and at close), so only a power cut can lose read records, at most that window of them. Every change,
 * with its audit row, still commits with synchronous=FULL, and its fsync also makes every read row written before
 * it durable. Checkpoints, which these commits no longer run, are run by another worker.
 */
export class ReadAuditJournal {
  private pending: PendingRead[] = [];
  /** Batches handed to the writer and not yet answered. */
  private writing = 0;
  private idle: (() => void)[] = [];
  private writer: AuditWriter | undefined;
  private writerFailedAt: number | undefined;
  private wal: WalSync | undefined;
  private checkpointer: WalCheckpointer | undefined;
  private timer: unknown;
  private committed = 0;
  private durable = 0;
  private syncFailure: unknown;
  private readonly deferSync: boolean;

  constructor(
    private readonly db: Db,
    private readonly options: ReadAuditOptions,
  ) {
    // An in-memory database has nothing to sync.
    this.deferSync = options.syncWithinMs > 0 && !db.$client.memory;
  }

  /** Resolves once the read's row is committed (and, with no sync window, on stable storage). Await it before answering. */
  record(ctx: ServiceContext, event: AuditEvent): Promise<void> {
    return this.recordIf(ctx, event, undefined).then(() => undefined);
  }

  /**
   * Like `record`, but `condition` is checked first inside the same transaction: when it fails no row is written
   * and the promise resolves false. A cached answer checks there that it is still current, so the check and the
   * audit row see the same database.
   */
  recordIf(ctx: ServiceContext, event: AuditEvent, condition: StoredValueCheck | undefined): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.pending.push({ content: auditContent(ctx, event), condition, done: (error, written) => (error === undefined ? resolve(written === true) : reject(error)) });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  /** Read rows committed and read rows known to be on stable storage, counted since start. */
  status(): { committed: number; durable: number } {
    return { committed: this.committed, durable: this.durable };
  }

  /** The worker that checkpoints the WAL, once started (with a sync window or the writer's worker). */
  walCheckpointer(): WalCheckpointer | undefined {
    return this.checkpointer;
  }

  /**
   * Starts the workers now rather than at the first read, so rows written while the service was down (an import
   * from the command line) are indexed from the start. Reads start them anyway.
   */
  start(): void {
    const file = !this.db.$client.memory;
    const retry = this.writerFailedAt === undefined || performance.now() - this.writerFailedAt >= WRITER_RETRY_MS;
    if (file && this.options.inWorker && !this.writer && retry) {
      this.writer = new AuditWriter(this.db.$client.name, { durable: !this.deferSync, indexEveryMs: INDEX_EVERY_MS });
      this.writerFailedAt = undefined;
    }
    if (file && (this.deferSync || this.writer) && !this.checkpointer) this.checkpointer = startWalCheckpointer(this.db.$client.name, CHECKPOINT_EVERY_MS);
    if (this.deferSync && !this.wal) this.wal = walSyncOf(this.db);
  }

  /** Indexes every audit row committed so far by patient, actor and time now instead of at the next interval. */
  async indexNow(): Promise<void> {
    this.start();
    await this.writer?.indexNow();
  }

  /** Forces every read row committed so far to stable storage, off the event loop. */
  async sync(): Promise<void> {
    if (!this.wal) return;
    const through = this.committed;
    await this.wal.sync();
    this.durable = Math.max(this.durable, through);
  }

  /** Commits what is waiting and forces it all to stable storage; used again after, it starts afresh. */
  async close(): Promise<void> {
    while (this.writing > 0 || this.pending.length > 0) {
      const settled = new Promise<void>((resolve) => this.idle.push(resolve));
      this.flush();
      await settled;
    }
    if (this.timer !== undefined) (this.options.timer ?? systemTimer).clear(this.timer);
    this.timer = undefined;
    this.wal?.syncNow();
    this.durable = this.committed;
    this.wal?.close();
    this.wal = undefined;
    await this.writer?.stop();
    this.writer = undefined;
    this.writerFailedAt = undefined;
    await this.checkpointer?.stop();
    this.checkpointer = undefined;
  }

  private flush(): void {
    const batch = this.pending;
    if (batch.length === 0) return this.settleIdle();
    this.pending = [];
    try {
      this.start();
      // A forced sync that failed leaves earlier rows unproven: this batch waits for a sync that works.
      if (this.syncFailure !== undefined) {
        this.wal?.syncNow();
        this.durable = this.committed;
        this.syncFailure = undefined;
      }
    } catch (error) {
      for (const read of batch) read.done(error);
      return this.settleIdle();
    }
    const writer = this.writer;
    if (!writer) return this.written(batch, this.commitHere(batch));
    // Not waiting for the batch before: the worker joins the batches it finds waiting into one commit.
    this.writing++;
    const rows = batch.map((read) => ({ canonical: canonicalContent(read.content), check: read.condition ?? null }));
    writer.append(rows).then(
      (outcomes) => {
        this.writing--;
        this.written(batch, outcomes);
      },
      () => {
        // The worker is gone (it never fails a batch itself: a row's own error comes back as its outcome); its
        // batches are written here, and a new worker is tried after a while.
        this.writing--;
        if (this.writer === writer) {
          this.writer = undefined;
          this.writerFailedAt = performance.now();
        }
        this.written(batch, this.commitHere(batch));
      },
    );
  }

  private written(batch: PendingRead[], outcomes: AppendOutcome[]): void {
    batch.forEach((read, i) => {
      const outcome = outcomes[i]!;
      if ('error' in outcome) return read.done(new Error(outcome.error));
      if (outcome.written) this.committed++;
      read.done(undefined, outcome.written);
    });
    this.scheduleSync();
    this.settleIdle();
  }

  /** Lets close() go on once nothing waits to be written and no batch is with the writer. */
  private settleIdle(): void {
    if (this.writing > 0 || this.pending.length > 0) return;
    for (const resolve of this.idle.splice(0)) resolve();
  }

  /** The group commit on the service's own connection; the same outcomes the writer's worker reports. */
  private commitHere(batch: PendingRead[]): AppendOutcome[] {
    const appendHere = (reads: PendingRead[]) =>
      this.commit(() =>
        inTransaction({ db: this.db }, (tx) => {
          const holds = reads.map((read) => !read.condition || storedValueIs(tx, read.condition));
          appendChained(
            tx,
            reads.filter((_, i) => holds[i]).map((read) => read.content),
          );
          return holds.map((written) => ({ written }));
        }),
      );
    try {
      return appendHere(batch);
    } catch {
      return batch.map((read) => {
        try {
          return appendHere([read])[0]!;
        } catch (error) {
          return { error: error instanceof Error ? error.message : String(error) };
        }
      });
    }
  }

  private commit<T>(work: () => T): T {
    return this.deferSync ? withDeferredSync(this.db, work) : work();
  }

  /** One sync at most `syncWithinMs` after the first commit it has not yet covered; it covers every commit before it starts. */
  private scheduleSync(): void {
    if (!this.deferSync) {
      this.durable = this.committed;
      return;
    }
    if (this.timer !== undefined || this.durable === this.committed) return;
    const timer = this.options.timer ?? systemTimer;
    this.timer = timer.set(() => {
      this.timer = undefined;
      return this.sync().catch((error: unknown) => {
        this.syncFailure = error;
      });
    }, this.options.syncWithinMs);
  }
}

/** Whether the single value the check selects is still the one expected (check statements are only ever plucked). */
function storedValueIs(tx: Tx, check: StoredValueCheck): boolean {
  return statement(tx, check.sql).pluck(true).get(...check.params) === check.expected;
}

const journals = new WeakMap<Db, ReadAuditJournal>();

/** Audits a read of patient data; resolves when the row is committed. Await it before answering. */
export function auditRead(ctx: ServiceContext, event: AuditEvent): Promise<void> {
  return readAuditJournal(ctx).record(ctx, event);
}

/** Audits a read only if `condition` holds inside the audit transaction; resolves whether it held (and the row is committed). */
export function auditReadIf(ctx: ServiceContext, event: AuditEvent, condition: StoredValueCheck): Promise<boolean> {
  return readAuditJournal(ctx).recordIf(ctx, event, condition);
}

/** The context's journal; a context built without one (a script, an old test) gets the durable-before-answer default. */
function readAuditJournal(ctx: ServiceContext): ReadAuditJournal {
  if (ctx.readAudit) return ctx.readAudit;
  let journal = journals.get(ctx.db);
  if (!journal) journals.set(ctx.db, (journal = new ReadAuditJournal(ctx.db, { syncWithinMs: 0 })));
  return journal;
}
