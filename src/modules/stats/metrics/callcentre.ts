import { z } from 'zod';
import { groupBy, medianOfCounts, mergedCounts, rate, sumOf } from '../formulas.js';
import { Labels } from '../labels.js';
import { instantsOf } from '../periods.js';
import type { MetricDefinition, MetricRegistry } from '../registry.js';
import * as repo from '../callcentre.repository.js';
import { Period, Rate, StatsFilter } from '../stats.schemas.js';

const ConsultationsResult = z.object({
  period: Period,
  conversionDays: z.number().int().describe('a consultation converts when the patient books or visits within these days'),
  total: z.number().int(),
  conversion: Rate,
  rows: z.array(z.object({ category: z.string(), consultations: z.number().int(), pending: z.number().int(), conversion: Rate })),
});

const byCategory: MetricDefinition<typeof StatsFilter, typeof ConsultationsResult> = {
  id: 'consultations.by-category',
  summary: 'Consultations received in the period by category; conversion: a booking or visit within the configured days, of the consultations decided (eligible; pending ones are still inside their window)',
  query: StatsFilter,
  result: ConsultationsResult,
  // Consultations carry no department: a figure for the whole hospital.
  scope: 'hospital',
  compute: ({ tx, ctx, range }) => {
    const { start, end } = instantsOf(range, ctx.timeZone);
    const rows = repo.consultationsByCategory(tx, start, end);
    const sum = (f: (r: (typeof rows)[number]) => number) => rows.reduce((n, r) => n + f(r), 0);
    return {
      period: range,
      conversionDays: ctx.callcentre.settings.conversionDays,
      total: sum((r) => r.consultations),
      conversion: rate(sum((r) => r.converted), sum((r) => r.converted + r.notConverted), 'eligible'),
      rows: rows.map((r) => ({ category: r.key, consultations: r.consultations, pending: r.pending, conversion: rate(r.converted, r.converted + r.notConverted, 'eligible') })),
    };
  },
};

const FeedbackFigures = z.object({
  received: z.number().int(),
  resolved: z.number().int(),
  medianHoursToResolve: z.number().nullable().describe('received to resolved, over the resolved ones'),
  deadlineMet: Rate.describe('resolved by the deadline and never escalated, of those due (deadline passed, or resolved)'),
  escalated: z.number().int().describe('cases escalated at least once'),
});
const FeedbackRow = FeedbackFigures.extend({ key: z.string(), label: z.string() });
const FeedbackResult = z.object({ period: Period, total: FeedbackFigures, byKind: z.array(FeedbackRow), byCategory: z.array(FeedbackRow), byDepartment: z.array(FeedbackRow) });

function feedbackFigures(cells: readonly repo.FeedbackCell[]): z.infer<typeof FeedbackFigures> {
  const t = sumOf(cells, ['received', 'resolved', 'due', 'met', 'escalated']);
  const median = medianOfCounts(mergedCounts(cells.map((c) => c.minutes)));
  return { received: t.received, resolved: t.resolved, medianHoursToResolve: median === null ? null : median / 60, deadlineMet: rate(t.met, t.due, 'eligible'), escalated: t.escalated };
}

function grouped(cells: readonly repo.FeedbackCell[], keyOf: (c: repo.FeedbackCell) => string, label: (key: string) => string) {
  return [...groupBy(cells, keyOf)]
    .map(([key, list]) => ({ key, label: label(key), ...feedbackFigures(list) }))
    .sort((a, b) => b.received - a.received || a.key.localeCompare(b.key));
}

const feedbackSummary: MetricDefinition<typeof StatsFilter, typeof FeedbackResult> = {
  id: 'feedback.summary',
  summary: 'Feedback received in the period by kind, category and department: resolved, median hours to resolve, deadline compliance (of those due), escalations',
  query: StatsFilter,
  result: FeedbackResult,
  compute: ({ tx, ctx, range, query }) => {
    const labels = new Labels(tx, ctx, query.lang);
    const { start, end } = instantsOf(range, ctx.timeZone);
    const cells = repo.feedbackCells(tx, start, end, ctx.now.toISOString(), query.departmentId);
    return {
      period: range,
      total: feedbackFigures(cells),
      byKind: grouped(cells, (c) => c.kind, (k) => k),
      byCategory: grouped(cells, (c) => c.category, (k) => k),
      byDepartment: grouped(cells, (c) => c.departmentId, (k) => labels.department(k)),
    };
  },
};

export function registerCallCentreMetrics(registry: MetricRegistry): void {
  for (const m of [byCategory, feedbackSummary]) registry.register(m as unknown as MetricDefinition);
}
