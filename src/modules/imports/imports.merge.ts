import type { Tx } from '../../../db/client.js';
import { repointRows, restoreRows } from '../../lib/repoint.js';

/** Imports' part of a patient merge: laboratory and exam results move with the visits they belong to. */
export const importsMergeParticipant = {
  name: 'imports.observations',
  repoint: (tx: Tx, fromId: string, toId: string) => repointRows(tx, 'imported_observations', fromId, toId),
  restore: (tx: Tx, ids: readonly string[], toId: string) => restoreRows(tx, 'imported_observations', ids, toId),
};
