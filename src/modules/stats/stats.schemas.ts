import { z } from 'zod';
import { DENOMINATORS } from './formulas.js';
import { GRAINS } from './periods.js';
import { SATISFACTION_DIMENSIONS } from './satisfaction.repository.js';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a calendar date YYYY-MM-DD').refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'not a real date');
const id = z.string().min(1).max(64);

/** The filters every figure takes: the period (local days, inclusive), department, doctor, questionnaire, class. */
export const StatsFilter = z
  .object({
    from: day.optional().describe('First local day of the period (default: 29 days before `to`)'),
    to: day.optional().describe('Last local day of the period (default: today)'),
    departmentId: id.optional().describe("'' for responses without a department; managers see only their own"),
    doctorId: id.optional(),
    questionnaireId: id.optional(),
    encounterClass: z.enum(['outpatient', 'emergency', 'inpatient', 'surgery', 'lab', 'exam', '']).optional(),
    lang: z.enum(['zh-CN', 'en']).default('zh-CN').describe('Language of labels'),
  })
  .strict();
export type StatsFilter = z.infer<typeof StatsFilter>;

export const Interval = z.object({ low: z.number(), high: z.number(), method: z.enum(['wilson', 't', 'normal']) }).nullable();
export const Rate = z.object({
  value: z.number().nullable().describe('numerator / denominator; null when the denominator is 0'),
  numerator: z.number().int(),
  denominator: z.number().int(),
  denominatorName: z.enum(DENOMINATORS),
  ci: Interval.describe('95 % Wilson score interval'),
});
export const Mean = z.object({ value: z.number().nullable(), n: z.number().int(), ci: Interval.describe('95 % t interval') });
export const Nps = z.object({
  value: z.number().nullable(),
  promoters: z.number().int(),
  passives: z.number().int(),
  detractors: z.number().int(),
  n: z.number().int(),
  ci: Interval.describe('95 % normal interval from the trinomial variance'),
});
export const Period = z.object({ from: z.string(), to: z.string() });

export const SatisfactionFigures = z.object({ responses: z.number().int(), satisfaction: Mean, satisfied: Rate, nps: Nps });
export const SatisfactionSummary = z.object({
  period: Period,
  previousPeriod: Period,
  current: SatisfactionFigures,
  previous: SatisfactionFigures,
  change: z.object({ satisfaction: z.number().nullable(), satisfiedShare: z.number().nullable(), nps: z.number().nullable(), responses: z.number().int() }),
});

export const BreakdownQuery = StatsFilter.extend({ by: z.enum(SATISFACTION_DIMENSIONS).exclude(['none']).default('department') }).strict();
export const SatisfactionBreakdown = z.object({
  period: Period,
  by: z.string(),
  rows: z.array(SatisfactionFigures.extend({ key: z.string(), label: z.string() })),
});

export const TrendQuery = StatsFilter.extend({ grain: z.enum(GRAINS).default('day') }).strict();
export const SatisfactionTrend = z.object({
  period: Period,
  grain: z.enum(GRAINS),
  buckets: z.array(SatisfactionFigures.extend({ bucket: z.string() })),
});

export const ItemScore = z.object({ questionnaireId: z.string(), questionnaire: z.string(), linkId: z.string(), text: z.string(), tags: z.array(z.string()), score: Mean });
export const AspectScores = z.object({ period: Period, aspects: z.array(z.object({ aspect: z.string(), label: z.string(), score: Mean })) });
export const ItemsQuery = StatsFilter.extend({ limit: z.coerce.number().int().min(1).max(100).default(10) }).strict();
export const LowestItems = z.object({ period: Period, items: z.array(ItemScore) });

export const CommentsQuery = StatsFilter.extend({
  maxSatisfaction: z.coerce.number().min(0).max(10).optional().describe('Only responses whose overall satisfaction is at most this'),
  contains: z.string().trim().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
}).strict();
export const Comments = z.object({
  period: Period,
  items: z.array(
    z.object({ responseId: z.string(), patientId: z.string(), authoredAt: z.string(), department: z.string(), doctor: z.string(), questionnaire: z.string(), linkId: z.string(), question: z.string(), text: z.string(), satisfaction: z.number().nullable() }),
  ),
});

export const ResponsesQuery = StatsFilter.extend({ limit: z.coerce.number().int().min(1).max(500).default(100) }).strict();
export const ResponsesBehind = z.object({
  period: Period,
  items: z.array(
    z.object({ responseId: z.string(), patientId: z.string(), authoredAt: z.string(), department: z.string(), doctor: z.string(), questionnaire: z.string(), encounterClass: z.string().nullable(), satisfaction: z.number().nullable(), nps: z.number().nullable() }),
  ),
});

export const MetricList = z.object({ items: z.array(z.object({ id: z.string(), path: z.string(), summary: z.string(), listsPatients: z.boolean() })) });
