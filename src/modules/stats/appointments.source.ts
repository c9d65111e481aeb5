import type { Tx } from '../../../db/client.js';
import * as repo from './appointments.repository.js';
import { splitForRollup } from './months.js';
import type { DayRange } from './periods.js';

/**
 * The appointments cells of a period: its whole rolled-up months from the monthly rollup, the partial months at either
 * end (and months not rolled yet) live from the bookings, with the same counts, so a figure does not change when its
 * month is rolled up. By 'month' each cell's key is a day of its month (trends by month or quarter); by 'day' every
 * day is read live, as a month's cells cannot be cut into days or weeks.
 */
export function appointmentCellsOf(tx: Tx, range: DayRange, now: string, scope: repo.AppointmentScope, by: repo.AppointmentDimension | 'month' | 'day'): repo.AppointmentCell[] {
  const split = by === 'day' ? { months: [], stretches: [range] } : splitForRollup(tx, 'appointments', range);
  const cells = split.months.length > 0 ? repo.rolledAppointmentCells(tx, split.months, scope, by === 'day' ? 'month' : by) : [];
  for (const s of split.stretches) cells.push(...repo.appointmentCells(tx, s.from, s.to, now, scope, by === 'month' ? 'day' : by));
  return cells;
}
