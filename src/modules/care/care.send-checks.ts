import type { Tx } from '../../../db/client.js';
import type { SendCheck } from '../messaging/messaging.service.js';
import * as repo from './care.repository.js';

/**
 * Messaging asks this just before it sends: a reminder ended or cancelled since its message was queued, or a
 * cancelled campaign, answers a reason and the message is cancelled instead of sent. null: still wanted.
 */
export const careSendCheck: SendCheck = (tx: Tx, message) => {
  const subject = message.subject;
  if (subject?.type === 'care-reminder') {
    const reminder = repo.findReminder(tx, subject.id);
    if (!reminder) return 'care reminder no longer exists';
    return reminder.status === 'active' ? null : `care reminder ${reminder.status}`;
  }
  if (subject?.type === 'campaign') {
    return repo.findCampaign(tx, subject.id)?.status === 'cancelled' ? 'campaign cancelled' : null;
  }
  return null;
};

/** Registered on messaging's registry by subject type, so only care's own messages are asked. */
export function registerCareSendChecks(registry: { register(purposeOrSubjectType: string, check: SendCheck): void }): void {
  registry.register('care-reminder', careSendCheck);
  registry.register('campaign', careSendCheck);
}
