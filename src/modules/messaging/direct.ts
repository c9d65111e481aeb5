import type { Channel, OutgoingMessage, SendOutcome } from './channels/channel.js';
import { backoffMs, MAX_ATTEMPTS } from './rules.js';

/**
 * Messages that cannot be outbox rows because nobody on them has a patient file (notices to staff, answers to a
 * number or address that asked a question) still go through the configured channels, with the outbox's retry rules.
 * The module that owns the row claims it, calls sendEach after commit, and records what recordOf says.
 */
export async function sendEach(channel: Channel, messages: OutgoingMessage[]): Promise<SendOutcome[]> {
  return Promise.all(
    messages.map((m) => channel.send(m).catch((error: unknown): SendOutcome => ({ kind: 'transient', code: 'channel_error', reason: String((error as Error)?.message ?? error).slice(0, 300) }))),
  );
}

export interface DirectRecord {
  /** held: the sandbox kept it, nothing left this machine. queued: to be tried again at dueAt. */
  status: 'sent' | 'held' | 'failed' | 'queued';
  providerId: string | null;
  error: string | null;
  dueAt: string | null;
}

/** The row's next state after its `attempts`-th try (counting this one). */
export function recordOf(outcome: SendOutcome, attempts: number, now: Date): DirectRecord {
  if (outcome.kind === 'accepted') return { status: outcome.status, providerId: outcome.providerId, error: null, dueAt: null };
  if (outcome.kind === 'permanent' || attempts >= MAX_ATTEMPTS) {
    const reason = outcome.kind === 'permanent' ? outcome.reason : `gave up after ${attempts} attempts: ${outcome.reason}`;
    return { status: 'failed', providerId: null, error: `${outcome.code}: ${reason}`.slice(0, 500), dueAt: null };
  }
  const delay = Math.max(backoffMs(attempts), outcome.retryAfterMs ?? 0);
  return { status: 'queued', providerId: null, error: `${outcome.code}: ${outcome.reason}`.slice(0, 500), dueAt: new Date(now.getTime() + delay).toISOString() };
}
