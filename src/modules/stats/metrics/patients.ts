import { z } from 'zod';
import type { Tx } from '../../../../db/client.js';
import { addDays, localDate } from '../../../lib/clock.js';
import { rate } from '../formulas.js';
import { diagnosesByChapter } from '../disease-mix.source.js';
import { ICD10_CHAPTERS } from '../icd10.js';
import { Labels } from '../labels.js';
import { daysBetween, instantsOf, previousRange } from '../periods.js';
import * as repo from '../patients.repository.js';
import type { MetricDefinition, MetricRegistry } from '../registry.js';
import { movementOf, snapshotAtOrBefore, WHOLE_HOSPITAL } from '../rfm.repository.js';
import { RFM_SEGMENTS, rfmSegment, type RfmSegment } from '../rfm.js';
import { Period, Rate, StatsFilter } from '../stats.schemas.js';
import { visitorsByClass } from '../pyramid.source.js';
import { newAndReturningOf } from '../visitors.source.js';

const Counted = z.object({ key: z.string(), label: z.string(), patients: z.number().int(), share: Rate });
const CountsResult = z.object({ period: Period, total: z.number().int(), rows: z.array(Counted) });

function counted(rows: { key: string; patients: number }[], label: (key: string) => string) {
  const total = rows.reduce((n, r) => n + r.patients, 0);
  return { total, rows: rows.map((r) => ({ key: r.key, label: label(r.key), patients: r.patients, share: rate(r.patients, total, 'eligible') })) };
}

const sources: MetricDefinition<typeof StatsFilter, typeof CountsResult> = {
  id: 'patients.sources',
  summary: 'Patients registered in the period by source (share of those registered)',
  query: StatsFilter,
  result: CountsResult,
  compute: ({ tx, ctx, range, query }) => {
    const labels = new Labels(tx, ctx, query.lang);
    const { start, end } = instantsOf(range, ctx.timeZone);
    return { period: range, ...counted(repo.registeredBy(tx, start, end, query.departmentId, 'source'), (k) => k || labels.none()) };
  },
};

const regions: MetricDefinition<typeof StatsFilter, typeof CountsResult> = {
  id: 'patients.regions',
  summary: 'Patients registered in the period by province and city',
  query: StatsFilter,
  result: CountsResult,
  compute: ({ tx, ctx, range, query }) => {
    const labels = new Labels(tx, ctx, query.lang);
    const { start, end } = instantsOf(range, ctx.timeZone);
    return { period: range, ...counted(repo.registeredBy(tx, start, end, query.departmentId, 'region'), (k) => (k === '/' ? labels.none() : k.replace(/\/$/, ''))) };
  },
};

const BANDS = ['0-9', '10-19', '20-29', '30-39', '40-49', '50-59', '60-69', '70-79', '80+', 'unknown'] as const;
const GENDERS = ['male', 'female', 'other', 'unknown'] as const;
const PyramidResult = z.object({ period: Period, asOf: z.string(), total: z.number().int(), bands: z.array(z.object({ band: z.enum(BANDS), male: z.number().int(), female: z.number().int(), other: z.number().int(), unknown: z.number().int() })) });

