import type { Deps } from '../../lib/context.js';
import { inTransaction } from '../../lib/transaction.js';
import type { OutgoingMessage } from '../messaging/channels/channel.js';
import { recordOf, sendEach } from '../messaging/direct.js';
import { inQuietHours } from '../messaging/rules.js';
import * as repo from './consultations.repository.js';

export type DirectReplyReport = { sent: number; held: number; retried: number; failed: number };

/**
 * Automatic answers to numbers and addresses without a patient file (an anonymous SMS, the web form): sent through
 * the configured SMS or e-mail channel (the sandbox keeps them `held`), claimed with a lease, retried with the
 * outbox's backoff, the outcome kept on the consultation. SMS wait out the quiet hours like every other text.
 */
export async function sendDirectReplies(deps: Deps, options: { batchSize?: number; leaseMs?: number } = {}): Promise<DirectReplyReport> {
  const batchSize = options.batchSize ?? 100;
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const report: DirectReplyReport = { sent: 0, held: 0, retried: 0, failed: 0 };
  const template = deps.templates.find('consultations.answer', 'zh-CN');
  if (!template) throw new Error('template consultations.answer is not registered');
  for (;;) {
    const now = deps.clock.now();
    const quiet = inQuietHours(now, deps.timeZone, deps.messaging.settings.quietHours);
    const { claimed, seen } = inTransaction(deps, (tx) => {
      const rows = repo.dueDirectReplies(tx, now.toISOString(), quiet, batchSize);
      const out: { row: repo.ConsultationRow; message: OutgoingMessage }[] = [];
      for (const row of rows) {
        const to = row.replyChannel === 'email' ? row.email : row.phone;
        const rendered = deps.templates.render(template, { question: row.question.slice(0, 60), answer: row.answer ?? '' });
        if (!to || !row.replyChannel || 'problems' in rendered) {
          repo.updateDirectReply(tx, row.id, { replyStatus: 'failed', replyError: to ? 'the answer could not be rendered' : 'no address to answer', replyDueAt: null });
          report.failed++;
          continue;
        }
        repo.updateDirectReply(tx, row.id, { replyStatus: 'sending', replyAttempts: row.replyAttempts + 1, replyDueAt: new Date(now.getTime() + leaseMs).toISOString() });
        out.push({ row, message: { id: row.id, to, body: rendered.body, subjectLine: rendered.subjectLine ?? null, category: 'care', locale: 'zh-CN', unsubscribeUrl: null } });
      }
      return { claimed: out, seen: rows.length };
    });
    for (const kind of ['sms', 'email'] as const) {
      const mine = claimed.filter((c) => c.row.replyChannel === kind);
      if (mine.length === 0) continue;
      const channel = deps.messaging.channels[kind];
      const outcomes = await sendEach(channel, mine.map((c) => c.message));
      const done = deps.clock.now();
      inTransaction(deps, (tx) => {
        for (const [i, outcome] of outcomes.entries()) {
          const row = mine[i]!.row;
          const next = recordOf(outcome, row.replyAttempts + 1, done);
          repo.updateDirectReply(tx, row.id, {
            replyStatus: next.status,
            replyProviderId: next.providerId,
            replyError: next.error,
            replyDueAt: next.dueAt,
            ...(next.status === 'sent' || next.status === 'held' ? { replySentAt: done.toISOString() } : {}),
          });
          report[next.status === 'queued' ? 'retried' : next.status]++;
        }
      });
    }
    if (seen < batchSize) return report;
  }
}
