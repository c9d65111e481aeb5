import { z } from 'zod';
import { addDays } from '../../../lib/clock.js';
import { rate, type Rate as RateValue } from '../formulas.js';
import { Labels } from '../labels.js';
import { instantsOf, type DayRange } from '../periods.js';
import type { MetricDefinition, MetricRegistry } from '../registry.js';
import * as repo from '../followup.repository.js';
import { callAttemptsOf, dischargesOf } from '../followup.source.js';
import { Period, Rate, StatsFilter } from '../stats.schemas.js';

/** Every follow-up figure: one rate overall and one per department, with the same denominator name. */
const RateByDepartment = z.object({
  period: Period,
  overall: Rate,
  rows: z.array(z.object({ key: z.string(), label: z.string(), rate: Rate })),
});
type RateByDepartment = z.infer<typeof RateByDepartment>;

function byDepartment(labels: Labels, range: DayRange, rows: { key: string; numerator: number; denominator: number }[], name: RateValue['denominatorName']): RateByDepartment {
  const total = rows.reduce((acc, r) => ({ n: acc.n + r.numerator, d: acc.d + r.denominator }), { n: 0, d: 0 });
  const out = rows.map((r) => ({ key: r.key, label: labels.department(r.key), rate: rate(r.numerator, r.denominator, name) }));
  // Lowest rate first, where attention is needed; ties by label.
  out.sort((a, b) => (a.rate.value ?? Infinity) - (b.rate.value ?? Infinity) || a.label.localeCompare(b.label) || a.key.localeCompare(b.key));
  return { period: range, overall: rate(total.n, total.d, name), rows: out };
}

/** The period's local days as instants, up to `now` (later days have nothing due yet). */
function daysOf(range: DayRange, timeZone: string, now: Date): { start: string; end: string }[] {
  const out: { start: string; end: string }[] = [];
  const nowIso = now.toISOString();
  for (let d = range.from; d <= range.to; d = addDays(d, 1)) {
    const day = instantsOf({ from: d, to: d }, timeZone);
    if (day.start >= nowIso) break;
    out.push(day);
  }
  return out;
}

const coverage: MetricDefinition<typeof StatsFilter, typeof RateByDepartment> = {
  id: 'followup.coverage',
  summary: 'Follow-up coverage: discharges (inpatient stays ended in the period) that put the patient on a follow-up plan, of discharges (eligible), by department',
  query: StatsFilter,
  result: RateByDepartment,
  compute: ({ tx, ctx, range, query }) => {
    const rows = dischargesOf(tx, ctx.timeZone, range, query).map((r) => ({ key: r.key, numerator: r.withPlan, denominator: r.discharges }));
    return byDepartment(new Labels(tx, ctx, query.lang), range, rows, 'eligible');
  },
};

/** A share of the tasks due in the period (eligible: due time passed, cancelled ones left out), by department. */
function ofTasksDue(id: string, summary: string, numerator: (r: ReturnType<typeof repo.tasksDue>[number]) => number): MetricDefinition<typeof StatsFilter, typeof RateByDepartment> {
  return {
    id,
    summary,
    query: StatsFilter,
    result: RateByDepartment,
    compute: ({ tx, ctx, range, query }) => {
      const rows = repo.tasksDue(tx, daysOf(range, ctx.timeZone, ctx.now), ctx.now.toISOString(), query).map((r) => ({ key: r.key, numerator: numerator(r), denominator: r.due }));
      return byDepartment(new Labels(tx, ctx, query.lang), range, rows, 'eligible');
    },
  };
}

const completion = ofTasksDue('followup.completion', 'Follow-up tasks done, of tasks due in the period (eligible: due time passed, cancelled ones left out), by department', (r) => r.done);

const onTime = ofTasksDue(
  'followup.on-time',
  'Follow-up tasks done by the end of their due day (the worklist flags them overdue from the next day), of tasks due in the period (eligible), by department',
  (r) => r.onTime,
);

const reach: MetricDefinition<typeof StatsFilter, typeof RateByDepartment> = {
  id: 'followup.reach',
  summary: 'Follow-up calls that reached the patient, of call attempts made in the period (attempted), by department',
  query: StatsFilter,
  result: RateByDepartment,
  compute: ({ tx, ctx, range, query }) => {
    const rows = callAttemptsOf(tx, ctx.timeZone, range, query).map((r) => ({ key: r.key, numerator: r.reached, denominator: r.attempted }));
    return byDepartment(new Labels(tx, ctx, query.lang), range, rows, 'attempted');
  },
};

export function registerFollowupMetrics(registry: MetricRegistry): void {
  for (const m of [coverage, completion, onTime, reach]) registry.register(m as unknown as MetricDefinition);
}
