import { sql } from 'drizzle-orm';
import type { Tx } from '../../../db/client.js';
import { addDays } from '../../lib/clock.js';
import type { DayRange } from './periods.js';

/** The service rollups kept per calendar month (stats_rollup_months.rollup). */
export const MONTHLY_ROLLUPS = ['appointments', 'discharges', 'call-attempts'] as const;
export type MonthlyRollup = (typeof MONTHLY_ROLLUPS)[number];
/** Every rollup whose months are marked in stats_rollup_months: the service ones and satisfaction's monthly sums. */
export type MarkedRollup = MonthlyRollup | 'satisfaction';

/** A period cut at month boundaries: the whole months read from a rollup, and the runs of days read from the tables. */
export interface MonthSplit {
  months: string[];
  stretches: DayRange[];
}

export function firstDayOf(month: string): string {
  return `${month}-01`;
}

export function nextMonth(month: string): string {
  const [y, m] = [Number(month.slice(0, 4)), Number(month.slice(5, 7))];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

export function previousMonth(month: string): string {
  const [y, m] = [Number(month.slice(0, 4)), Number(month.slice(5, 7))];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

export function lastDayOf(month: string): string {
  return addDays(firstDayOf(nextMonth(month)), -1);
}

/** The month of the range's days as a day range (the whole month). */
export function monthRange(month: string): DayRange {
  return { from: firstDayOf(month), to: lastDayOf(month) };
}

/**
 * Whole months of the range that the rollup holds come from it; the partial months at either end, and any month not
 * rolled, are runs of days read directly. Adjacent direct months join into one run (one query).
 */
export function splitAtRolledMonths(range: DayRange, rolled: ReadonlySet<string>): MonthSplit {
  const out: MonthSplit = { months: [], stretches: [] };
  for (let month = range.from.slice(0, 7); month <= range.to.slice(0, 7); month = nextMonth(month)) {
    const whole = monthRange(month);
    if (whole.from >= range.from && whole.to <= range.to && rolled.has(month)) {
      out.months.push(month);
      continue;
    }
    const part = { from: whole.from < range.from ? range.from : whole.from, to: whole.to > range.to ? range.to : whole.to };
    const last = out.stretches[out.stretches.length - 1];
    if (last && addDays(last.to, 1) === part.from) last.to = part.to;
    else out.stretches.push(part);
  }
  return out;
}

/** The range's split for one rollup, from the months it has built. */
export function splitForRollup(tx: Tx, rollup: MarkedRollup, range: DayRange): MonthSplit {
  const rolled = tx.all<{ month: string }>(sql`SELECT month FROM stats_rollup_months WHERE rollup = ${rollup} AND month BETWEEN ${range.from.slice(0, 7)} AND ${range.to.slice(0, 7)}`);
  return splitAtRolledMonths(range, new Set(rolled.map((r) => r.month)));
}

export function markMonthRolled(tx: Tx, rollup: MarkedRollup, month: string, builtAt: string): void {
  tx.run(sql`INSERT INTO stats_rollup_months (rollup, month, built_at) VALUES (${rollup}, ${month}, ${builtAt})
    ON CONFLICT (rollup, month) DO UPDATE SET built_at = excluded.built_at`);
}

export function lastRolledMonth(tx: Tx, rollup: MonthlyRollup): string | null {
  return tx.get<{ month: string | null }>(sql`SELECT max(month) AS month FROM stats_rollup_months WHERE rollup = ${rollup}`)?.month ?? null;
}

export function forgetRolledMonths(tx: Tx, rollup: MarkedRollup): void {
  tx.run(sql`DELETE FROM stats_rollup_months WHERE rollup = ${rollup}`);
}

/** `month IN (…)` for a rollup table's `month` column. */
export function inMonths(months: readonly string[]) {
  return sql`month IN (${sql.join(
    months.map((m) => sql`${m}`),
    sql`, `,
  )})`;
}
