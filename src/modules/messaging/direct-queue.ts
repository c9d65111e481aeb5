import type { Tx } from '../../../db/client.js';
import type { Deps } from '../../lib/context.js';
import { inTransaction } from '../../lib/transaction.js';
import type { OutgoingMessage, SendOutcome } from './channels/channel.js';
import * as repo from './messaging.repository.js';
import { backoffMs, inQuietHours, MAX_ATTEMPTS } from './rules.js';
import { sendClaimed } from './send-claimed.js';
import { senderBuckets } from './send-rate.js';
import { countSegments } from './segments.js';

/**
 * Messages that cannot be outbox rows because nobody on them has a patient file (notices to staff, answers to a
 * number or address that asked a question) still leave through the configured channels under the outbox's rules:
 * claimed with a lease in one transaction, sent after commit within the senders' rate and at most `concurrency` at a
 * time, a dead run's leftover looked up at the provider before it is sent again, every outcome recorded in a second
 * transaction, transient failures retried with the outbox's backoff. The module that owns the rows says which are
 * due, what to send, and how a row keeps its delivery state (DirectQueue).
 */
export interface DirectQueue<Row> {
  /** Rows to try now: queued and due, or `sending` with a lapsed lease; SMS only when `quiet` is false. */
  due(tx: Tx, now: string, quiet: boolean, limit: number): Row[];
  /** The row's id (also the message id: the idempotency token and Message-ID), state and tries so far. */
  stateOf(row: Row): { id: string; status: string; attempts: number; dueAt: string | null };
  /** What to send and through which channel, or why it cannot be sent at all (the row fails with that reason). */
  address(tx: Tx, row: Row): DirectAddress | { refused: string };
  /** Keeps the row's next delivery state. */
  save(tx: Tx, row: Row, next: DirectState): void;
  /** True when one of the queue's own rows was recorded with this provider id. */
  ownsProviderId(tx: Tx, providerId: string): boolean;
}

export interface DirectAddress {
  channel: 'sms' | 'email';
  to: string;
  body: string;
  subjectLine: string | null;
}

export type DirectState =
  /** Claimed: `dueAt` is the lease's end, after which another run may take the row over. */
  | { status: 'sending'; attempts: number; dueAt: string; to: string }
  /** held: the sandbox kept it, nothing left this machine. */
  | { status: 'sent' | 'held'; provider: string; providerId: string; sentAt: string }
  /** To be tried again at dueAt. */
  | { status: 'queued'; provider: string; error: string; dueAt: string }
  | { status: 'failed'; provider: string | null; error: string };

export type DirectReport = { sent: number; held: number; retried: number; failed: number; deferred: number };

