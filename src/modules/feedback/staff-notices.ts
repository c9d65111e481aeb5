import type { Deps } from '../../lib/context.js';
import { sendDirectQueue, type DirectOptions, type DirectQueue, type DirectReport } from '../messaging/direct-queue.js';
import { maskEmail } from '../patients/phone.js';
import { noticeAddressOf } from '../staff/staff.service.js';
import * as repo from './feedback.repository.js';

export type NoticeReport = DirectReport;

/**
 * Staff notices as a direct queue: e-mailed through the patients' e-mail channel (the same SMTP transport, or the
 * sandbox, which keeps them `held`: nothing pretends to be sent). The notice id is the Message-ID, so a notice sent
 * again after a crash is recognisably the same mail. The address is the account's at the time of sending; the
 * notice keeps it masked, the outcome without a copy of the staff directory.
 */
export const staffNoticeQueue: DirectQueue<repo.NoticeRow> = {
  due: (tx, now, _quiet, limit) => repo.dueNotices(tx, now, limit),
  stateOf: (row) => ({ id: row.id, status: row.status, attempts: row.attempts, dueAt: row.dueAt }),
  address(tx, row) {
    const to = noticeAddressOf(tx, row.staffId);
    return to ? { channel: 'email', to, body: row.body, subjectLine: row.subject } : { refused: 'no e-mail address on an active staff account' };
  },
  save(tx, row, next) {
    switch (next.status) {
      case 'sending':
        return repo.updateNotice(tx, row.id, { status: 'sending', attempts: next.attempts, dueAt: next.dueAt, sentTo: maskEmail(next.to) });
      case 'sent':
      case 'held':
        return repo.updateNotice(tx, row.id, { status: next.status, provider: next.provider, providerId: next.providerId, lastError: null, dueAt: null, sentAt: next.sentAt });
      case 'queued':
        return repo.updateNotice(tx, row.id, { status: 'queued', provider: next.provider, lastError: next.error, dueAt: next.dueAt });
      case 'failed':
        return repo.updateNotice(tx, row.id, { status: 'failed', provider: next.provider, lastError: next.error, dueAt: null });
    }
  },
  ownsProviderId: (tx, providerId) => repo.noticeWithProviderId(tx, providerId),
};

/** Every minute (feedback.staff-notices): the due notices e-mailed, retried with backoff while the relay is down. */
export function sendStaffNotices(deps: Deps, options: DirectOptions = {}): Promise<NoticeReport> {
  return sendDirectQueue(deps, staffNoticeQueue, options);
}
