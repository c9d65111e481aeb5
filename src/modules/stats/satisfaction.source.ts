import type { Tx } from '../../../db/client.js';
import { addDays } from '../../lib/clock.js';
import { SATISFIED_AT, sumOf } from './formulas.js';
import { splitForRollup } from './months.js';
import { instantsOf, type DayRange } from './periods.js';
import * as repo from './satisfaction.repository.js';

/**
 * The cells of a period: whole finished months from the monthly sums, the other days from the daily rollup where
 * rolled and live from the responses otherwise (today, a day the job has not reached). All give identical sums, so a
 * figure does not change when its day or month is rolled up. Cells carry their day when `perDay` (trends by day or
 * week: months are not used), or a day of their month when 'month' (trends by month or quarter); otherwise the
 * rollups are summed over the range in SQL.
 */
export function satisfactionCells(tx: Tx, timeZone: string, range: DayRange, scope: repo.Scope, by: repo.SatisfactionDimension, perDay: boolean | 'month' = false): repo.SatisfactionCell[] {
  const split = perDay === true ? { months: [], stretches: [range] } : splitForRollup(tx, 'satisfaction', range);
  const cells = split.months.length > 0 ? repo.monthlySatisfaction(tx, split.months, scope, by, perDay === 'month') : [];
  for (const stretch of split.stretches) cells.push(...dailyCells(tx, timeZone, stretch, scope, by, perDay !== false));
  return cells;
}

function dailyCells(tx: Tx, timeZone: string, range: DayRange, scope: repo.Scope, by: repo.SatisfactionDimension, perDay: boolean): repo.SatisfactionCell[] {
  const rolled = repo.rolledDays(tx, range.from, range.to);
  const cells = rolled.size > 0 ? repo.rolledSatisfaction(tx, range.from, range.to, scope, by, perDay) : [];
  for (const day of unrolledDays(range, rolled)) {
    const { start, end } = instantsOf({ from: day, to: day }, timeZone);
    cells.push(...repo.liveSatisfaction(tx, day, start, end, scope, by, SATISFIED_AT));
  }
  return cells;
}

export function itemCells(tx: Tx, timeZone: string, range: DayRange, scope: repo.Scope): repo.ItemCell[] {
  const split = splitForRollup(tx, 'satisfaction', range);
  const cells = split.months.length > 0 ? repo.monthlyItems(tx, split.months, scope) : [];
  for (const stretch of split.stretches) {
    const rolled = repo.rolledDays(tx, stretch.from, stretch.to);
    if (rolled.size > 0) cells.push(...repo.rolledItems(tx, stretch.from, stretch.to, scope));
    for (const day of unrolledDays(stretch, rolled)) {
      const { start, end } = instantsOf({ from: day, to: day }, timeZone);
      cells.push(...repo.liveItems(tx, start, end, scope));
    }
  }
  return cells;
}

function* unrolledDays(range: DayRange, rolled: Set<string>): Generator<string> {
  for (let d = range.from; d <= range.to; d = addDays(d, 1)) if (!rolled.has(d)) yield d;
}

/** Adds cells together (the sums are additive; the metrics turn them into figures). */
export function addCells(cells: readonly repo.SatisfactionCell[]): Omit<repo.SatisfactionCell, 'day' | 'key'> {
  return sumOf(cells, ['responses', 'satN', 'satSum', 'satSumSq', 'satisfied', 'npsN', 'promoters', 'passives', 'detractors']);
}
