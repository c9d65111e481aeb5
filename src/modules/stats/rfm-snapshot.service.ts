import { addDays, localDate, toInstant } from '../../lib/clock.js';
import type { ServiceContext } from '../../lib/context.js';
import { inReadSnapshot, inTransaction } from '../../lib/transaction.js';
import { authorize } from '../staff/permissions.js';
import { firstEncounterInstant } from './patients.repository.js';
import { daysBetween, instantsOf } from './periods.js';
import { RFM_SEGMENTS, rfmSegment } from './rfm.js';
import * as repo from './rfm.repository.js';

export interface RfmSnapshotReport {
  snapshots: number;
  from: string | null;
  to: string | null;
  /** Patients in a segment, hospital-wide, in the last snapshot built. */
  patients: number;
}

interface Plan {
  period: string;
  asOf: string;
  previousAsOf: string;
}

/**
 * The nightly RFM snapshot: the month under way as of yesterday, with the movement from the end of the month before,
 * plus every month since the last snapshot that a missed night left behind. The last snapshot is rebuilt again, so
 * a month's final snapshot is taken as of its last day and visits recorded late are picked up.
 */
export async function takeRfmSnapshots(ctx: ServiceContext): Promise<RfmSnapshotReport> {
  authorize(ctx, 'stats.hospital');
  const yesterday = addDays(localDate(ctx.now, ctx.timeZone), -1);
  const { last, first } = inReadSnapshot(ctx, (tx) => ({ last: repo.lastSnapshot(tx), first: firstEncounterInstant(tx) }));
  if (first === null) return { snapshots: 0, from: null, to: null, patients: 0 };
  return build(ctx, plansFor(last?.period ?? localDate(new Date(first), ctx.timeZone).slice(0, 7), yesterday));
}

/** `npm run stats:rebuild`: every month's snapshot again, from the month of the first visit to yesterday's. */
export async function rebuildRfmSnapshots(ctx: ServiceContext): Promise<RfmSnapshotReport> {
  authorize(ctx, 'stats.hospital');
  const yesterday = addDays(localDate(ctx.now, ctx.timeZone), -1);
  const first = inTransaction(ctx, (tx) => {
    repo.clearSnapshots(tx);
    return firstEncounterInstant(tx);
  });
  if (first === null) return { snapshots: 0, from: null, to: null, patients: 0 };
  return build(ctx, plansFor(localDate(new Date(first), ctx.timeZone).slice(0, 7), yesterday));
}

/** One plan per month from `firstPeriod` to the month of `lastDay`: as of the month's end, or of `lastDay` if sooner. */
function plansFor(firstPeriod: string, lastDay: string): Plan[] {
  const plans: Plan[] = [];
  for (let period = firstPeriod; period <= lastDay.slice(0, 7); period = nextMonth(period)) {
    const start = `${period}-01`;
    const end = addDays(`${nextMonth(period)}-01`, -1);
    plans.push({ period, asOf: end < lastDay ? end : lastDay, previousAsOf: addDays(start, -1) });
  }
  return plans.filter((p) => p.asOf > p.previousAsOf);
}

function nextMonth(period: string): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

const BATCH = 50_000;
const SEGMENT_CODES = ['none', ...RFM_SEGMENTS] as const;
const CODES = SEGMENT_CODES.length;

/**
 * Every patient's segment at each plan's two days, from one pass over the visits in patient order (a batch of
 * patients per read, the event loop let go in between), counted into from → to cells per department and for the
 * whole hospital; then each plan's snapshot replaced in one transaction. The segment is `rfmSegment`, the same
 * formula the live figure uses, on the same inputs: local days of the visits, the year of 365 days to the day.
 */