export interface DirectOptions {
  batchSize?: number;
  leaseMs?: number;
  /** Sends in flight at once. */
  concurrency?: number;
  /** How long (real time) the run may wait for the send rate when rows are held back by it; 0: defer them to the next run. */
  maxDurationMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Claimed<Row> {
  row: Row;
  address: DirectAddress;
  attempts: number;
  leftoverSince: Date | null;
}

/**
 * Sends what the queue has due, batch after batch, until a batch comes back short. Rows held back by the send rate
 * stay due: the run waits for the rate while `maxDurationMs` allows, and leaves the rest (`deferred`) to the next.
 * Counts are added after each commit, so a transaction retried on SQLITE_BUSY never counts a row twice.
 */
export async function sendDirectQueue<Row>(deps: Deps, queue: DirectQueue<Row>, options: DirectOptions = {}): Promise<DirectReport> {
  const batchSize = options.batchSize ?? 100;
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const concurrency = options.concurrency ?? 16;
  const sleep = options.sleep ?? defaultSleep;
  const deadline = performance.now() + (options.maxDurationMs ?? 0);
  const report: DirectReport = { sent: 0, held: 0, retried: 0, failed: 0, deferred: 0 };
  for (;;) {
    const now = deps.clock.now();
    const batch = inTransaction(deps, (tx) => claimBatch(tx, deps, queue, now, batchSize, leaseMs));
    report.failed += batch.refused;
    report.deferred = batch.deferred;
    if (batch.claimed.length > 0) {
      const { channels } = deps.messaging;
      const outcomes = await sendClaimed(
        batch.claimed.map((c) => ({ channel: channels[c.address.channel], message: messageOf(queue.stateOf(c.row).id, c.address), leftoverSince: c.leftoverSince })),
        concurrency,
        (providerId) => repo.findByProviderId(deps.db, providerId) !== undefined || queue.ownsProviderId(deps.db, providerId),
      );
      const done = deps.clock.now();
      const recorded = inTransaction(deps, (tx) => batch.claimed.map((c, i) => record(tx, queue, c, channels[c.address.channel].provider, outcomes[i]!, done)));
      for (const status of recorded) report[status === 'queued' ? 'retried' : status]++;
    }
    if (batch.waitMs !== null) {
      if (batch.claimed.length > 0) continue;
      if (performance.now() + batch.waitMs > deadline) return report;
      await sleep(batch.waitMs);
      continue;
    }
    if (batch.seen < batchSize) return report;
  }
}

function claimBatch<Row>(tx: Tx, deps: Deps, queue: DirectQueue<Row>, now: Date, limit: number, leaseMs: number) {
  const { settings, channels } = deps.messaging;
  const rows = queue.due(tx, now.toISOString(), inQuietHours(now, deps.timeZone, settings.quietHours), limit);
  const buckets = senderBuckets(tx, settings, now);
  const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
  const claimed: Claimed<Row>[] = [];
  let refused = 0;
  let deferred = 0;
  let waitMs: number | null = null;
  for (const row of rows) {
    const state = queue.stateOf(row);
    const address = queue.address(tx, row);
    if ('refused' in address) {
      queue.save(tx, row, { status: 'failed', provider: null, error: address.refused });
      refused++;
      continue;
    }
    const cost = address.channel === 'sms' ? countSegments(address.body).segments : 1;
    const wait = buckets.take(address.channel, channels[address.channel].sender, cost);
    if (wait > 0) {
      deferred++;
      waitMs = waitMs === null ? wait : Math.min(waitMs, wait);
      continue;
    }
    const attempts = state.attempts + 1;
    // A lapsed lease: the dead run claimed it leaseMs before the lease's end (this run's lease, the usual one).
    const leftoverSince = state.status === 'sending' && state.dueAt ? new Date(Date.parse(state.dueAt) - leaseMs - 60_000) : null;
    queue.save(tx, row, { status: 'sending', attempts, dueAt: leaseUntil, to: address.to });
    claimed.push({ row, address, attempts, leftoverSince });
  }
  buckets.save();
  return { claimed, refused, deferred, waitMs, seen: rows.length };
}

function messageOf(id: string, address: DirectAddress): OutgoingMessage {
  return { id, to: address.to, body: address.body, subjectLine: address.subjectLine, category: 'care', locale: 'zh-CN', unsubscribeUrl: null };
}

type Outcome = Exclude<DirectState, { status: 'sending' }>;

function record<Row>(tx: Tx, queue: DirectQueue<Row>, c: Claimed<Row>, provider: string, outcome: SendOutcome, now: Date): Outcome['status'] {
  const next = nextState(outcome, c.attempts, provider, now);
  queue.save(tx, c.row, next);
  return next.status;
}

/** The row's next state after its `attempts`-th try (counting this one): the outbox's rules. */
function nextState(outcome: SendOutcome, attempts: number, provider: string, now: Date): Outcome {
  if (outcome.kind === 'accepted') return { status: outcome.status, provider, providerId: outcome.providerId, sentAt: now.toISOString() };
  if (outcome.kind === 'permanent' || attempts >= MAX_ATTEMPTS) {
    const reason = outcome.kind === 'permanent' ? outcome.reason : `gave up after ${attempts} attempts: ${outcome.reason}`;
    return { status: 'failed', provider, error: `${outcome.code}: ${reason}`.slice(0, 500) };
  }
  const delay = Math.max(backoffMs(attempts), outcome.retryAfterMs ?? 0);
  return { status: 'queued', provider, error: `${outcome.code}: ${outcome.reason}`.slice(0, 500), dueAt: new Date(now.getTime() + delay).toISOString() };
}
