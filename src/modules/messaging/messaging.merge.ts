import type { Tx } from '../../../db/client.js';
import { repointRows, restoreRows } from '../../lib/repoint.js';

/**
 * Messaging's part of a patient merge: messages not yet sent (queued, or held by the sandbox) follow the patient
 * to the surviving file, whose consent and contact the dispatcher checks again before sending. What was sent
 * stays on the record it was sent for.
 */
export const messagingMergeParticipant = {
  name: 'messaging.pending',
  repoint: (tx: Tx, fromId: string, toId: string) => repointRows(tx, 'messages', fromId, toId, " AND status IN ('queued', 'held')"),
  restore: (tx: Tx, ids: readonly string[], toId: string) => restoreRows(tx, 'messages', ids, toId),
};
