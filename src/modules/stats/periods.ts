import { addDays, localDate, startOfLocalDay } from '../../lib/clock.js';
import { Invalid } from '../../lib/errors.js';

export const GRAINS = ['day', 'week', 'month', 'quarter'] as const;
export type Grain = (typeof GRAINS)[number];

/** A closed range of local calendar days. */
export interface DayRange {
  from: string;
  to: string;
}

const MAX_DAYS = 3 * 366;

/** The requested range, or the last 30 days ending today (local); refuses reversed or over-long ranges. */
export function resolveRange(query: { from?: string | undefined; to?: string | undefined }, now: Date, timeZone: string): DayRange {
  const today = localDate(now, timeZone);
  const to = query.to ?? today;
  const from = query.from ?? addDays(to, -29);
  if (from > to) throw new Invalid('stats.bad_range', 'The period starts after it ends.', [{ field: 'from', code: 'after_to', message: `from (${from}) is after to (${to})` }]);
  if (daysBetween(from, to) >= MAX_DAYS) throw new Invalid('stats.bad_range', `A period spans at most ${MAX_DAYS} days.`, [{ field: 'from', code: 'too_long', message: 'period too long' }]);
  return { from, to };
}

/** The period of the same length that ends the day before this one starts: what "change" compares against. */
export function previousRange(range: DayRange): DayRange {
  const length = daysBetween(range.from, range.to) + 1;
  return { from: addDays(range.from, -length), to: addDays(range.from, -1) };
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The bucket a local day falls in: the day, the Monday of its ISO week, YYYY-MM, or YYYY-Qn. */
export function bucketOf(day: string, grain: Grain): string {
  if (grain === 'day') return day;
  if (grain === 'month') return day.slice(0, 7);
  if (grain === 'quarter') return `${day.slice(0, 4)}-Q${Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1}`;
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return addDays(day, -((weekday + 6) % 7));
}

/** Every bucket of the range in order, so empty periods show as gaps, not as missing rows. */
export function bucketsOf(range: DayRange, grain: Grain): string[] {
  const out: string[] = [];
  for (let d = range.from; d <= range.to; d = addDays(d, 1)) {
    const b = bucketOf(d, grain);
    if (out[out.length - 1] !== b) out.push(b);
  }
  return out;
}

/** The instants [start, end) that a range of local days covers. */
export function instantsOf(range: DayRange, timeZone: string): { start: string; end: string } {
  return { start: startOfLocalDay(range.from, timeZone).toISOString(), end: startOfLocalDay(addDays(range.to, 1), timeZone).toISOString() };
}
