import type { Tx } from '../../../db/client.js';
import { repointRows, restoreRows } from '../../lib/repoint.js';

/** Open cases follow the patient into the surviving file, so its at-risk mark and the caller card show them. */
export const feedbackMergeParticipant = {
  name: 'feedback.open',
  repoint: (tx: Tx, fromId: string, toId: string) => repointRows(tx, 'feedback', fromId, toId, " AND status <> 'closed'"),
  restore: (tx: Tx, ids: readonly string[], toId: string) => restoreRows(tx, 'feedback', ids, toId),
};
