import type { Tx } from '../../../db/client.js';
import { repointRows, restoreRows } from '../../lib/repoint.js';

/**
 * Follow-up's part of a patient merge: invitations (open ones keep working from the link the patient has) and
 * the answers already given, so the survivor's file holds the whole follow-up history.
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
];
