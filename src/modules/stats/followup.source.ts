import type { Tx } from '../../../db/client.js';
import * as repo from './followup.repository.js';
import { splitForRollup, type MonthSplit } from './months.js';
import { instantsOf, type DayRange } from './periods.js';

/**
 * Discharges and call attempts of a period: whole rolled-up months from the monthly rollups, the partial months at
 * either end (and months not rolled yet) live, with the same formulas, so a figure does not change when its month is
 * rolled up. Rows of the same department are added together.
 */
export function dischargesOf(tx: Tx, timeZone: string, range: DayRange, scope: repo.FollowupScope): repo.DischargeRow[] {
  const split = splitForRollup(tx, 'discharges', range);
  return addByKey(
    parts(split, timeZone, (months) => repo.rolledDischarges(tx, months, scope), (start, end) => repo.dischargesWithPlan(tx, start, end, scope)),
    (a, b) => ({ key: a.key, discharges: a.discharges + b.discharges, withPlan: a.withPlan + b.withPlan }),
  );
}

export function callAttemptsOf(tx: Tx, timeZone: string, range: DayRange, scope: repo.FollowupScope): repo.AttemptRow[] {
  const split = splitForRollup(tx, 'call-attempts', range);
  return addByKey(
    parts(split, timeZone, (months) => repo.rolledCallAttempts(tx, months, scope), (start, end) => repo.callAttempts(tx, start, end, scope)),
    (a, b) => ({ key: a.key, attempted: a.attempted + b.attempted, reached: a.reached + b.reached }),
  );
}

function parts<R>(split: MonthSplit, timeZone: string, rolled: (months: string[]) => R[], live: (start: string, end: string) => R[]): R[] {
  const rows = split.months.length > 0 ? rolled(split.months) : [];
  for (const stretch of split.stretches) {
    const { start, end } = instantsOf(stretch, timeZone);
    rows.push(...live(start, end));
  }
  return rows;
}

function addByKey<R extends { key: string }>(rows: R[], add: (a: R, b: R) => R): R[] {
  const out = new Map<string, R>();
  for (const r of rows) {
    const seen = out.get(r.key);
    out.set(r.key, seen ? add(seen, r) : r);
  }
  return [...out.values()].sort((a, b) => a.key.localeCompare(b.key));
}