/** Whole years between a birth date and a day (birthday not yet reached this year: one less). */
export function ageOn(birthDate: string, day: string): number {
  const years = Number(day.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return day.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

const pyramid: MetricDefinition<typeof StatsFilter, typeof PyramidResult> = {
  id: 'patients.pyramid',
  summary: 'Patients seen in the period by age band (age on the last day) and administrative gender',
  query: StatsFilter,
  result: PyramidResult,
  compute: ({ tx, ctx, range, query }) => {
    const cells = new Map(BANDS.map((b) => [b, { band: b, male: 0, female: 0, other: 0, unknown: 0 }]));
    let total = 0;
    for (const row of visitorsByClass(tx, ctx.timeZone, range, query.departmentId)) {
      const age = row.birthDate ? ageOn(row.birthDate, range.to) : null;
      const band: (typeof BANDS)[number] = age === null || age < 0 ? 'unknown' : age >= 80 ? '80+' : BANDS[Math.floor(age / 10)]!;
      const gender = (GENDERS as readonly string[]).includes(row.gender) ? (row.gender as (typeof GENDERS)[number]) : 'unknown';
      cells.get(band)![gender] += row.patients;
      total += row.patients;
    }
    return { period: range, asOf: range.to, total, bands: [...cells.values()] };
  },
};

const NewReturningResult = z.object({ period: Period, visitors: z.number().int(), newPatients: Rate, returning: Rate });

const newReturning: MetricDefinition<typeof StatsFilter, typeof NewReturningResult> = {
  id: 'patients.new-returning',
  summary: 'Patients seen in the period: new (no earlier encounter) and returning, of those seen (eligible)',
  query: StatsFilter,
  result: NewReturningResult,
  compute: ({ tx, ctx, range, query }) => {
    const { visitors, newPatients } = newAndReturningOf(tx, ctx.timeZone, range, query.departmentId);
    return { period: range, visitors, newPatients: rate(newPatients, visitors, 'eligible'), returning: rate(visitors - newPatients, visitors, 'eligible') };
  },
};

const DiseaseMixResult = z.object({ period: Period, total: z.number().int(), chapters: z.array(z.object({ chapter: z.string(), label: z.string(), diagnoses: z.number().int(), share: Rate })) });

const diseaseMix: MetricDefinition<typeof StatsFilter, typeof DiseaseMixResult> = {
  id: 'patients.disease-mix',
  summary: 'Diagnoses recorded on encounters of the period by ICD-10 chapter (codes outside every chapter: "other")',
  query: StatsFilter,
  result: DiseaseMixResult,
  compute: ({ tx, ctx, range, query }) => {
    const byChapter = diagnosesByChapter(tx, ctx.timeZone, range, query.departmentId);
    const chapterOf = new Map(ICD10_CHAPTERS.map((c) => [c.chapter, c]));
    const total = [...byChapter.values()].reduce((a, b) => a + b, 0);
    const chapters = [...byChapter]
      .filter(([, diagnoses]) => diagnoses > 0)
      .map(([chapter, diagnoses]) => {
        const c = chapterOf.get(chapter);
        return { chapter, label: c ? (query.lang === 'en' ? c.en : c.zh) : query.lang === 'en' ? 'Other' : '其他', diagnoses };
      })
      .sort((a, b) => b.diagnoses - a.diagnoses || a.chapter.localeCompare(b.chapter))
      .map((c) => ({ ...c, share: rate(c.diagnoses, total, 'eligible') }));
    return { period: range, total, chapters };
  },
};

const SegmentEnum = z.enum(RFM_SEGMENTS);
const RfmResult = z.object({
  period: Period,
  asOf: z.string(),
  previousAsOf: z.string(),
  source: z.enum(['snapshot', 'live']).describe('snapshot: the monthly snapshot taken as of `asOf` (the month under way: as of last night); live: computed now'),
  takenAt: z.string().nullable().describe('When the snapshot was taken (null: live)'),
  segments: z.array(z.object({ segment: SegmentEnum, patients: z.number().int(), previous: z.number().int() })),
  movement: z.array(z.object({ from: z.union([SegmentEnum, z.literal('none')]), to: z.union([SegmentEnum, z.literal('none')]), patients: z.number().int() })),
  thresholds: z.string(),
});
type Movement = { from: RfmSegment | 'none'; to: RfmSegment | 'none'; patients: number };

function segmentsAsOf(tx: Tx, asOfDay: string, timeZone: string, departmentId: string | undefined): Map<string, RfmSegment> {
  const { end } = instantsOf({ from: asOfDay, to: asOfDay }, timeZone);
  const { start: yearBefore } = instantsOf({ from: addDays(asOfDay, -364), to: asOfDay }, timeZone);
  const out = new Map<string, RfmSegment>();
  for (const row of repo.rfmAsOf(tx, end, yearBefore, departmentId)) {
    const lastDay = localDate(new Date(row.lastVisit), timeZone);
    out.set(row.patientId, rfmSegment({ daysSinceLast: Math.max(0, daysBetween(lastDay, asOfDay)), visitsInYear: row.visitsInYear, spendCentsInYear: row.spendCentsInYear }));
  }
  return out;
}

/** How patients moved between two days, computed from every visit (what a snapshot stores, for any two days). */
function liveMovement(tx: Tx, timeZone: string, asOf: string, previousAsOf: string, departmentId: string | undefined): Movement[] {
  const now = segmentsAsOf(tx, asOf, timeZone, departmentId);
  const before = segmentsAsOf(tx, previousAsOf, timeZone, departmentId);
  const moves = new Map<string, number>();
  for (const id of new Set([...now.keys(), ...before.keys()])) {
    const key = `${before.get(id) ?? 'none'}>${now.get(id) ?? 'none'}`;
    moves.set(key, (moves.get(key) ?? 0) + 1);
  }
  return [...moves].map(([key, patients]) => {
    const [from, to] = key.split('>') as [RfmSegment | 'none', RfmSegment | 'none'];
    return { from, to, patients };
  });
}

const rfm: MetricDefinition<typeof StatsFilter, typeof RfmResult> = {
  id: 'patients.rfm',
  summary:
    'RFM segments (recency, frequency and spend from encounters) and how patients moved to them: from the monthly snapshot taken as of the period\'s end or before (movement from the end of the month before), else computed live at the end of the period and of the previous one',
  query: StatsFilter,
  result: RfmResult,
  compute: ({ tx, ctx, range, query }) => {
    const snapshot = snapshotAtOrBefore(tx, range.to);
    const previous = previousRange(range);
    const asOf = snapshot?.asOf ?? range.to;
    const previousAsOf = snapshot?.previousAsOf ?? previous.to;
    const movement: Movement[] = snapshot
      ? (movementOf(tx, snapshot.period, query.departmentId ?? WHOLE_HOSPITAL) as Movement[])
      : liveMovement(tx, ctx.timeZone, asOf, previousAsOf, query.departmentId);
    const size = (side: 'from' | 'to', s: RfmSegment) => movement.filter((m) => m[side] === s).reduce((n, m) => n + m.patients, 0);
    return {
      period: range,
      asOf,
      previousAsOf,
      source: snapshot ? ('snapshot' as const) : ('live' as const),
      takenAt: snapshot?.builtAt ?? null,
      segments: RFM_SEGMENTS.map((segment) => ({ segment, patients: size('to', segment), previous: size('from', segment) })),
      movement: movement.map((m) => ({ from: m.from, to: m.to, patients: m.patients })).sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to)),
      thresholds: 'R: ≤90 days 3, ≤365 2, else 1; F (visits in 365 days): ≥4 3, ≥2 2, else 1; M (charges in 365 days): ≥¥10,000 3, ≥¥2,000 2, else 1',
    };
  },
};

export function registerPatientMetrics(registry: MetricRegistry): void {
  for (const m of [sources, regions, pyramid, newReturning, diseaseMix, rfm]) registry.register(m as unknown as MetricDefinition);
}
