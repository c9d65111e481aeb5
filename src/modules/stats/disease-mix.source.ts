import type { Tx } from '../../../db/client.js';
import { addDays } from '../../lib/clock.js';
import { icd10Chapter } from './icd10.js';
import * as repo from './patients.repository.js';
import { instantsOf, type DayRange } from './periods.js';
import { rolledDays } from './satisfaction.repository.js';

/** The chapter key a category (first three characters of a code) counts under: I … XXII, or 'other'. */
export function chapterKey(category: string): string {
  return icd10Chapter(category)?.chapter ?? 'other';
}

/**
 * Diagnoses of a period by ICD-10 chapter: rolled-up days from the daily rollup, every other day (today, a day the
 * job has not reached) live from encounters, each unrolled stretch of days in one query. Both fold categories into
 * chapters with the same function, so a figure does not change when its day is rolled up.
 */
export function diagnosesByChapter(tx: Tx, timeZone: string, range: DayRange, departmentId: string | undefined): Map<string, number> {
  const rolled = rolledDays(tx, range.from, range.to);
  const out = new Map<string, number>();
  const add = (chapter: string, n: number) => out.set(chapter, (out.get(chapter) ?? 0) + n);
  if (rolled.size > 0) for (const r of repo.rolledDiagnoses(tx, range.from, range.to, departmentId)) add(r.chapter, r.diagnoses);
  for (const stretch of unrolledStretches(range, rolled)) {
    const { start, end } = instantsOf(stretch, timeZone);
    for (const r of repo.diagnosesByCategory(tx, start, end, departmentId)) add(chapterKey(r.category), r.diagnoses);
  }
  return out;
}

/** Rebuilds one local day's diagnosis rollup (start and end are the day's instants). */
export function rebuildDiagnosisDay(tx: Tx, day: string, start: string, end: string): void {
  const cells = new Map<string, { departmentId: string; chapter: string; diagnoses: number }>();
  for (const r of repo.diagnosesByDepartmentCategory(tx, start, end)) {
    const chapter = chapterKey(r.category);
    const key = `${r.departmentId}\u0000${chapter}`;
    const cell = cells.get(key) ?? { departmentId: r.departmentId, chapter, diagnoses: 0 };
    cell.diagnoses += r.diagnoses;
    cells.set(key, cell);
  }
  repo.replaceDiagnosisDay(tx, day, [...cells.values()]);
}

/** The runs of consecutive days of the range that are not rolled up. */
function* unrolledStretches(range: DayRange, rolled: Set<string>): Generator<DayRange> {
  let from: string | null = null;
  let last = range.from;
  for (let d = range.from; d <= range.to; d = addDays(d, 1)) {
    if (rolled.has(d)) {
      if (from !== null) yield { from, to: last };
      from = null;
    } else {
      from ??= d;
      last = d;
    }
  }
  if (from !== null) yield { from, to: last };
}
