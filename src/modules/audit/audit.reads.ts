import type { Db } from '../../../db/client.js';
import type { ServiceContext } from '../../lib/context.js';
import { inTransaction } from '../../lib/transaction.js';
import { audit, type AuditEvent } from './audit.service.js';

interface PendingRead {
  ctx: ServiceContext;
  event: AuditEvent;
  done: (error?: unknown) => void;
}

/**
 * Reads are audited by group commit. A read's answer is released only once its audit row is durable, as with a
 * change, but the rows of all reads served in one turn of the event loop share one transaction and one fsync:
 * with synchronous=FULL a commit per read would cap the whole service at a few thousand reads per second.
 * If the shared commit fails, each row is retried alone, so one bad row fails only its own read.
 */
class ReadAuditJournal {
  private pending: PendingRead[] = [];

  constructor(private readonly db: Db) {}

  record(ctx: ServiceContext, event: AuditEvent): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ ctx, event, done: (error) => (error === undefined ? resolve() : reject(error)) });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    try {
      inTransaction({ db: this.db }, (tx) => {
        for (const read of batch) audit(tx, read.ctx, read.event);
      });
    } catch {
      for (const read of batch) this.commitAlone(read);
      return;
    }
    for (const read of batch) read.done();
  }

  private commitAlone(read: PendingRead): void {
    try {
      inTransaction({ db: this.db }, (tx) => audit(tx, read.ctx, read.event));
      read.done();
    } catch (error) {
      read.done(error);
    }
  }
}

const journals = new WeakMap<Db, ReadAuditJournal>();

/** Audits a read of patient data; resolves when the row is committed. Await it before answering. */
export function auditRead(ctx: ServiceContext, event: AuditEvent): Promise<void> {
  let journal = journals.get(ctx.db);
  if (!journal) journals.set(ctx.db, (journal = new ReadAuditJournal(ctx.db)));
  return journal.record(ctx, event);
}
