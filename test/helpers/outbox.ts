import type { CareOutbox } from '../../src/modules/care/care.deps.js';
import type { EnqueueMessage, MessageCounts, MessageSubject } from '../../src/modules/messaging/messaging.service.js';

export interface RecordedMessage extends EnqueueMessage {
  id: string;
  status: 'queued' | 'cancelled';
  cancelReason: string | null;
}

/**
 * Stands in for messaging's outbox until that branch is merged: keeps what care asked to queue, honours dedupe keys
 * and cancellation the way the contract says, so tests assert what care asked for. It keeps no rows, so a test's
 * transactions that roll back do not roll it back: tests that need that use the real outbox.
 */
export class RecordingOutbox implements CareOutbox {
  readonly messages: RecordedMessage[] = [];
  /** Per subject id, counts the report reads (a test sets what messaging would have recorded). */
  readonly reports = new Map<string, Partial<MessageCounts>>();

  enqueueMessage: CareOutbox['enqueueMessage'] = (_tx, _ctx, message) => {
    const existing = this.messages.find((m) => m.dedupeKey === message.dedupeKey);
    if (existing) return { id: existing.id, status: existing.status, created: false };
    const recorded: RecordedMessage = { ...message, id: `msg-${this.messages.length + 1}`, status: 'queued', cancelReason: null };
    this.messages.push(recorded);
    return { id: recorded.id, status: recorded.status, created: true };
  };

  cancelMessages: CareOutbox['cancelMessages'] = (_tx, _ctx, filter, reason) => {
    const hits = this.messages.filter(
      (m) => m.status === 'queued' && (!filter.subject || sameSubject(m.subject, filter.subject)) && (!filter.patientId || m.patientId === filter.patientId),
    );
    for (const m of hits) Object.assign(m, { status: 'cancelled', cancelReason: reason });
    return hits.length;
  };

  messageCountsBySubject: CareOutbox['messageCountsBySubject'] = (_tx, subject) => {
    const mine = this.messages.filter((m) => sameSubject(m.subject, subject));
    const queued = mine.filter((m) => m.status === 'queued').length;
    const cancelled = mine.length - queued;
    return { queued, sent: 0, delivered: 0, failed: 0, optedOut: 0, cancelled, ...this.reports.get(subject.id) };
  };

  queued(filter: (m: RecordedMessage) => boolean = () => true): RecordedMessage[] {
    return this.messages.filter((m) => m.status === 'queued' && filter(m));
  }

  clear(): void {
    this.messages.length = 0;
  }
}

function sameSubject(a: MessageSubject | undefined, b: MessageSubject): boolean {
  return a !== undefined && a.type === b.type && a.id === b.id;
}
