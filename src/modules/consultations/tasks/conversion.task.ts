import type { ServiceContext } from '../../../lib/context.js';
import { decideConversions, takeSmsQuestions } from '../consultations.service.js';
import { sendDirectReplies, type DirectReplyReport } from '../direct-replies.js';

/** Nightly: consultations older than the conversion window are marked converted, or put on the call-back list (咨询后未来院). */
export const conversionTask = {
  name: 'consultations.conversion',
  schedule: '30 2 * * *',
  run(ctx: ServiceContext): { converted: number; notConverted: number } {
    return decideConversions(ctx);
  },
};

/** Every minute: questions texted to the hospital become consultations, answered at once where the knowledge base can. */
export const smsQuestionsTask = {
  name: 'consultations.sms-questions',
  schedule: '* * * * *',
  run(ctx: ServiceContext): { automatic: number; forAgents: number } {
    return takeSmsQuestions(ctx);
  },
};

/** Every minute: automatic answers to numbers and addresses without a patient file, sent and retried; up to 50 s of the minute waiting for the send rate. */
export const directRepliesTask = {
  name: 'consultations.direct-replies',
  schedule: '* * * * *',
  async run(ctx: ServiceContext): Promise<DirectReplyReport> {
    return sendDirectReplies(ctx, { maxDurationMs: 50_000 });
  },
};
