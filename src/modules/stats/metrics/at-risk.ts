import { z } from 'zod';
import { AT_RISK_REASONS, type AtRiskReason } from '../../feedback/feedback.schemas.js';
import { Labels } from '../labels.js';
import { instantsOf } from '../periods.js';
import type { MetricDefinition, MetricRegistry } from '../registry.js';
import * as repo from '../at-risk.repository.js';
import { Period, StatsFilter } from '../stats.schemas.js';

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
 * open complaint come first (longest waiting first), then repeat complainants, then the lowest scores. Each rule runs
 * once for its first `limit` patients (a year at 100× has tens of thousands at risk: reading every one took 350 ms);
 * a rule whose list was cut is asked again only about the shown patients it did not reach, so each still carries
 * every reason they have. The reasons are feedback's (riskOf's) words.
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
    const openRule = (scope: repo.RuleScope) => repo.openComplaints(tx, asOf, dept, scope);
    const repeatRule = (scope: repo.RuleScope) => repo.repeatComplaints(tx, since, asOf, dept, scope);
    const lowRule = (scope: repo.RuleScope) => repo.lowLastSatisfaction(tx, start, end, dept, max, scope);
    const first = { limit: query.limit };
    const listed = { open: openRule(first), repeat: repeatRule(first), low: lowRule(first) };
    // In the rules' order (a Map keeps the first insertion): open complaints, then repeats, then low scores.
    const departmentOf = new Map<string, string | null>();
    for (const rows of [listed.open, listed.repeat, listed.low]) for (const r of rows) if (!departmentOf.has(r.patientId)) departmentOf.set(r.patientId, r.departmentId);
    const shown = [...departmentOf.keys()].slice(0, query.limit);
    const complete = <Row extends { patientId: string }>(rows: Row[], rule: (scope: repo.RuleScope) => Row[]): Map<string, Row> => {
      const found = byPatient(rows);
      const unreached = rows.length < query.limit ? [] : shown.filter((id) => !found.has(id));
      if (unreached.length > 0) for (const row of rule({ ids: unreached })) found.set(row.patientId, row);
      return found;
    };
    const open = complete(listed.open, openRule);
    const repeat = complete(listed.repeat, repeatRule);
    const low = complete(listed.low, lowRule);
    const patients = new Map(repo.patientsNamed(tx, shown).map((p) => [p.id, p]));
    return {
      period: range,
      asOf,
      rule: `an open complaint; ≥ 2 complaints in ${REPEAT_DAYS} days; latest overall satisfaction ≤ ${max}`,
      items: shown.map((patientId) => {
        const l = low.get(patientId);
        const reasons: AtRiskReason[] = [...(open.has(patientId) ? ['open_complaint' as const] : []), ...(repeat.has(patientId) ? ['repeat_complaints' as const] : []), ...(l ? ['low_satisfaction' as const] : [])];
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

function byPatient<Row extends { patientId: string }>(rows: Row[]): Map<string, Row> {
  return new Map(rows.map((r) => [r.patientId, r]));
}

export function registerAtRiskMetric(registry: MetricRegistry): void {
  registry.register(atRisk as unknown as MetricDefinition);
}
