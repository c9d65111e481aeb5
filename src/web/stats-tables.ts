import type { z } from 'zod';
import type { Mean, Nps, Rate } from '../modules/stats/formulas.js';
import type { MetricTable } from '../modules/stats/registry.js';
import type * as s from '../modules/stats/stats.schemas.js';
import type { Translate } from './i18n/index.js';

/**
 * The dashboard's tables, one function each, used by the page and by its CSV export alike: what is on screen is
 * exactly what is exported. Figures keep full precision in CSV (rounded only on screen).
 */
const r = (v: number | null | undefined, digits: number) => (v === null || v === undefined ? null : Number(v.toFixed(digits)));

function figureColumns(t: Translate): string[] {
  return [
    t('stats.col.responses'),
    t('stats.col.satisfaction'),
    t('stats.col.ciLow'),
    t('stats.col.ciHigh'),
    t('stats.col.satisfiedShare'),
    t('stats.col.numerator'),
    t('stats.col.denominator'),
    t('stats.col.denominatorName'),
    t('stats.col.nps'),
    t('stats.col.promoters'),
    t('stats.col.passives'),
    t('stats.col.detractors'),
  ];
}

function figureCells(t: Translate, f: { responses: number; satisfaction: Mean; satisfied: Rate; nps: Nps }): (string | number | null)[] {
  return [
    f.responses,
    r(f.satisfaction.value, 3),
    r(f.satisfaction.ci?.low, 3),
    r(f.satisfaction.ci?.high, 3),
    r(f.satisfied.value, 4),
    f.satisfied.numerator,
    f.satisfied.denominator,
    t(`stats.denominator.${f.satisfied.denominatorName}`),
    r(f.nps.value, 1),
    f.nps.promoters,
    f.nps.passives,
    f.nps.detractors,
  ];
}

export function breakdownTable(t: Translate, result: z.infer<typeof s.SatisfactionBreakdown>): MetricTable {
  return { columns: [t(`stats.by.${result.by}` as 'stats.by.department'), ...figureColumns(t)], rows: result.rows.map((row) => [row.label, ...figureCells(t, row)]) };
}

export function trendTable(t: Translate, result: z.infer<typeof s.SatisfactionTrend>): MetricTable {
  return { columns: [t('stats.col.period'), ...figureColumns(t)], rows: result.buckets.map((b) => [b.bucket, ...figureCells(t, b)]) };
}

export function aspectsTable(t: Translate, result: z.infer<typeof s.AspectScores>): MetricTable {
  return {
    columns: [t('stats.col.aspect'), t('stats.col.n'), t('stats.col.mean'), t('stats.col.ciLow'), t('stats.col.ciHigh')],
    rows: result.aspects.map((a) => [a.label, a.score.n, r(a.score.value, 3), r(a.score.ci?.low, 3), r(a.score.ci?.high, 3)]),
  };
}

export function itemsTable(t: Translate, result: z.infer<typeof s.LowestItems>): MetricTable {
  return {
    columns: [t('stats.col.questionnaire'), t('stats.col.question'), t('stats.col.n'), t('stats.col.mean'), t('stats.col.ciLow'), t('stats.col.ciHigh')],
    rows: result.items.map((i) => [i.questionnaire, i.text, i.score.n, r(i.score.value, 3), r(i.score.ci?.low, 3), r(i.score.ci?.high, 3)]),
  };
}

export function responsesTable(t: Translate, result: z.infer<typeof s.ResponsesBehind>, when: (instant: string) => string): MetricTable {
  return {
    columns: [t('stats.col.when'), t('stats.col.patient'), t('stats.by.department'), t('stats.by.doctor'), t('stats.by.questionnaire'), t('stats.by.class'), t('stats.col.satisfaction'), t('stats.col.nps')],
    rows: result.items.map((i) => [when(i.authoredAt), i.patientId, i.department, i.doctor, i.questionnaire, i.encounterClass, i.satisfaction, i.nps]),
  };
}

export function commentsTable(t: Translate, result: z.infer<typeof s.Comments>, when: (instant: string) => string): MetricTable {
  return {
    columns: [t('stats.col.when'), t('stats.col.patient'), t('stats.by.department'), t('stats.by.doctor'), t('stats.col.question'), t('stats.col.comment'), t('stats.col.satisfaction')],
    rows: result.items.map((i) => [when(i.authoredAt), i.patientId, i.department, i.doctor, i.question, i.text, i.satisfaction]),
  };
}
