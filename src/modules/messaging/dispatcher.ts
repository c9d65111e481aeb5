import type { Tx } from '../../../db/client.js';
import type { Deps } from '../../lib/context.js';
import { newId } from '../../lib/ids.js';
import { inTransaction } from '../../lib/transaction.js';
import { contactProfile, type ContactProfile } from '../patients/patients.service.js';
import type { Channel, OutgoingMessage, SendOutcome } from './channels/channel.js';
import * as repo from './messaging.repository.js';
import { backoffMs, inQuietHours, MARKETING_WINDOW_MS, MAX_ATTEMPTS } from './rules.js';
import { sendClaimed } from './send-claimed.js';
import { senderBuckets } from './send-rate.js';
import { unsubscribeUrl } from './unsubscribe.js';

export interface DispatchOptions {
  /** Messages claimed per transaction. */
  batchSize?: number;
  /** Sends in flight at once per batch. */
  concurrency?: number;
  /** How long a claim holds; a process that dies mid-send leaves rows another run takes over after this. */
  leaseMs?: number;
  /**
   * How long this run may keep going while messages are due but held back by the send rate (real time). 0: one
   * pass over what is due now. The scheduler's every-minute task uses most of its minute, so reminders are spread.
   */
  maxDurationMs?: number;
  /** Identifies this process in the lease. */
  owner?: string;
  sleep?: (ms: number) => Promise<void>;
  /** Stop claiming (shutdown); what is in flight is finished and recorded. */
  signal?: AbortSignal;
}

export interface DispatchReport {
  claimed: number;
  sent: number;
  held: number;
  retried: number;
  failed: number;
  cancelled: number;
}

