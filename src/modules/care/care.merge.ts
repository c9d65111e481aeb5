import type { Tx } from '../../../db/client.js';
import { repointRows, restoreRows } from '../../lib/repoint.js';

/** Care's part of a patient merge: reminders still running go on for the surviving file. */
export const careMergeParticipant = {
  name: 'care.reminders',
  repoint: (tx: Tx, fromId: string, toId: string) => repointRows(tx, 'care_reminders', fromId, toId, " AND status = 'active'"),
  restore: (tx: Tx, ids: readonly string[], toId: string) => restoreRows(tx, 'care_reminders', ids, toId),
};
