import type { Tx } from '../../../db/client.js';
import { addDays } from '../../lib/clock.js';
import { SATISFIED_AT } from './formulas.js';
import { instantsOf, type DayRange } from './periods.js';
import * as repo from './satisfaction.repository.js';

/**
 * The cells of a period: rolled-up days from the rollup, every other day (today, a day the job has not reached)
 * live from the responses. Both give identical sums, so a figure does not change when its day is rolled up. Cells
 * carry their day only when `perDay` (trends); otherwise the rollup is summed over the range in SQL.
 */
export function satisfactionCells(tx: Tx, timeZone: string, range: DayRange, scope: repo.Scope, by: repo.SatisfactionDimension, perDay = false): repo.SatisfactionCell[] {
  const rolled = repo.rolledDays(tx, range.from, range.to);
  const cells = rolled.size > 0 ? repo.rolledSatisfaction(tx, range.from, range.to, scope, by, perDay) : [];
  for (const day of unrolledDays(range, rolled)) {
    const { start, end } = instantsOf({ from: day, to: day }, timeZone);
    cells.push(...repo.liveSatisfaction(tx, day, start, end, scope, by, SATISFIED_AT));
  }
  return cells;
}

export function itemCells(tx: Tx, timeZone: string, range: DayRange, scope: repo.Scope): repo.ItemCell[] {
  const rolled = repo.rolledDays(tx, range.from, range.to);
  const cells = rolled.size > 0 ? repo.rolledItems(tx, range.from, range.to, scope) : [];
  for (const day of unrolledDays(range, rolled)) {
    const { start, end } = instantsOf({ from: day, to: day }, timeZone);
    cells.push(...repo.liveItems(tx, start, end, scope));
  }
  return cells;
}

function* unrolledDays(range: DayRange, rolled: Set<string>): Generator<string> {
  for (let d = range.from; d <= range.to; d = addDays(d, 1)) if (!rolled.has(d)) yield d;
}

/** Adds cells together (the sums are additive; the metrics turn them into figures). */
export function addCells(cells: readonly repo.SatisfactionCell[]): Omit<repo.SatisfactionCell, 'day' | 'key'> {
  const total = { responses: 0, satN: 0, satSum: 0, satSumSq: 0, satisfied: 0, npsN: 0, promoters: 0, passives: 0, detractors: 0 };
  for (const c of cells) {
    total.responses += c.responses;
    total.satN += c.satN;
    total.satSum += c.satSum;
    total.satSumSq += c.satSumSq;
    total.satisfied += c.satisfied;
    total.npsN += c.npsN;
    total.promoters += c.promoters;
    total.passives += c.passives;
    total.detractors += c.detractors;
  }
  return total;
}
