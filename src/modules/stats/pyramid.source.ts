import type { Tx } from '../../../db/client.js';
import * as repo from './patients.repository.js';
import { instantsOf, type DayRange } from './periods.js';
import * as pyramid from './pyramid.repository.js';
import { rolledDays } from './satisfaction.repository.js';
import { classCode, classOf, countVisitorsBefore, dayNumber, packVisitors } from './visitor-classes.js';
import { localDays, rebuildVisitPairsDay, rolledAndLiveDays, visitsOfDay, WHOLE_HOSPITAL_SCOPE } from './visitors.source.js';

/**
 * Patients seen in the period by birth date and gender, each once. Like new and returning (visitors.source.ts), a
 * patient counts on the first day of the period they came: rolled days from their packed visitors
 * (stats_day_visitors), a day or three not rolled up (today) paired live, anything else counted directly. Patients
 * whose birth date or gender changed, or whose encounters a merge moved, since their days were rolled are corrected
 * here until the rollup folds the change in (foldVisitorChanges), so every way gives the same numbers.
 */
export function visitorsByClass(tx: Tx, timeZone: string, range: DayRange, departmentId: string | undefined): { birthDate: string | null; gender: string; patients: number }[] {
  const days = rolledAndLiveDays(tx, range);
  if (!days) {
    const { start, end } = instantsOf(range, timeZone);
    return repo.visitorsByBirthYear(tx, start, end, departmentId);
  }
  const { rolled, unrolled } = days;
  const scope = departmentId ?? WHOLE_HOSPITAL_SCOPE;
  const first = dayNumber(range.from);
  const counts = new Map<number, number>();
  for (const blob of pyramid.dayVisitorBlobs(tx, range.from, range.to, scope)) countVisitorsBefore(blob, first, counts);
  for (const day of unrolled) {
    const entries = visitsOfDay(tx, timeZone, day).visitors.get(scope);
    if (entries) countVisitorsBefore(packVisitors(entries), first, counts);
  }
  correctChangedPatients(tx, timeZone, range, scope, rolled, counts);
  const rows: { birthDate: string | null; gender: string; patients: number }[] = [];
  for (const [code, patients] of counts) if (patients !== 0) rows.push({ ...classOf(code), patients });
  return rows;
}

/**
 * A changed patient counts in the rolled days as rolled (their first visit of the period then, their class then) and
 * should count as they are now: take the one off and put the other on, each only where its day is a rolled one (an
 * unrolled day was paired live, from things as they are).
 */
function correctChangedPatients(tx: Tx, timeZone: string, range: DayRange, scope: string, rolled: Set<string>, counts: Map<number, number>): void {
  if (!pyramid.hasRolledChanges(tx)) return;
  const { start, end } = instantsOf(range, timeZone);
  const firstNow = new Map<string, string>();
  const firstRolled = new Map<string, string>();
  const earliest = (map: Map<string, string>, id: string, at: string) => {
    const seen = map.get(id);
    if (seen === undefined || at < seen) map.set(id, at);
  };
  for (const v of pyramid.changedVisits(tx, start, end, scope)) {
    earliest(firstNow, v.patientId, v.startAt);
    earliest(firstRolled, v.rolledPatientId, v.startAt);
  }
  const dayOf = localDays(timeZone);
  const add = (code: number, n: number) => counts.set(code, (counts.get(code) ?? 0) + n);
  for (const p of pyramid.changedDemographics(tx)) {
    const now = classCode(p.birthDate, p.gender);
    const was = p.changed ? classCode(p.rolledBirthDate, p.rolledGender) : now;
    const seenNow = firstNow.get(p.patientId);
    const seenRolled = firstRolled.get(p.patientId);
    if (seenNow !== undefined && rolled.has(dayOf(seenNow))) add(now, 1);
    if (seenRolled !== undefined && rolled.has(dayOf(seenRolled))) add(was, -1);
  }
}

/**
 * Folds the changes the triggers kept into the rolled days: every rolled day a changed patient visited on (their
 * encounters now include the ones a merge moved to them) is rolled again from things as they are, pairs and visitors,
 * and the changes are forgotten. Runs at the start of every rollup transaction, so a day is never rolled from new
 * data while a change kept before it is still waiting to be folded.
 */
export function foldVisitorChanges(tx: Tx, timeZone: string): number {
  if (!pyramid.hasRolledChanges(tx)) return 0;
  const dayOf = localDays(timeZone);
  const days = [...new Set(pyramid.changedVisitStarts(tx).map(dayOf))].sort();
  const rolled = days.length ? rolledDays(tx, days[0]!, days[days.length - 1]!) : new Set<string>();
  let folded = 0;
  for (const day of days) {
    if (!rolled.has(day)) continue;
    rebuildVisitPairsDay(tx, timeZone, day);
    folded++;
  }
  pyramid.clearRolledChanges(tx);
  return folded;
}
