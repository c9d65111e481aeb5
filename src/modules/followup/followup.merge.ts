import type { Tx } from '../../../db/client.js';
import { repointRows, restoreRows } from '../../lib/repoint.js';

/**
 * Follow-up's part of a patient merge: invitations (open ones keep working from the link the patient has), the
 * answers already given, and the calls still to make, so the survivor's file holds the whole follow-up history and
 * the nurse rings the surviving file.
 */
export const followupMergeParticipants = [
  {
    name: 'followup.invitations',
    repoint: (tx: Tx, fromId: string, toId: string) => repointRows(tx, 'questionnaire_invitations', fromId, toId),
    restore: (tx: Tx, ids: readonly string[], toId: string) => restoreRows(tx, 'questionnaire_invitations', ids, toId),
  },
  {
    name: 'followup.responses',
    repoint: (tx: Tx, fromId: string, toId: string) => repointRows(tx, 'questionnaire_responses', fromId, toId),
    restore: (tx: Tx, ids: readonly string[], toId: string) => restoreRows(tx, 'questionnaire_responses', ids, toId),
  },
  {
    name: 'followup.tasks',
    repoint: (tx: Tx, fromId: string, toId: string) => repointRows(tx, 'followup_tasks', fromId, toId, " AND status = 'open'"),
    restore: (tx: Tx, ids: readonly string[], toId: string) => restoreRows(tx, 'followup_tasks', ids, toId),
  },
];
