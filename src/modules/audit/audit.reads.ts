import type { Db } from '../../../db/client.js';
import type { ServiceContext } from '../../lib/context.js';
import { inTransaction } from '../../lib/transaction.js';
import { audit, type AuditContext, type AuditEvent } from './audit.service.js';
import { ReadAuditWorker } from './read-audit-worker.js';

/** One read to audit: who read what, as the request saw it. Plain data, so it can cross to the writer thread. */
export interface ReadAudit {
  ctx: { actor: AuditContext['actor']; at: string; requestId: string; ip: string | null };
  event: AuditEvent;
}

/**
 * Writes the audit rows of a group of reads in one transaction and one fsync; if that fails, each row alone, so
 * one bad row fails only its own read. Returns, per read, null when its row is durable or why it is not.
 */
export function commitReadAudits(db: Db, reads: ReadAudit[]): (string | null)[] {
  const contextOf = (read: ReadAudit): AuditContext => ({ ...read.ctx, now: new Date(read.ctx.at) });
  try {
    inTransaction({ db }, (tx) => {
      for (const read of reads) audit(tx, contextOf(read), read.event);
    });
    return reads.map(() => null);
  } catch {
    return reads.map((read) => {
      try {
        inTransaction({ db }, (tx) => audit(tx, contextOf(read), read.event));
        return null;
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    });
  }
}

interface PendingRead {
  read: ReadAudit;
  done: (error?: Error) => void;
}

/**
 * Reads are audited by group commit. A read's answer is released only once its audit row is durable, as with a
 * change, but the rows of all reads waiting at one moment share one transaction and one fsync: with
 * synchronous=FULL a commit per read would cap the whole service at a few thousand reads per second.
 * With a writer thread (the service's file database), the fsync happens off the event loop and the next group
 * gathers while the current one commits; without one (tests, memory databases) the group is the reads of one
 * turn of the event loop, committed on this thread.
 */
class ReadAuditJournal {
  private pending: PendingRead[] = [];
  private inFlight: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    private readonly writer: ReadAuditWorker | null,
  ) {}

  record(read: ReadAudit): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ read, done: (error) => (error === undefined ? resolve() : reject(error)) });
      if (this.pending.length === 1 && !this.inFlight) setImmediate(() => this.commitNextGroup());
    });
  }

  async close(): Promise<void> {
    while (this.inFlight || this.pending.length > 0) {
      this.commitNextGroup();
      await this.inFlight;
    }
    await this.writer?.close();
  }

  private commitNextGroup(): void {
    if (this.inFlight || this.pending.length === 0) return;
    const group = this.pending;
    this.pending = [];
    this.inFlight = this.commit(group).finally(() => {
      this.inFlight = null;
      if (this.pending.length > 0) setImmediate(() => this.commitNextGroup());
    });
  }

  private async commit(group: PendingRead[]): Promise<void> {
    try {
      const reads = group.map((p) => p.read);
      const outcomes = this.writer ? await this.writer.commit(reads) : commitReadAudits(this.db, reads);
      group.forEach((p, i) => p.done(outcomes[i] === null ? undefined : new Error(`audit row not written: ${outcomes[i]}`)));
    } catch (error) {
      for (const p of group) p.done(error instanceof Error ? error : new Error(String(error)));
    }
  }
}

const journals = new WeakMap<Db, ReadAuditJournal>();

/**
 * Moves the read audits of this database to a writer thread with its own connection to `path`. The service does
 * this at start; call {@link closeReadAudits} before closing the database.
 */
export async function auditReadsInWorker(db: Db, path: string): Promise<void> {
  const writer = await ReadAuditWorker.start(path);
  journals.set(db, new ReadAuditJournal(db, writer));
}

/** Commits what is waiting and stops the writer thread, if any. */
export async function closeReadAudits(db: Db): Promise<void> {
  await journals.get(db)?.close();
  journals.delete(db);
}

/** Audits a read of patient data; resolves when the row is committed. Await it before answering. */
export function auditRead(ctx: ServiceContext, event: AuditEvent): Promise<void> {
  let journal = journals.get(ctx.db);
  if (!journal) journals.set(ctx.db, (journal = new ReadAuditJournal(ctx.db, null)));
  return journal.record({ ctx: { actor: ctx.actor, at: ctx.now.toISOString(), requestId: ctx.requestId, ip: ctx.ip }, event });
}
