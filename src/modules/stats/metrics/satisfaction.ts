import type { z } from 'zod';
import { change, mean, nps, rate } from '../formulas.js';
import { Labels } from '../labels.js';
import { bucketOf, bucketsOf, instantsOf, previousRange } from '../periods.js';
import type { MetricDefinition, MetricRegistry } from '../registry.js';
import { findComments, findResponsesBehind, type SatisfactionCell, type Scope } from '../satisfaction.repository.js';
import { addCells, itemCells, satisfactionCells } from '../satisfaction.source.js';
import * as s from '../stats.schemas.js';

type Figures = z.infer<typeof s.SatisfactionFigures>;

/** The satisfaction figures of a set of cells: the one formula every view of satisfaction uses. */
export function figuresOf(cells: readonly SatisfactionCell[]): Figures {
  const t = addCells(cells);
  return {
    responses: t.responses,
    satisfaction: mean(t.satN, t.satSum, t.satSumSq),
    // Share satisfied: of those who answered the overall question (responded), not of all responses.
    satisfied: rate(t.satisfied, t.satN, 'responded'),
    nps: nps(t.promoters, t.passives, t.detractors),
  };
}

export function scopeOf(q: s.StatsFilter): Scope {
  return { departmentId: q.departmentId, doctorId: q.doctorId, questionnaireId: q.questionnaireId, encounterClass: q.encounterClass };
}

const summary: MetricDefinition<typeof s.StatsFilter, typeof s.SatisfactionSummary> = {
  id: 'satisfaction.summary',
  summary: 'Overall satisfaction (mean, share satisfied), NPS and responses for the period, against the previous period of the same length',
  query: s.StatsFilter,
  result: s.SatisfactionSummary,
  compute: ({ tx, ctx, range, query }) => {
    const previous = previousRange(range);
    const current = figuresOf(satisfactionCells(tx, ctx.timeZone, range, scopeOf(query), 'none'));
    const before = figuresOf(satisfactionCells(tx, ctx.timeZone, previous, scopeOf(query), 'none'));
    return {
      period: range,
      previousPeriod: previous,
      current,
      previous: before,
      change: {
        satisfaction: change(current.satisfaction.value, before.satisfaction.value),
        satisfiedShare: change(current.satisfied.value, before.satisfied.value),
        nps: change(current.nps.value, before.nps.value),
        responses: current.responses - before.responses,
      },
    };
  },
};

const breakdown: MetricDefinition<typeof s.BreakdownQuery, typeof s.SatisfactionBreakdown> = {
  id: 'satisfaction.breakdown',
  summary: 'Satisfaction, share satisfied and NPS by department, doctor, questionnaire or encounter class; lowest mean first',
  query: s.BreakdownQuery,
  result: s.SatisfactionBreakdown,
  compute: ({ tx, ctx, range, query }) => {
    const labels = new Labels(tx, ctx, query.lang);
    const groups = new Map<string, SatisfactionCell[]>();
    for (const cell of satisfactionCells(tx, ctx.timeZone, range, scopeOf(query), query.by)) {
      const list = groups.get(cell.key) ?? [];
      list.push(cell);
      groups.set(cell.key, list);
    }
    const rows = [...groups].map(([key, cells]) => ({ key, label: labels.of(query.by, key), ...figuresOf(cells) }));
    // Lowest satisfaction first, where attention is needed; ties and missing means by label, so the order is stable.
    rows.sort((a, b) => (a.satisfaction.value ?? Infinity) - (b.satisfaction.value ?? Infinity) || a.label.localeCompare(b.label) || a.key.localeCompare(b.key));
    return { period: range, by: query.by, rows };
  },
};

const trend: MetricDefinition<typeof s.TrendQuery, typeof s.SatisfactionTrend> = {
  id: 'satisfaction.trend',
  summary: 'Satisfaction, share satisfied and NPS per day, week (from Monday), month or quarter; empty periods included',
  query: s.TrendQuery,
  result: s.SatisfactionTrend,
  compute: ({ tx, ctx, range, query }) => {
    const byBucket = new Map<string, SatisfactionCell[]>(bucketsOf(range, query.grain).map((b) => [b, []]));
    const perDay = query.grain === 'month' || query.grain === 'quarter' ? ('month' as const) : true;
    for (const cell of satisfactionCells(tx, ctx.timeZone, range, scopeOf(query), 'none', perDay)) byBucket.get(bucketOf(cell.day, query.grain))!.push(cell);
    return { period: range, grain: query.grain, buckets: [...byBucket].map(([bucket, cells]) => ({ bucket, ...figuresOf(cells) })) };
  },
};

