import type { Deps } from '../../lib/context.js';
import { sendDirectQueue, type DirectOptions, type DirectQueue, type DirectReport } from '../messaging/direct-queue.js';
import type { TemplateDefinition } from '../messaging/templates.js';
import * as repo from './consultations.repository.js';

export type DirectReplyReport = DirectReport;

/**
 * Automatic answers to numbers and addresses without a patient file (an anonymous SMS, the web form) as a direct
 * queue: sent through the configured SMS or e-mail channel (the sandbox keeps them `held`), the outcome kept on the
 * consultation. SMS wait out the quiet hours like every other text.
 */
export function directReplyQueue(deps: Pick<Deps, 'templates'>, template: TemplateDefinition): DirectQueue<repo.ConsultationRow> {
  return {
    due: (tx, now, quiet, limit) => repo.dueDirectReplies(tx, now, quiet, limit),
    stateOf: (row) => ({ id: row.id, status: row.replyStatus ?? 'queued', attempts: row.replyAttempts, dueAt: row.replyDueAt }),
    address(_tx, row) {
      const to = row.replyChannel === 'email' ? row.email : row.phone;
      if (!to || !row.replyChannel) return { refused: 'no address to answer' };
      const rendered = deps.templates.render(template, { question: row.question.slice(0, 60), answer: row.answer ?? '' });
      if ('problems' in rendered) return { refused: 'the answer could not be rendered' };
      return { channel: row.replyChannel, to, body: rendered.body, subjectLine: rendered.subjectLine ?? null };
    },
    save(tx, row, next) {
      switch (next.status) {
        case 'sending':
          return repo.updateDirectReply(tx, row.id, { replyStatus: 'sending', replyAttempts: next.attempts, replyDueAt: next.dueAt });
        case 'sent':
        case 'held':
          return repo.updateDirectReply(tx, row.id, { replyStatus: next.status, replyProviderId: next.providerId, replyError: null, replyDueAt: null, replySentAt: next.sentAt });
        case 'queued':
          return repo.updateDirectReply(tx, row.id, { replyStatus: 'queued', replyProviderId: null, replyError: next.error, replyDueAt: next.dueAt });
        case 'failed':
          return repo.updateDirectReply(tx, row.id, { replyStatus: 'failed', replyProviderId: null, replyError: next.error, replyDueAt: null });
      }
    },
    ownsProviderId: (tx, providerId) => repo.directReplyWithProviderId(tx, providerId),
  };
}

/** Every minute (consultations.direct-replies): the due answers sent, retried with the outbox's backoff. */
export function sendDirectReplies(deps: Deps, options: DirectOptions = {}): Promise<DirectReplyReport> {
  const template = deps.templates.find('consultations.answer', 'zh-CN');
  if (!template) throw new Error('template consultations.answer is not registered');
  return sendDirectQueue(deps, directReplyQueue(deps, template), options);
}
