import type { Tx } from '../../../db/client.js';
import type { MessagingSettings } from '../../config.js';
import * as repo from './messaging.repository.js';

interface Bucket {
  tokens: number;
  capacity: number;
  rate: number;
}

/**
 * The senders' token buckets for one claim transaction. Every way out of the hospital (the outbox and the direct
 * sends of modules whose rows are not outbox rows) takes from the same bucket per sender, so together they keep
 * to the carrier's rate: a long code (1/s) sends one segment a second, evenly. Call save() before the commit.
 */
export function senderBuckets(tx: Tx, settings: Pick<MessagingSettings, 'smsSegmentsPerSecond' | 'emailPerSecond'>, now: Date) {
  const buckets = new Map<string, Bucket>();
  return {
    /** Takes `cost` tokens (SMS segments, or 1 for an e-mail) from the sender; 0 when taken, else how long to wait (ms). */
    take(kind: 'sms' | 'email', sender: string, cost: number): number {
      let bucket = buckets.get(sender);
      if (!bucket) buckets.set(sender, (bucket = openBucket(tx, sender, kind === 'sms' ? settings.smsSegmentsPerSecond : settings.emailPerSecond, now)));
      const needed = Math.min(cost, bucket.capacity);
      if (bucket.tokens < needed) return Math.max(1, Math.ceil(((needed - bucket.tokens) / bucket.rate) * 1000));
      bucket.tokens -= cost;
      return 0;
    },
    save(): void {
      for (const [sender, bucket] of buckets) repo.saveSenderBucket(tx, sender, bucket.tokens, now.toISOString());
    },
  };
}

/** A bucket holds one second's worth, refilled at the rate since it was last saved. */
function openBucket(tx: Tx, sender: string, rate: number, now: Date): Bucket {
  const capacity = Math.max(1, rate);
  const saved = repo.senderBucket(tx, sender);
  const elapsedSeconds = saved ? Math.max(0, (now.getTime() - new Date(saved.refilledAt).getTime()) / 1000) : Infinity;
  const tokens = saved ? Math.min(capacity, saved.tokens + elapsedSeconds * rate) : capacity;
  return { tokens, capacity, rate };
}
