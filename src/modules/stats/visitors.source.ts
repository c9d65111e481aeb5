import type { Tx } from '../../../db/client.js';
import { addDays, localDate } from '../../lib/clock.js';
import * as repo from './patients.repository.js';
import { instantsOf, type DayRange } from './periods.js';
import { replaceDayVisitors } from './pyramid.repository.js';
import { rolledDays } from './satisfaction.repository.js';
import { classCode, dayNumber, NO_PREVIOUS_DAY, packVisitors } from './visitor-classes.js';

/** The scope of the whole hospital in stats_visit_pairs (department ids are never '*'). */
export const WHOLE_HOSPITAL_SCOPE = '*';

/** More days than this not rolled up (a rollup not built yet, days ahead): the period is counted directly instead. */
const MOST_LIVE_DAYS = 3;

/**
 * The period's rolled days and the days not rolled up yet, to be counted live; null when the period is counted
 * directly instead (no day rolled, or more than MOST_LIVE_DAYS left).
 */
export function rolledAndLiveDays(tx: Tx, range: DayRange): { rolled: Set<string>; unrolled: string[] } | null {
  const rolled = rolledDays(tx, range.from, range.to);
  const unrolled: string[] = [];
  for (let d = range.from; d <= range.to; d = addDays(d, 1)) if (!rolled.has(d)) unrolled.push(d);
  return rolled.size === 0 || unrolled.length > MOST_LIVE_DAYS ? null : { rolled, unrolled };
}

/**
 * Patients seen in the period and the new ones among them (no earlier visit anywhere). Distinct patients do not add
 * up over days, so the rollup keeps, per day, each patient's previous visit: a patient is counted once, on the
 * first day of the period they came, when their previous visit was before the period. Rolled days come from
 * stats_visit_pairs, a day or three not rolled up yet (today) are paired live the same way, and anything else is the
 * direct count over the period's encounters; all three give the same numbers.
 */
export function newAndReturningOf(tx: Tx, timeZone: string, range: DayRange, departmentId: string | undefined): { visitors: number; newPatients: number } {
  const days = rolledAndLiveDays(tx, range);
  if (!days) {
    const { start, end } = instantsOf(range, timeZone);
    return repo.newAndReturning(tx, start, end, departmentId);
  }
  const scope = departmentId ?? WHOLE_HOSPITAL_SCOPE;
  const total = repo.rolledVisitors(tx, range.from, range.to, scope);
  for (const day of days.unrolled) {
    for (const pair of visitPairsOfDay(tx, timeZone, day)) {
      if (pair.scope !== scope || pair.prevDay >= range.from) continue;
      total.visitors += pair.patients;
      if (pair.prevDay === '' && pair.firstDay >= range.from) total.newPatients += pair.patients;
    }
  }
  return total;
}

/** One local day's visits as both rollups keep them: its visit pairs and, per scope, its pyramid entries. */
export interface DayOfVisits {
  pairs: repo.VisitPair[];
  /** Per scope: [previous visit day in the scope (NO_PREVIOUS_DAY: none), class] of each visitor. */
  visitors: Map<string, [number, number][]>;
}

/** One local day's visits, per department and for the whole hospital (see stats_visit_pairs and stats_day_visitors). */
export function visitsOfDay(tx: Tx, timeZone: string, day: string): DayOfVisits {
  const { start, end } = instantsOf({ from: day, to: day }, timeZone);
  const dayOf = localDays(timeZone);
  const pairs = new Map<string, repo.VisitPair>();
  const visitors = new Map<string, [number, number][]>();
  const add = (scope: string, prevDay: string, firstDay: string, code: number) => {
    const key = `${scope}\u0000${prevDay}\u0000${firstDay}`;
    const pair = pairs.get(key);
    if (pair) pair.patients += 1;
    else pairs.set(key, { scope, prevDay, firstDay, patients: 1 });
    let entries = visitors.get(scope);
    if (!entries) visitors.set(scope, (entries = []));
    entries.push([prevDay ? dayNumber(prevDay) : NO_PREVIOUS_DAY, code]);
  };
  const counted = new Set<string>();
  for (const v of repo.dayVisitors(tx, start, end)) {
    const code = classCode(v.birthDate, v.gender);
    add(v.departmentId, v.prevInDepartment ? dayOf(v.prevInDepartment) : '', v.prevInDepartment ? '' : dayOf(v.firstAnywhere ?? start), code);
    if (counted.has(v.patientId)) continue;
    counted.add(v.patientId);
    add(WHOLE_HOSPITAL_SCOPE, v.prevAnywhere ? dayOf(v.prevAnywhere) : '', v.prevAnywhere ? '' : day, code);
  }
  return { pairs: [...pairs.values()], visitors };
}

export function visitPairsOfDay(tx: Tx, timeZone: string, day: string): repo.VisitPair[] {
  return visitsOfDay(tx, timeZone, day).pairs;
}

/** Rebuilds one local day of both rollups from the encounters and patients as they are now. */
export function rebuildVisitPairsDay(tx: Tx, timeZone: string, day: string): void {
  const { pairs, visitors } = visitsOfDay(tx, timeZone, day);
  repo.replaceVisitPairsDay(tx, day, pairs);
  replaceDayVisitors(tx, day, [...visitors].map(([scope, entries]) => ({ scope, visitors: packVisitors(entries) })));
}

/** Local dates of instants; a zone's offset changes only on a quarter hour, so one conversion per quarter hour. */
export function localDays(timeZone: string): (instant: string) => string {
  const cache = new Map<string, string>();
  return (instant) => {
    const key = instant.slice(0, 13) + String(Math.floor(Number(instant.slice(14, 16)) / 15));
    let day = cache.get(key);
    if (day === undefined) cache.set(key, (day = localDate(new Date(instant), timeZone)));
    return day;
  };
}
