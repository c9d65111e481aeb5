import type { Deps } from '../../lib/context.js';
import { inTransaction } from '../../lib/transaction.js';
import type { OutgoingMessage } from '../messaging/channels/channel.js';
import { recordOf, sendEach } from '../messaging/direct.js';
import { maskEmail } from '../patients/phone.js';
import { noticeAddressOf } from '../staff/staff.service.js';
import * as repo from './feedback.repository.js';

export type NoticeReport = {
  sent: number;
  held: number;
  retried: number;
  failed: number;
};

interface Claimed {
  row: repo.NoticeRow;
  message: OutgoingMessage;
}

/**
 * E-mails the due staff notices through the patients' e-mail channel (the same SMTP transport, or the sandbox,
 * which keeps them `held`: nothing pretends to be sent). Claimed in one transaction (a lease, so two instances
 * never send one notice), sent after commit, every outcome recorded in a second: sent or held, retried later
 * with backoff, or failed with the reason (no address on the account, refused by the server, too many tries).
 * The notice id is the Message-ID, so a notice sent again after a crash is recognisably the same mail.
 */
export async function sendStaffNotices(deps: Deps, options: { batchSize?: number; leaseMs?: number } = {}): Promise<NoticeReport> {
  const batchSize = options.batchSize ?? 100;
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const channel = deps.messaging.channels.email;
  const report: NoticeReport = { sent: 0, held: 0, retried: 0, failed: 0 };
  for (;;) {
    const now = deps.clock.now();
    const { claimed, seen } = inTransaction(deps, (tx) => {
      const rows = repo.dueNotices(tx, now.toISOString(), batchSize);
      const out: Claimed[] = [];
      for (const row of rows) {
        const address = noticeAddressOf(tx, row.staffId);
        if (!address) {
          repo.updateNotice(tx, row.id, { status: 'failed', lastError: 'no e-mail address on an active staff account', dueAt: null });
          report.failed++;
          continue;
        }
        repo.updateNotice(tx, row.id, { status: 'sending', attempts: row.attempts + 1, dueAt: new Date(now.getTime() + leaseMs).toISOString(), sentTo: maskEmail(address) });
        out.push({ row, message: { id: row.id, to: address, body: row.body, subjectLine: row.subject, category: 'care', locale: 'zh-CN', unsubscribeUrl: null } });
      }
      return { claimed: out, seen: rows.length };
    });
    const outcomes = await sendEach(channel, claimed.map((c) => c.message));
    const done = deps.clock.now();
    inTransaction(deps, (tx) => {
      for (const [i, outcome] of outcomes.entries()) {
        const row = claimed[i]!.row;
        const next = recordOf(outcome, row.attempts + 1, done);
        repo.updateNotice(tx, row.id, { status: next.status, provider: channel.provider, providerId: next.providerId, lastError: next.error, dueAt: next.dueAt, ...(next.status === 'sent' || next.status === 'held' ? { sentAt: done.toISOString() } : {}) });
        report[next.status === 'queued' ? 'retried' : next.status]++;
      }
    });
    if (seen < batchSize) return report;
  }
}
