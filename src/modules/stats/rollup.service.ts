import type { Tx } from '../../../db/client.js';
import { addDays, localDate, toInstant } from '../../lib/clock.js';
import type { ServiceContext } from '../../lib/context.js';
import { inTransaction } from '../../lib/transaction.js';
import { authorize } from '../staff/permissions.js';
import { SATISFIED_AT } from './formulas.js';
import { forgetRolledMonths, markMonthRolled, monthRange, nextMonth } from './months.js';
import { daysBetween, instantsOf } from './periods.js';
import { rebuildDiagnosisDay } from './disease-mix.source.js';
import { clearDiagnosisRollup, clearVisitPairs, firstEncounterInstant } from './patients.repository.js';
import * as repo from './satisfaction.repository.js';
import { clearDayVisitors } from './pyramid.repository.js';
import { foldVisitorChanges } from './pyramid.source.js';
import { rebuildVisitPairsDay } from './visitors.source.js';

export interface RollupReport {
  days: number;
  responses: number;
  from: string | null;
  to: string | null;
}

/** The first instant any rollup has data for: the first response or the first visit (disease mix). */
function firstInstant(tx: Tx): string | null {
  const [a, b] = [repo.firstResponseInstant(tx), firstEncounterInstant(tx)];
  return a === null ? b : b === null ? a : a < b ? a : b;
}

/**
 * Rolls up every finished local day not rolled up yet, up to yesterday: the nightly job. Today stays live. Days are
 * rebuilt whole inside a transaction, so a job stopped half-way leaves each day either old or new, never mixed,
 * and the next run (or another instance) simply carries on.
 */
export async function rollUpFinishedDays(ctx: ServiceContext): Promise<RollupReport> {
  authorize(ctx, 'stats.hospital');
  const yesterday = addDays(localDate(ctx.now, ctx.timeZone), -1);
  const { last, first } = inTransaction(ctx, (tx) => ({ last: repo.lastRolledDay(tx), first: firstInstant(tx) }));
  if (first === null) return { days: 0, responses: 0, from: null, to: null };
  // The last rolled day is rebuilt again: a response recorded after its rollup (a late staff entry) is picked up.
  const from = last ?? localDate(new Date(first), ctx.timeZone);
  return rebuildDays(ctx, from, yesterday);
}

/** `npm run stats:rebuild`: forgets every rollup and rebuilds from the first response or visit to yesterday. */
export async function rebuildAllRollups(ctx: ServiceContext, onDay?: (day: string) => void): Promise<RollupReport> {
  authorize(ctx, 'stats.hospital');
  const first = inTransaction(ctx, (tx) => {
    repo.clearRollups(tx);
    forgetRolledMonths(tx, 'satisfaction');
    clearDiagnosisRollup(tx);
    clearVisitPairs(tx);
    clearDayVisitors(tx);
    return firstInstant(tx);
  });
  if (first === null) return { days: 0, responses: 0, from: null, to: null };
  return rebuildDays(ctx, localDate(new Date(first), ctx.timeZone), addDays(localDate(ctx.now, ctx.timeZone), -1), onDay);
}

const DAYS_PER_TRANSACTION = 31;

async function rebuildDays(ctx: ServiceContext, from: string, to: string, onDay?: (day: string) => void): Promise<RollupReport> {
  const report: RollupReport = { days: 0, responses: 0, from: from <= to ? from : null, to: from <= to ? to : null };
  // Patients changed since their days were rolled (edits, merges) are folded in even when no day is due.
  if (from > to) inTransaction(ctx, (tx) => foldVisitorChanges(tx, ctx.timeZone));
  for (let first = from; first <= to; first = addDays(first, DAYS_PER_TRANSACTION)) {
    // A month of days per transaction: one commit (and fsync) per month instead of per day.
    const days: string[] = [];
    for (let d = first; d <= to && days.length < DAYS_PER_TRANSACTION; d = addDays(d, 1)) days.push(d);
    const built = inTransaction(ctx, (tx) => {
      // Before any day is rolled from things as they are now, so each rolled day matches the changes still kept.
      foldVisitorChanges(tx, ctx.timeZone);
      return days.map((day) => {
        const { start, end } = instantsOf({ from: day, to: day }, ctx.timeZone);
        rebuildDiagnosisDay(tx, day, start, end);
        rebuildVisitPairsDay(tx, ctx.timeZone, day);
        return repo.rebuildDay(tx, day, start, end, SATISFIED_AT, toInstant(ctx.now)).responses;
      });
    });
    report.days += days.length;
    report.responses += built.reduce((a, b) => a + b, 0);
    for (const day of days) onDay?.(day);
    // Let requests in between: a rebuild of years must not hold the event loop for its whole length.
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (from <= to) rollUpMonths(ctx, from.slice(0, 7), to);
  return report;
}

/**
 * The monthly satisfaction sums of the months [first, the month of `lastRolled`] whose every day is rolled up (the
 * month under way never is): summed again from the daily cells, since one of their days may just have been rebuilt.
 */
function rollUpMonths(ctx: ServiceContext, first: string, lastRolled: string): void {
  const builtAt = toInstant(ctx.now);
  for (let month = first; month <= lastRolled.slice(0, 7); month = nextMonth(month)) {
    const days = monthRange(month);
    if (days.to > lastRolled) break;
    inTransaction(ctx, (tx) => {
      if (repo.rolledDayCount(tx, days.from, days.to) !== daysBetween(days.from, days.to) + 1) return;
      repo.rebuildMonth(tx, month, days.from, days.to);
      markMonthRolled(tx, 'satisfaction', month, builtAt);
    });
  }
}