async function build(ctx: ServiceContext, plans: Plan[]): Promise<RfmSnapshotReport> {
  if (plans.length === 0) return { snapshots: 0, from: null, to: null, patients: 0 };
  const days = [...new Set(plans.flatMap((p) => [p.previousAsOf, p.asOf]))].sort();
  const dayNumbers = days.map(dayNumber);
  const pairs = plans.map((p) => [days.indexOf(p.previousAsOf), days.indexOf(p.asOf)] as const);
  const lastDay = days[days.length - 1]!;
  const before = instantsOf({ from: lastDay, to: lastDay }, ctx.timeZone).end;
  const localDays = new LocalDays(ctx.timeZone);
  const cells = new Map<string, Int32Array>();
  const cellsOf = (department: string) => {
    let c = cells.get(department);
    if (!c) cells.set(department, (c = new Int32Array(plans.length * CODES * CODES)));
    return c;
  };
  const codes = new Int8Array(days.length);

  /** Segment codes at each day of the visits at `indexes` (in time order) into `codes`. */
  function segmentsAt(visitDays: number[], charges: number[], indexes: number[]): void {
    for (let k = 0; k < days.length; k++) {
      const day = dayNumbers[k]!;
      let last = -1;
      let visits = 0;
      let spend = 0;
      for (const i of indexes) {
        const v = visitDays[i]!;
        if (v > day) break;
        last = v;
        if (v >= day - 364) {
          visits++;
          spend += charges[i]!;
        }
      }
      codes[k] = last < 0 ? 0 : SEGMENT_CODES.indexOf(rfmSegment({ daysSinceLast: day - last, visitsInYear: visits, spendCentsInYear: spend }));
    }
  }
  function count(department: string): void {
    const c = cellsOf(department);
    pairs.forEach(([from, to], p) => {
      const a = codes[from]!;
      const b = codes[to]!;
      if (a !== 0 || b !== 0) c[(p * CODES + a) * CODES + b]! += 1;
    });
  }

  let after = '';
  for (;;) {
    const rows = inReadSnapshot(ctx, (tx) => repo.visitsAfterPatient(tx, after, before, BATCH));
    if (rows.length === 0) break;
    for (let i = 0; i < rows.length; ) {
      let j = i;
      while (j < rows.length && rows[j]![0] === rows[i]![0]) j++;
      const visitDays: number[] = [];
      const charges: number[] = [];
      const byDepartment = new Map<string, number[]>();
      for (let k = i; k < j; k++) {
        const [, department, startAt, cents] = rows[k]!;
        visitDays.push(localDays.of(startAt));
        charges.push(cents);
        const list = byDepartment.get(department) ?? [];
        list.push(k - i);
        byDepartment.set(department, list);
      }
      const all = visitDays.map((_, k) => k);
      segmentsAt(visitDays, charges, all);
      count(repo.WHOLE_HOSPITAL);
      for (const [department, indexes] of byDepartment) {
        if (indexes.length !== all.length) segmentsAt(visitDays, charges, indexes);
        count(department);
      }
      i = j;
    }
    after = rows[rows.length - 1]![0];
    // Let requests in between: a snapshot of a million patients must not hold the event loop for its whole length.
    await new Promise((resolve) => setImmediate(resolve));
  }

  const builtAt = toInstant(ctx.now);
  inTransaction(ctx, (tx) =>
    plans.forEach((plan, p) => {
      const out: { departmentId: string; from: string; to: string; patients: number }[] = [];
      for (const [departmentId, c] of cells) {
        for (let a = 0; a < CODES; a++)
          for (let b = 0; b < CODES; b++) {
            const n = c[(p * CODES + a) * CODES + b]!;
            if (n > 0) out.push({ departmentId, from: SEGMENT_CODES[a]!, to: SEGMENT_CODES[b]!, patients: n });
          }
      }
      repo.replaceSnapshot(tx, { ...plan, builtAt }, out);
    }),
  );
  const hospital = cells.get(repo.WHOLE_HOSPITAL);
  const lastPlan = plans.length - 1;
  let patients = 0;
  if (hospital) for (let a = 0; a < CODES; a++) for (let b = 1; b < CODES; b++) patients += hospital[(lastPlan * CODES + a) * CODES + b]!;
  return { snapshots: plans.length, from: plans[0]!.period, to: plans[lastPlan]!.period, patients };
}

function dayNumber(day: string): number {
  return daysBetween('1970-01-01', day);
}

/**
 * Local day numbers of instants. A zone's offset changes only on a quarter hour, so the local date is the same for
 * every instant of a UTC quarter hour: one Intl conversion per quarter hour, not per visit.
 */
class LocalDays {
  readonly #cache = new Map<string, number>();
  readonly #timeZone: string;
  constructor(timeZone: string) {
    this.#timeZone = timeZone;
  }

  of(instant: string): number {
    const key = instant.slice(0, 13) + String(Math.floor(Number(instant.slice(14, 16)) / 15));
    let n = this.#cache.get(key);
    if (n === undefined) this.#cache.set(key, (n = dayNumber(localDate(new Date(instant), this.#timeZone))));
    return n;
  }
}
