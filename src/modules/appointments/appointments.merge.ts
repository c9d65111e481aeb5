import type { Tx } from '../../../db/client.js';
import { repointRows, restoreRows } from '../../lib/repoint.js';
import { OPEN_STATUSES } from './appointments.repository.js';

const OPEN = ` AND status IN (${OPEN_STATUSES.map((status) => `'${status}'`).join(', ')})`;

/** A merge moves the bookings still ahead (and places on waiting lists) to the surviving file; the past stays put. */
export const appointmentMergeParticipants = [
  {
    name: 'appointments.open',
    repoint: (tx: Tx, fromId: string, toId: string) => repointRows(tx, 'appointments', fromId, toId, OPEN),
    restore: (tx: Tx, ids: readonly string[], toId: string) => restoreRows(tx, 'appointments', ids, toId),
  },
  {
    name: 'appointments.waitlist',
    repoint: (tx: Tx, fromId: string, toId: string) => repointRows(tx, 'waitlist_entries', fromId, toId, " AND status IN ('waiting', 'offered')"),
    restore: (tx: Tx, ids: readonly string[], toId: string) => restoreRows(tx, 'waitlist_entries', ids, toId),
  },
];
