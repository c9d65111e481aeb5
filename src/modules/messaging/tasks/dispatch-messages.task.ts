import type { ServiceContext } from '../../../lib/context.js';
import { dispatchDueMessages, type DispatchReport } from '../dispatcher.js';

/**
 * Every minute: send what is due. The run uses up to 50 seconds of its minute when the send rate holds messages
 * back (a long code sends one segment a second), so reminders are spread instead of rejected; a lease on every
 * claimed message keeps two instances from sending the same one.
 */
export const dispatchMessagesTask = {
  name: 'messaging.dispatch',
  schedule: '* * * * *',
  async run(ctx: ServiceContext): Promise<DispatchReport> {
    return dispatchDueMessages(ctx, { maxDurationMs: 50_000 });
  },
};

export default dispatchMessagesTask;
