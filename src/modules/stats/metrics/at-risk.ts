import { z } from 'zod';
import { Labels } from '../labels.js';
import { instantsOf } from '../periods.js';
import type { MetricDefinition, MetricRegistry } from '../registry.js';
import * as repo from '../at-risk.repository.js';
import { Period, StatsFilter } from '../stats.schemas.js';

export const AT_RISK_REASONS = ['open_complaint', 'repeat_complaints', 'low_last_satisfaction'] as const;
type Reason = (typeof AT_RISK_REASONS)[number];
const REPEAT_DAYS = 180;

const AtRiskQuery = StatsFilter.extend({ limit: z.coerce.number().int().min(1).max(500).default(100) }).strict();
const AtRiskResult = z.object({
  period: Period,
  asOf: z.string().describe('the instant the rule is applied at: the end of the period, or now if earlier'),
  rule: z.string(),
  items: z.array(
    z.object({
      patientId: z.string(),
      name: z.string(),
      reasons: z.array(z.enum(AT_RISK_REASONS)).min(1),
      openComplaints: z.number().int(),
      complaints180Days: z.number().int(),
      satisfaction: z.number().nullable().describe('the latest overall-satisfaction answer given in the period, when it is low'),
      answeredAt: z.string().nullable(),
      responseId: z.string().nullable(),
      department: z.string(),
      lastVisitAt: z.string().nullable(),
    }),
  ),
});

/**
 * At risk, as the call centre's rule (issue 8) says: an open complaint, two complaints in 180 days, or a last
 * satisfaction score at or under the threshold (the same setting the patient file's banner uses). Patients with an
 * open complaint come first (longest waiting first), then repeat complainants, then the lowest scores. The reasons
 * of the patients shown are completed from all three rules, so a reason is never missing because a list was cut.
 */
const atRisk: MetricDefinition<typeof AtRiskQuery, typeof AtRiskResult> = {
  id: 'patients.at-risk',
  summary: 'Patients at risk of leaving at the end of the period: an open complaint, two complaints in 180 days, or a latest overall-satisfaction answer (given in the period) at or under the threshold. Audited',
  query: AtRiskQuery,
  result: AtRiskResult,
  listsPatients: true,
  compute: ({ tx, ctx, range, query }) => {
    const labels = new Labels(tx, ctx, query.lang);
    const { start, end } = instantsOf(range, ctx.timeZone);
    const asOf = end < ctx.now.toISOString() ? end : ctx.now.toISOString();
    const since = new Date(Date.parse(asOf) - REPEAT_DAYS * 86_400_000).toISOString();
    const max = ctx.callcentre.settings.atRiskSatisfaction;
    const dept = query.departmentId;
    const order: string[] = [];
    const departmentOf = new Map<string, string | null>();
    const add = (rows: { patientId: string; departmentId: string | null }[]) => {
      for (const r of rows) {
        if (departmentOf.has(r.patientId)) continue;
        departmentOf.set(r.patientId, r.departmentId);
        order.push(r.patientId);
      }
    };
    add(repo.openComplaints(tx, asOf, dept, query.limit));
    if (order.length < query.limit) add(repo.repeatComplaints(tx, since, asOf, dept, query.limit));
    if (order.length < query.limit) add(repo.lowLastSatisfaction(tx, start, end, dept, max, query.limit));
    const shown = order.slice(0, query.limit);
    const open = new Map(repo.openComplaints(tx, asOf, dept, shown.length + 1, shown).map((r) => [r.patientId, r]));
    const repeat = new Map(repo.repeatComplaints(tx, since, asOf, dept, shown.length + 1, shown).map((r) => [r.patientId, r]));
    const low = new Map(repo.lowLastSatisfaction(tx, start, end, dept, max, shown.length + 1, shown).map((r) => [r.patientId, r]));
    const patients = new Map(repo.patientsNamed(tx, shown).map((p) => [p.id, p]));
    return {
      period: range,
      asOf,
      rule: `an open complaint; ≥ 2 complaints in ${REPEAT_DAYS} days; latest overall satisfaction ≤ ${max}`,
      items: shown.map((patientId) => {
        const l = low.get(patientId);
        const reasons: Reason[] = [...(open.has(patientId) ? ['open_complaint' as const] : []), ...(repeat.has(patientId) ? ['repeat_complaints' as const] : []), ...(l ? ['low_last_satisfaction' as const] : [])];
        return {
          patientId,
          name: patients.get(patientId)?.name ?? '',
          reasons,
          openComplaints: open.get(patientId)?.openComplaints ?? 0,
          complaints180Days: repeat.get(patientId)?.complaints ?? 0,
          satisfaction: l?.satisfaction ?? null,
          answeredAt: l?.authoredAt ?? null,
          responseId: l?.responseId ?? null,
          department: labels.department(departmentOf.get(patientId) ?? null),
          lastVisitAt: patients.get(patientId)?.lastVisitAt ?? null,
        };
      }),
    };
  },
};

export function registerAtRiskMetric(registry: MetricRegistry): void {
  registry.register(atRisk as unknown as MetricDefinition);
}
