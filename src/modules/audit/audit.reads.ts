import { walSyncOf, withDeferredSync, type Db, type Tx, type WalSync } from '../../../db/client.js';
import { startWalCheckpointer, type WalCheckpointer } from '../../../db/wal-checkpointer.js';
import type { ServiceContext } from '../../lib/context.js';
import { inTransaction } from '../../lib/transaction.js';
import { audit, auditAll, type AuditEvent } from './audit.service.js';

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
}

const systemTimer: SyncTimer = {
  set: (run, ms) => setTimeout(() => void run(), ms).unref(),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Often enough that the WAL stays a few thousand pages long under a full load of reads. */
const CHECKPOINT_EVERY_MS = 1000;

/** Runs inside the audit transaction before the row is written; false: the read is not audited (and not answered from what was checked). */
export type ReadCondition = (tx: Tx) => boolean;

interface PendingRead {
  ctx: ServiceContext;
  event: AuditEvent;
  condition: ReadCondition | undefined;
  done: (error: unknown, written?: boolean) => void;
}

/**
 * Reads are audited by group commit: the rows of all reads served in one turn of the event loop share one
 * transaction, and a read is answered only after that transaction has committed, so a crash of the service loses
 * no read record. If the shared commit fails, each row is retried alone, so one bad row fails only its own read.
 *
 * With a sync window the commit waits for no fsync (synchronous=NORMAL for that transaction only): it reaches the
 * operating system at once, so a crash of the service loses nothing, but an fsync on the event loop per group
 * capped the service at a few hundred reads per second on a busy disk. The WAL is then fsynced off the event loop
 * at most `syncWithinMs` after each commit (and at close), so only a power cut can lose read records, at most that
 * window of them. Every change, with its audit row, still commits with synchronous=FULL, and its fsync also makes
 * every read row written before it durable. Both kinds of row are written on the one connection in turn, so the
 * chain of hashes runs through them unbroken. Checkpoints, which read commits no longer run, are run by a worker.
 */
export class ReadAuditJournal {
  private pending: PendingRead[] = [];
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
   * Like `record`, but `condition` is asked first inside the same transaction, where a read costs no lock of its
   * own: when it answers false no row is written and the promise resolves false. A cached answer checks there
   * that it is still current, so the check and the audit row see the same database.
   */
  recordIf(ctx: ServiceContext, event: AuditEvent, condition: ReadCondition | undefined): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.pending.push({ ctx, event, condition, done: (error, written) => (error === undefined ? resolve(written === true) : reject(error)) });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  /** Read rows committed and read rows known to be on stable storage, counted since start. */
  status(): { committed: number; durable: number } {
    return { committed: this.committed, durable: this.durable };
  }

  /** The worker that checkpoints the WAL, once a read has been audited (none without a sync window). */
  walCheckpointer(): WalCheckpointer | undefined {
    return this.checkpointer;
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
    this.flush();
    if (this.timer !== undefined) (this.options.timer ?? systemTimer).clear(this.timer);
    this.timer = undefined;
    this.wal?.syncNow();
    this.durable = this.committed;
    this.wal?.close();
    this.wal = undefined;
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
        this.durable = this.committed;
        this.syncFailure = undefined;
      }
    } catch (error) {
      for (const read of batch) read.done(error);
      return;
    }
    try {
      const written = new Set(this.commit(() => inTransaction({ db: this.db }, (tx) => auditAll(tx, batch.filter((read) => read.condition?.(tx) ?? true)))));
      this.committed += written.size;
      for (const read of batch) read.done(undefined, written.has(read));
    } catch {
      for (const read of batch) this.commitAlone(read);
    }
    this.scheduleSync();
  }

  private commitAlone(read: PendingRead): void {
    try {
      const written = this.commit(() =>
        inTransaction({ db: this.db }, (tx) => {
          if (read.condition && !read.condition(tx)) return false;
          audit(tx, read.ctx, read.event);
          return true;
        }),
      );
      if (written) this.committed++;
      read.done(undefined, written);
    } catch (error) {
      read.done(error);
    }
  }

  private commit<T>(work: () => T): T {
    return this.deferSync ? withDeferredSync(this.db, work) : work();
  }

  private start(): void {
    if (!this.deferSync || this.wal) return;
    this.wal = walSyncOf(this.db);
    this.checkpointer = startWalCheckpointer(this.db.$client.name, CHECKPOINT_EVERY_MS);
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

const journals = new WeakMap<Db, ReadAuditJournal>();

/** Audits a read of patient data; resolves when the row is committed. Await it before answering. */
export function auditRead(ctx: ServiceContext, event: AuditEvent): Promise<void> {
  return readAuditJournal(ctx).record(ctx, event);
}

/** Audits a read only if `condition` holds inside the audit transaction; resolves whether it held (and the row is committed). */
export function auditReadIf(ctx: ServiceContext, event: AuditEvent, condition: ReadCondition): Promise<boolean> {
  return readAuditJournal(ctx).recordIf(ctx, event, condition);
}

/** The context's journal; a context built without one (a script, an old test) gets the durable-before-answer default. */
function readAuditJournal(ctx: ServiceContext): ReadAuditJournal {
  if (ctx.readAudit) return ctx.readAudit;
  let journal = journals.get(ctx.db);
  if (!journal) journals.set(ctx.db, (journal = new ReadAuditJournal(ctx.db, { syncWithinMs: 0 })));
  return journal;
}