const aspects: MetricDefinition<typeof s.StatsFilter, typeof s.AspectScores> = {
  id: 'satisfaction.aspects',
  summary: 'Mean score of each aspect (doctor, nursing, waiting, environment, cost, explanation) over every item tagged with it',
  query: s.StatsFilter,
  result: s.AspectScores,
  compute: ({ tx, ctx, range, query }) => {
    const labels = new Labels(tx, ctx, query.lang);
    const sums = new Map<string, { n: number; sum: number; sumSq: number }>();
    for (const cell of itemCells(tx, ctx.timeZone, range, scopeOf(query))) {
      for (const tag of cell.tags.split(',').filter((t) => t.startsWith('aspect-'))) {
        const acc = sums.get(tag) ?? { n: 0, sum: 0, sumSq: 0 };
        acc.n += cell.n;
        acc.sum += cell.sum;
        acc.sumSq += cell.sumSq;
        sums.set(tag, acc);
      }
    }
    const rows = [...sums].map(([aspect, a]) => ({ aspect, label: labels.aspect(aspect), score: mean(a.n, a.sum, a.sumSq) }));
    rows.sort((a, b) => a.aspect.localeCompare(b.aspect));
    return { period: range, aspects: rows };
  },
};

const lowestItems: MetricDefinition<typeof s.ItemsQuery, typeof s.LowestItems> = {
  id: 'satisfaction.lowest-items',
  summary: 'The scored questions with the lowest mean score (ties: questionnaire, then question id)',
  query: s.ItemsQuery,
  result: s.LowestItems,
  compute: ({ tx, ctx, range, query }) => {
    const labels = new Labels(tx, ctx, query.lang);
    const sums = new Map<string, { questionnaireId: string; linkId: string; tags: string; n: number; sum: number; sumSq: number }>();
    for (const c of itemCells(tx, ctx.timeZone, range, scopeOf(query))) {
      const key = `${c.questionnaireId}\u0000${c.linkId}`;
      const acc = sums.get(key) ?? { questionnaireId: c.questionnaireId, linkId: c.linkId, tags: c.tags, n: 0, sum: 0, sumSq: 0 };
      acc.n += c.n;
      acc.sum += c.sum;
      acc.sumSq += c.sumSq;
      sums.set(key, acc);
    }
    const items = [...sums.values()]
      .map((a) => ({ questionnaireId: a.questionnaireId, questionnaire: labels.questionnaire(a.questionnaireId), linkId: a.linkId, text: labels.item(a.questionnaireId, a.linkId), tags: a.tags ? a.tags.split(',') : [], score: mean(a.n, a.sum, a.sumSq) }))
      .sort((a, b) => a.score.value! - b.score.value! || a.questionnaireId.localeCompare(b.questionnaireId) || a.linkId.localeCompare(b.linkId))
      .slice(0, query.limit);
    return { period: range, items };
  },
};

const comments: MetricDefinition<typeof s.CommentsQuery, typeof s.Comments> = {
  id: 'satisfaction.comments',
  summary: 'Free-text answers, newest first; filter by overall satisfaction at most a value and by words. Audited',
  query: s.CommentsQuery,
  result: s.Comments,
  listsPatients: true,
  compute: ({ tx, ctx, range, query }) => {
    const labels = new Labels(tx, ctx, query.lang);
    const { start, end } = instantsOf(range, ctx.timeZone);
    const rows = findComments(tx, start, end, scopeOf(query), { maxSatisfaction: query.maxSatisfaction, contains: query.contains }, query.limit);
    return {
      period: range,
      items: rows.map((r) => ({
        responseId: r.responseId,
        patientId: r.patientId,
        authoredAt: r.authoredAt,
        department: labels.department(r.departmentId),
        doctor: labels.doctor(r.doctorId),
        questionnaire: labels.questionnaire(r.questionnaireId),
        linkId: r.linkId,
        question: labels.item(r.questionnaireId, r.linkId),
        text: r.text,
        satisfaction: r.satisfaction,
      })),
    };
  },
};

const responses: MetricDefinition<typeof s.ResponsesQuery, typeof s.ResponsesBehind> = {
  id: 'satisfaction.responses',
  summary: 'The responses behind a figure (the drill-down from a bar), newest first. Audited',
  query: s.ResponsesQuery,
  result: s.ResponsesBehind,
  listsPatients: true,
  compute: ({ tx, ctx, range, query }) => {
    const labels = new Labels(tx, ctx, query.lang);
    const { start, end } = instantsOf(range, ctx.timeZone);
    return {
      period: range,
      items: findResponsesBehind(tx, start, end, scopeOf(query), query.limit).map((r) => ({
        responseId: r.responseId,
        patientId: r.patientId,
        authoredAt: r.authoredAt,
        department: labels.department(r.departmentId),
        doctor: labels.doctor(r.doctorId),
        questionnaire: labels.questionnaire(r.questionnaireId),
        encounterClass: r.encounterClass,
        satisfaction: r.satisfaction,
        nps: r.nps,
      })),
    };
  },
};

export function registerSatisfactionMetrics(registry: MetricRegistry): void {
  for (const m of [summary, breakdown, trend, aspects, lowestItems, comments, responses]) registry.register(m as unknown as MetricDefinition);
}
