import type { ServiceContext } from '../../../lib/context.js';
import { deleteExpiredRecordings } from '../contacts.service.js';

/** Nightly: call recordings past their retention are deleted from disk. */
export const recordingRetentionTask = {
  name: 'contacts.recording-retention',
  schedule: '45 3 * * *',
  run(ctx: ServiceContext): { deleted: number } {
    return deleteExpiredRecordings(ctx);
  },
};
