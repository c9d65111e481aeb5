import type { Tx } from '../../../db/client.js';
import { localDate, toInstant } from '../../lib/clock.js';
import type { ServiceContext } from '../../lib/context.js';
import { inTransaction } from '../../lib/transaction.js';
import { authorize } from '../staff/permissions.js';
import { clearAppointmentsRollup, firstAppointmentDay, rebuildAppointmentsMonth } from './appointments.repository.js';
import * as followup from './followup.repository.js';
import { forgetRolledMonths, lastRolledMonth, markMonthRolled, monthRange, MONTHLY_ROLLUPS, nextMonth, previousMonth, type MonthlyRollup } from './months.js';
import { instantsOf, type DayRange } from './periods.js';

export interface MonthlyRollupReport {
  /** Months rebuilt, per rollup. */
  months: Record<MonthlyRollup, number>;
  /** Rollup rows written. */
  rows: number;
}

interface MonthlyRollupSource {
  /** The first local day with data, or null. */
  firstDay(tx: Tx, timeZone: string): string | null;
  rebuild(tx: Tx, month: string, days: DayRange, instants: { start: string; end: string }, now: string): number;
}

const dayOf = (instant: string | null, timeZone: string) => (instant === null ? null : localDate(new Date(instant), timeZone));

const SOURCES: Record<MonthlyRollup, MonthlyRollupSource> = {
  appointments: { firstDay: (tx) => firstAppointmentDay(tx), rebuild: (tx, month, days, _i, now) => rebuildAppointmentsMonth(tx, month, days.from, days.to, now) },
  discharges: { firstDay: (tx, tz) => dayOf(followup.firstDischargeInstant(tx), tz), rebuild: (tx, month, _d, i) => followup.rebuildDischargesMonth(tx, month, i.start, i.end) },
  'call-attempts': { firstDay: (tx, tz) => dayOf(followup.firstAttemptInstant(tx), tz), rebuild: (tx, month, _d, i) => followup.rebuildCallAttemptsMonth(tx, month, i.start, i.end) },
};

/** The last month that has ended (local): the month before this one. Only finished months are rolled up. */
function lastFinishedMonth(ctx: ServiceContext): string {
  return previousMonth(localDate(ctx.now, ctx.timeZone).slice(0, 7));
}

/**
 * The nightly job's share for the service rollups: every finished month not rolled up yet, and the last rolled month
 * and the one before it again, where late changes land (a no-show marked after the day, a plan opened days after its
 * discharge). A change to an older month is picked up by `npm run stats:rebuild`.
 */
export async function rollUpFinishedMonths(ctx: ServiceContext): Promise<MonthlyRollupReport> {
  authorize(ctx, 'stats.hospital');
  return build(ctx, (tx, rollup) => {
    const last = lastRolledMonth(tx, rollup);
    return last === null ? null : previousMonth(last);
  });
}

/** `npm run stats:rebuild`: forgets the service rollups and rebuilds every finished month from the first data. */
export async function rebuildMonthlyRollups(ctx: ServiceContext): Promise<MonthlyRollupReport> {
  authorize(ctx, 'stats.hospital');
  inTransaction(ctx, (tx) => {
    for (const rollup of MONTHLY_ROLLUPS) forgetRolledMonths(tx, rollup);
    clearAppointmentsRollup(tx);
    followup.clearFollowupRollups(tx);
  });
  return build(ctx, () => null);
}

async function build(ctx: ServiceContext, from: (tx: Tx, rollup: MonthlyRollup) => string | null): Promise<MonthlyRollupReport> {
  const report: MonthlyRollupReport = { months: { appointments: 0, discharges: 0, 'call-attempts': 0 }, rows: 0 };
  const until = lastFinishedMonth(ctx);
  const now = toInstant(ctx.now);
  for (const rollup of MONTHLY_ROLLUPS) {
    const first = inTransaction(ctx, (tx) => {
      const firstDay = SOURCES[rollup].firstDay(tx, ctx.timeZone);
      if (firstDay === null) return null;
      const again = from(tx, rollup);
      return again !== null && again > firstDay.slice(0, 7) ? again : firstDay.slice(0, 7);
    });
    if (first === null) continue;
    for (let month = first; month <= until; month = nextMonth(month)) {
      // One month per transaction: each month is either old or new, and a stopped job simply carries on next time.
      report.rows += inTransaction(ctx, (tx) => {
        const days = monthRange(month);
        const rows = SOURCES[rollup].rebuild(tx, month, days, instantsOf(days, ctx.timeZone), now);
        markMonthRolled(tx, rollup, month, now);
        return rows;
      });
      report.months[rollup] += 1;
      // Let requests in between: years of months must not hold the event loop.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return report;
}
