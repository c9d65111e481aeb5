import { walSyncOf, withDeferredSync, type Db, type WalSync } from '../../../db/client.js';
import { startWalCheckpointer, type WalCheckpointer } from '../../../db/wal-checkpointer.js';
import type { ServiceContext } from '../../lib/context.js';
import { inTransaction } from '../../lib/transaction.js';
import { appendChained, auditContent, canonicalContent, type AuditContent, type AuditEvent } from './audit.service.js';
import { AuditWriter, type AppendOutcome, type AuditWriterOptions, type ReplaySummary } from './audit.writer.js';
import { JournalInUse, ReadJournalFiles } from './read-journal-file.js';

/** How the forced sync is scheduled; tests pass one they fire by hand. */
export interface SyncTimer {
  /** `run` resolves when the sync it starts is done. */
  set(run: () => Promise<void>, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface ReadAuditOptions {
  /**
   * HCRM_READ_AUDIT_SYNC_MS. 0: a read is answered only once its row is on stable storage (the journal fsynced,
   * or the commit made with synchronous=FULL). Above 0: a read is answered once its row is recorded (in the journal,
   * or committed), and the rows are forced to stable storage at most this many milliseconds later, and at close.
   */
  syncWithinMs: number;
  timer?: SyncTimer;
  /** Rows written by a worker thread (the service); without, on the caller's connection (scripts, in memory). */
  inWorker?: boolean;
  /** Opens the read journal's files beside the database; tests pass files on a disk that fails. */
  journalFiles?: (databasePath: string) => ReadJournalFiles;
  /** Starts the audit writer's worker; tests pass one whose worker fails. */
  auditWriter?: (databasePath: string, options: AuditWriterOptions) => AuditWriter;
  /** How long after the writer's worker failed a new one is tried (30 s); meanwhile rows are written on the service's connection. */
  writerRetryMs?: number;
}

const systemTimer: SyncTimer = {
  set: (run, ms) => setTimeout(() => void run(), ms).unref(),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Often enough that the WAL stays a few thousand pages long under a full load of reads. */
const CHECKPOINT_EVERY_MS = 1000;

/** How often the audit writer indexes new rows by patient, actor and time; a search scans about this much of the log's tail. */
const INDEX_EVERY_MS = 1000;

const WRITER_RETRY_MS = 30_000;

interface PendingRead {
  content: AuditContent;
  done: (error: unknown) => void;
}

/**
 * Reads are audited by group commit: the rows of all reads served in one turn of the event loop are recorded
 * together, and a read is answered only once its row is recorded, so a crash of the service loses no read record.
 *
 * The service records them in a read journal file (read-journal-file.ts), one write for the group, and answers;
 * the audit writer, a worker thread with a connection of its own (audit.writer.ts), adds them to the log a moment
 * later, joining every group waiting into one transaction. Waiting for that commit, reads spent a fifth of the
 * service's time idle in the benchmark: the writer's commits are the slowest step and reads queued behind them. A
 * file whose rows are all in the log goes; files a stopped service left are replayed into the log at the next start
 * (rows already there, by id, are skipped). Changes still write their audit row on the service's connection inside
 * their own transaction; both take SQLite's write lock in turn, so the chain of hashes runs through reads and
 * changes unbroken. `GET /api/audit` first waits for rows still with the writer (settled()).
 *
 * Without `inWorker` (scripts, a database in memory, which no other thread can open), and for a while after the
 * worker has failed, rows are committed on the service's connection and the read is answered after that commit; if
 * the shared commit fails, each row is retried alone, so one bad row fails only its own read.
 *
 * With a sync window the journal write and the commits wait for no fsync: they reach the operating system at once,
 * so a crash of the service loses nothing, and the journal and the WAL are fsynced off the event loop at most
 * `syncWithinMs` after (and at close), so only a power cut can lose read records, at most that window of them. A
 * journal file goes only after the log holding its rows is synced. Without one (0), a read is answered once the
 * journal is fsynced, and the writer commits with synchronous=FULL. Every change, with its audit row, still commits
 * with synchronous=FULL. Checkpoints, which the read commits do not run, are run by another worker.
 */
export class ReadAuditJournal {
  private pending: PendingRead[] = [];
  /** Batches handed to the writer, and of those, batches it is done with (in the order handed: it takes them in turn). */
  private sent = 0;
  private done = 0;
  private waiting: { through: number; resolve: () => void }[] = [];
  private writer: AuditWriter | undefined;
  private writerFailedAt: number | undefined;
  private files: ReadJournalFiles | undefined;
  /** Journal files of an earlier run: to replay (by every new writer until one has), then to go after the next sync. */
  private leftOver: string[] | undefined;
  private replayed: string[] = [];
  /**
   * Set when a forced sync failed: the kernel may have dropped the pages it could not write and reports that once,
   * so a later sync proves nothing about them. Journal files are then kept for the next start's replay.
   */
  private keepFiles = false;
  private syncing: Promise<void> | undefined;
  private journalHeldElsewhere = false;
  private lastReplay: ReplaySummary | undefined;
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

  /** Resolves once the read's row is recorded (and, with no sync window, on stable storage). Await it before answering. */
  record(ctx: ServiceContext, event: AuditEvent): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ content: auditContent(ctx, event), done: (error) => (error === undefined ? resolve() : reject(error)) });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  /** Read rows recorded and read rows known to be on stable storage, counted since start; what the last replay found. */
  status(): { committed: number; durable: number; replay: ReplaySummary | undefined } {
    return { committed: this.committed, durable: this.durable, replay: this.lastReplay };
  }

  /** The worker that checkpoints the WAL, once started (with a sync window or the writer's worker). */
  walCheckpointer(): WalCheckpointer | undefined {
    return this.checkpointer;
  }

  /**
   * Starts the workers now rather than at the first read, so that journal files a stopped service left are replayed
   * and rows written while it was down (an import from the command line) are indexed from the start.
   */
  start(): void {
    const file = !this.db.$client.memory;
    const retry = this.writerFailedAt === undefined || performance.now() - this.writerFailedAt >= (this.options.writerRetryMs ?? WRITER_RETRY_MS);
    if (file && this.options.inWorker && !this.writer && retry && !this.journalHeldElsewhere) {
      try {
        this.files ??= (this.options.journalFiles ?? ((path) => new ReadJournalFiles(path)))(this.db.$client.name);
      } catch (error) {
        if (!(error instanceof JournalInUse)) throw error;
        // Another service on this database: reads are committed here, answered after their commit.
        this.journalHeldElsewhere = true;
        return this.start();
      }
      this.leftOver ??= this.files.leftOver;
      this.writer = (this.options.auditWriter ?? ((path, options) => new AuditWriter(path, options)))(this.db.$client.name, {
        durable: !this.deferSync,
        indexEveryMs: INDEX_EVERY_MS,
        replay: this.leftOver,
        onReplayed: (summary) => this.afterReplay(summary),
      });
      this.writerFailedAt = undefined;
    }
    if (file && (this.deferSync || this.writer) && !this.checkpointer) this.checkpointer = startWalCheckpointer(this.db.$client.name, CHECKPOINT_EVERY_MS);
    if (this.deferSync && !this.wal) this.wal = walSyncOf(this.db);
  }

  /** Indexes every audit row committed so far by patient, actor and time now instead of at the next interval. */
  async indexNow(): Promise<void> {
    this.start();
    await this.settled();
    await this.writer?.indexNow();
  }

  /** Resolves once every read recorded so far is in the log; reads recorded meanwhile are not waited for. */
  async settled(): Promise<void> {
    if (this.pending.length > 0) this.flush();
    const through = this.sent;
    if (this.done < through) await new Promise<void>((resolve) => this.waiting.push({ through, resolve }));
  }

  /** Forces every read row recorded so far to stable storage, off the event loop; then lets journal files logged go. */
  sync(): Promise<void> {
    const run = async () => {
      const { files } = this;
      const through = this.committed;
      const logged = this.filesLogged();
      await Promise.all([this.wal?.sync(), files?.sync()]);
      this.durable = Math.max(this.durable, through);
      if (this.keepFiles) return;
      this.replayed = this.replayed.filter((path) => !logged.includes(path));
      files?.remove(logged);
    };
    const syncing = (this.syncing ?? Promise.resolve()).then(run, run);
    this.syncing = syncing;
    return syncing;
  }

  /** Records what is waiting, waits for the log to hold it and forces it all to stable storage; used again after, it starts afresh. */
  async close(): Promise<void> {
    while (this.pending.length > 0 || this.done < this.sent) await this.settled();
    if (this.timer !== undefined) (this.options.timer ?? systemTimer).clear(this.timer);
    this.timer = undefined;
    // No descriptor is closed under a sync still on the thread pool.
    await this.syncing?.catch(() => undefined);
    await this.files?.idle();
    this.wal?.syncNow();
    this.files?.close();
    this.durable = this.committed;
    if (!this.keepFiles) this.files?.remove(this.filesLogged());
    this.files = undefined;
    this.leftOver = undefined;
    this.replayed = [];
    this.keepFiles = false;
    this.syncing = undefined;
    this.journalHeldElsewhere = false;
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
    if (batch.length === 0) return;
    this.pending = [];
    try {
      this.start();
      // A forced sync that failed leaves earlier rows unproven: this batch waits for a sync that works.
      if (this.syncFailure !== undefined) {
        this.wal?.syncNow();
        this.files?.syncNow();
        this.durable = this.committed;
        this.syncFailure = undefined;
      }
    } catch (error) {
      for (const read of batch) read.done(error);
      return;
    }
    const { writer, files } = this;
    if (!writer || !files) return this.answerAfterCommit(batch);
    const rows = batch.map((read) => canonicalContent(read.content));
    let file: string;
    try {
      file = files.append(rows.map((row) => `${row}\n`).join(''), rows.length);
    } catch (error) {
      for (const read of batch) read.done(error);
      return;
    }
    this.committed += batch.length;
    if (this.deferSync) {
      for (const read of batch) read.done(undefined);
      this.scheduleSync();
    } else {
      const through = this.committed;
      files.sync().then(
        () => {
          this.durable = Math.max(this.durable, through);
          for (const read of batch) read.done(undefined);
        },
        (error: unknown) => {
          this.keepFiles = true;
          for (const read of batch) read.done(error);
        },
      );
    }
    // Not waiting for the batch before: the worker joins the batches it finds waiting into one commit.
    this.sent++;
    writer.append(rows).then(
      (outcomes) => {
        // A row the writer could not add (the write lock held too long, a full disk) is tried here once more; if
        // that fails too it stays in its file for the next start.
        const failed = batch.filter((_, i) => 'error' in outcomes[i]!);
        const retried = failed.length > 0 ? this.commitHere(failed) : [];
        this.logged(file, [...outcomes.filter((o) => !('error' in o)), ...retried]);
      },
      () => {
        // The worker is gone (it never fails a batch itself: a row's own error comes back as its outcome); its
        // batches are committed here, and a new worker is tried after a while.
        if (this.writer === writer) {
          this.writer = undefined;
          this.writerFailedAt = performance.now();
        }
        this.logged(file, this.commitHere(batch));
      },
    );
  }

  /**
   * Rows of a journal file now in the log. A row the log refused stays in its file, which then stays too, for the
   * replay at the next start; its read was answered once the row was recorded there.
   */
  private logged(file: string, outcomes: AppendOutcome[]): void {
    this.done++;
    this.files?.logged(file, outcomes.filter((outcome) => 'written' in outcome).length);
    // Committed with synchronous=FULL: the rows are on stable storage already.
    if (!this.deferSync && !this.keepFiles) this.files?.remove(this.files.done());
    const settled = this.waiting.filter((w) => w.through <= this.done);
    this.waiting = this.waiting.filter((w) => w.through > this.done);
    for (const waiter of settled) waiter.resolve();
  }

  /** Journal files all of whose rows are in the log: this run's, closed, and an earlier run's, replayed. */
  private filesLogged(): string[] {
    return [...(this.files?.done() ?? []), ...this.replayed];
  }

  /** Files replayed whole go (after the next sync); a file with a row the log refused, or a line that is no row, stays. */
  private afterReplay(summary: ReplaySummary): void {
    this.lastReplay = summary;
    if (summary.refused > 0 || summary.unreadable > 0) return;
    this.leftOver = [];
    if (!this.deferSync) return this.files?.remove(summary.paths);
    this.replayed.push(...summary.paths);
    this.sync().catch((error: unknown) => {
      this.syncFailure = error;
      this.keepFiles = true;
    });
  }

  /** Without the writer: the group commit on the service's own connection, answered after it. */
  private answerAfterCommit(batch: PendingRead[]): void {
    const outcomes = this.commitHere(batch);
    batch.forEach((read, i) => {
      const outcome = outcomes[i]!;
      if ('error' in outcome) return read.done(new Error(outcome.error));
      this.committed++;
      read.done(undefined);
    });
    this.scheduleSync();
  }

  /** The group commit on the service's own connection; the same outcomes the writer's worker reports. */
  private commitHere(batch: PendingRead[]): AppendOutcome[] {
    const appendHere = (reads: PendingRead[]) =>
      this.commit(() =>
        inTransaction({ db: this.db }, (tx) => {
          appendChained(
            tx,
            reads.map((read) => read.content),
          );
          return reads.map((): AppendOutcome => ({ written: true }));
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

  /** One sync at most `syncWithinMs` after the first record it has not yet covered; it covers every record before it starts. */
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
        this.keepFiles = true;
      });
    }, this.options.syncWithinMs);
  }
}

const journals = new WeakMap<Db, ReadAuditJournal>();

/** Audits a read of patient data; resolves when the row is recorded (ReadAuditJournal.record). Await it before answering. */
export function auditRead(ctx: ServiceContext, event: AuditEvent): Promise<void> {
  return readAuditJournal(ctx).record(ctx, event);
}

/** The context's journal; a context built without one (a script, an old test) gets the durable-before-answer default. */
function readAuditJournal(ctx: ServiceContext): ReadAuditJournal {
  if (ctx.readAudit) return ctx.readAudit;
  let journal = journals.get(ctx.db);
  if (!journal) journals.set(ctx.db, (journal = new ReadAuditJournal(ctx.db, { syncWithinMs: 0 })));
  return journal;
}
