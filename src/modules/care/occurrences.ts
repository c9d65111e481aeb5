import { addDays, instantAtLocalTime, localDate } from '../../lib/clock.js';

export interface Occurrence {
  at: Date;
  /** Local date and time, as the dedupe key names them: `2026-11-23T08:00`. */
  local: string;
}

/** The reminder's sends in [from, to]: each local date of its period at each of its times of day. */
export function occurrencesBetween(reminder: { startDate: string; endDate: string; timesOfDay: string[] }, from: Date, to: Date, timeZone: string): Occurrence[] {
  const first = maxDate(reminder.startDate, localDate(from, timeZone));
  const last = minDate(reminder.endDate, localDate(to, timeZone));
  const times = [...new Set(reminder.timesOfDay)].sort();
  const found: Occurrence[] = [];
  for (let day = first; day <= last; day = addDays(day, 1)) {
    for (const time of times) {
      const at = instantAtLocalTime(day, time, timeZone);
      if (at >= from && at <= to) found.push({ at, local: `${day}T${time}` });
    }
  }
  return found;
}

const maxDate = (a: string, b: string) => (a > b ? a : b);
const minDate = (a: string, b: string) => (a < b ? a : b);
