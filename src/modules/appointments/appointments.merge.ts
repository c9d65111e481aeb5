import type { Tx } from '../../../db/client.js';
import { repointRows, restoreRows } from '../../lib/repoint.js';

/** A merge moves the bookings still ahead (and places on waiting lists) to the surviving file; the past stays put. */
export const appointmentMergeParticipants = [
  {
    name: 'appointments.open',
    repoint: (tx: Tx, fromId: string, toId: string) => repointRows(tx, 'appointments', fromId, toId, " AND status IN ('requested', 'booked', 'checked_in')"),
    restore: (tx: Tx, ids: readonly string[], toId: string) => restoreRows(tx, 'appointments', ids, toId),
  },
  {
    name: 'appointments.waitlist',
    repoint: (tx: Tx, fromId: string, toId: string) => repointRows(tx, 'waitlist_entries', fromId, toId, " AND status IN ('waiting', 'offered')"),
    restore: (tx: Tx, ids: readonly string[], toId: string) => restoreRows(tx, 'waitlist_entries', ids, toId),
  },
];