interface Claimed {
  row: repo.MessageRow;
  channel: Channel;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sends what is due. Each batch: one transaction re-checks every candidate (consent, patient, the registered send
 * checks, the marketing cap), cancels those that lost their reason, and claims the rest (`sending`, attempts + 1,
 * a lease) up to the sender's rate; the claim commits before any provider is called. Then the batch is sent, and
 * one transaction records every outcome. A crash between the two leaves `sending` rows whose lease runs out; they
 * are sent again with the same id as idempotency token / Message-ID (see the channels).
 */
export async function dispatchDueMessages(deps: Deps, options: DispatchOptions = {}): Promise<DispatchReport> {
  const batchSize = options.batchSize ?? 200;
  const concurrency = options.concurrency ?? 16;
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const owner = options.owner ?? `dispatcher-${newId()}`;
  const sleep = options.sleep ?? defaultSleep;
  const deadline = performance.now() + (options.maxDurationMs ?? 0);
  const report: DispatchReport = { claimed: 0, sent: 0, held: 0, retried: 0, failed: 0, cancelled: 0 };

  while (!options.signal?.aborted) {
    const now = deps.clock.now();
    const batch = inTransaction(deps, (tx) => claimBatch(tx, deps, now, owner, batchSize, leaseMs));
    report.cancelled += batch.cancelled;
    if (batch.claimed.length === 0) {
      if (batch.waitMs === null || performance.now() + batch.waitMs > deadline) break;
      await sleep(batch.waitMs);
      continue;
    }
    report.claimed += batch.claimed.length;
    const outcomes = await sendClaimed(
      batch.claimed.map(({ row, channel }) => ({ channel, message: outgoing(row, deps), leftoverSince: row.status === 'sending' ? new Date(Date.parse(row.updatedAt) - 60_000) : null })),
      concurrency,
      (providerId) => repo.findByProviderId(deps.db, providerId) !== undefined,
    );
    const done = deps.clock.now();
    inTransaction(deps, (tx) => {
      for (const [i, outcome] of outcomes.entries()) record(tx, batch.claimed[i]!, outcome, owner, done, report);
    });
  }
  return report;
}

function claimBatch(tx: Tx, deps: Deps, now: Date, owner: string, limit: number, leaseMs: number): { claimed: Claimed[]; cancelled: number; waitMs: number | null } {
  const nowIso = now.toISOString();
  const { settings, channels } = deps.messaging;
  const quiet = inQuietHours(now, deps.timeZone, settings.quietHours);
  const candidates = repo.dueMessages(tx, nowIso, quiet, limit);
  const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
  const buckets = senderBuckets(tx, settings, now);
  const profiles = new Map<string, ContactProfile | null>();
  const claimed: Claimed[] = [];
  let cancelled = 0;
  let waitMs: number | null = null;

  for (const row of candidates) {
    if (!profiles.has(row.patientId)) profiles.set(row.patientId, contactProfile(tx, row.patientId));
    // A `sending` row left by a dead process may already be with the provider: it was checked when first claimed,
    // and cancelling it now could record "cancelled" for a message the patient received. It goes out again as is.
    const reason = row.status === 'queued' ? recheck(tx, deps, row, profiles.get(row.patientId) ?? null, now) : null;
    if (reason) {
      repo.cancelOne(tx, row.id, reason, nowIso);
      cancelled++;
      continue;
    }
    const channel = channels[row.channel];
    const wait = buckets.take(row.channel, channel.sender, row.channel === 'sms' ? row.segments : 1);
    if (wait > 0) {
      waitMs = waitMs === null ? wait : Math.min(waitMs, wait);
      continue;
    }
    repo.claim(tx, row.id, owner, leaseUntil, nowIso);
    claimed.push({ row, channel });
  }
  buckets.save();
  return { claimed, cancelled, waitMs };
}

/** Why the message may no longer go out, or null. Runs inside the claim transaction, just before sending. */
function recheck(tx: Tx, deps: Deps, row: repo.MessageRow, profile: ContactProfile | null, now: Date): string | null {
  if (!profile) return 'the patient file no longer exists';
  if (profile.unreachable) return `the patient is ${profile.unreachable}`;
  if (!profile.consents.has(`${row.channel}:${row.category}`)) return `consent for ${row.category} ${row.channel} was withdrawn`;
  const subject = row.aboutType && row.aboutId ? { type: row.aboutType, id: row.aboutId } : null;
  const checked = deps.sendChecks.run(tx, { purpose: row.purpose, patientId: row.patientId, subject });
  if (checked) return checked;
  if (row.category === 'marketing') {
    const since = new Date(now.getTime() - MARKETING_WINDOW_MS).toISOString();
    if (repo.marketingSentSince(tx, row.patientId, since) >= deps.messaging.settings.marketingCapPerWeek) {
      return `marketing cap reached (${deps.messaging.settings.marketingCapPerWeek} in 7 days)`;
    }
  }
  return null;
}

function outgoing(row: repo.MessageRow, deps: Deps): OutgoingMessage {
  const marketingEmail = row.channel === 'email' && row.category === 'marketing';
  return {
    id: row.id,
    to: row.recipient ?? '',
    body: row.body,
    subjectLine: row.subjectLine,
    category: row.category,
    locale: row.locale,
    unsubscribeUrl: marketingEmail ? unsubscribeUrl(deps, row.id) : null,
  };
}

function record(tx: Tx, { row, channel }: Claimed, outcome: SendOutcome, owner: string, now: Date, report: DispatchReport): void {
  const nowIso = now.toISOString();
  if (outcome.kind === 'accepted') {
    repo.markAccepted(tx, row.id, { status: outcome.status, provider: channel.provider, providerId: outcome.providerId, nowIso });
    report[outcome.status === 'held' ? 'held' : 'sent']++;
    return;
  }
  const attempts = row.attempts + 1;
  if (outcome.kind === 'permanent' || attempts >= MAX_ATTEMPTS) {
    const reason = outcome.kind === 'permanent' ? outcome.reason : `gave up after ${attempts} attempts: ${outcome.reason}`;
    repo.markFailed(tx, row.id, { code: outcome.code, reason, nowIso });
    report.failed++;
    return;
  }
  const delay = Math.max(backoffMs(attempts), outcome.retryAfterMs ?? 0);
  repo.markRetry(tx, row.id, owner, { dueAt: new Date(now.getTime() + delay).toISOString(), code: outcome.code, reason: outcome.reason, nowIso });
  report.retried++;
}
