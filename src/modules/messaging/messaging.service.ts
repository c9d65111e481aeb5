/*
 * STUB on branch `care` — the messaging branch owns this file. At merge take THEIR version whole; it must export
 * these names with these signatures (the contract care codes against). Nothing here sends or stores anything.
 */
import type { Tx } from '../../../db/client.js';
import type { ServiceContext } from '../../lib/context.js';

export type MessageChannel = 'sms' | 'email';
export type MessageCategory = 'care' | 'marketing';
export interface MessageSubject {
  type: string;
  id: string;
}
export interface EnqueueMessage {
  purpose: string;
  category: MessageCategory;
  patientId: string;
  template: string;
  variables: Record<string, string>;
  scheduledAt: Date;
  /** Unique; enqueueing the same key again returns the existing message with created: false. */
  dedupeKey: string;
  channel?: MessageChannel;
  urgent?: boolean;
  subject?: MessageSubject;
}
export interface EnqueuedMessage {
  id: string;
  status: string;
  created: boolean;
}
export interface MessageCounts {
  queued: number;
  sent: number;
  delivered: number;
  failed: number;
  optedOut: number;
  cancelled: number;
}
export type SendCheck = (tx: Tx, message: { purpose: string; patientId: string; subject: MessageSubject | null }) => string | null;

const notMerged = (): never => {
  throw new Error('messaging not merged yet');
};

export function enqueueMessage(_tx: Tx, _ctx: ServiceContext, _message: EnqueueMessage): EnqueuedMessage {
  return notMerged();
}

export function cancelMessages(_tx: Tx, _ctx: ServiceContext, _filter: { subject?: MessageSubject; patientId?: string; channel?: MessageChannel }, _reason: string): number {
  return notMerged();
}

/** Messages of one subject (a campaign) by outcome, for the campaign report. */
export function messageCountsBySubject(_tx: Tx, _subject: MessageSubject): MessageCounts {
  return notMerged();
}
