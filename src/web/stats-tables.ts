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

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- results are typed by their metric's zod schema; the table reads fields by name

const pct = (v: number | null) => r(v, 4);
const rateCells = (t: Translate, x: Json) => [pct(x.value), x.numerator, x.denominator, t(`stats.denominator.${x.denominatorName}` as 'stats.denominator.eligible')];
const rateColumns = (t: Translate, share: string) => [share, t('stats.col.numerator'), t('stats.col.denominator'), t('stats.col.denominatorName')];

export interface DashboardTable {
  /** The figure behind the table; the table shows to whoever may run it (hospital-wide ones: administrators). */
  metric: string;
  title: Parameters<Translate>[0];
  /** Computed over every encounter of the patients (RFM): on its own page, linked from the dashboard, not on it. */
  ownPage?: boolean;
  /** What the metric is asked beyond the page's filter (a grouping, a limit, the drill-down's narrowing). */
  query?(page: { grain: string; channel?: string | undefined; status?: string | undefined }): Record<string, unknown>;
  build(t: Translate, result: Json, when: (instant: string) => string, drill: Drill): MetricTable;
}

/** The page's filter plus `extra`, as a link to another table (the list behind a row). */
export type Drill = (table: string, extra: Record<string, string>) => string;

/** Every table of the dashboard beyond satisfaction, by name (the CSV export's path). */
export const MORE_TABLES: Record<string, DashboardTable> = {
  'response-rate': {
    metric: 'questionnaires.response-rate',
    title: 'stats.responseRate',
    build: (t, res) => ({ columns: [t('stats.col.questionnaire'), ...rateColumns(t, t('stats.col.responseRate'))], rows: res.byQuestionnaire.map((q: Json) => [q.questionnaire, ...rateCells(t, q.rate)]) }),
  },
  'new-returning': {
    metric: 'patients.new-returning',
    title: 'stats.newReturning',
    build: (t, res) => ({
      columns: [t('stats.col.group'), t('stats.col.patients'), ...rateColumns(t, t('stats.col.share'))],
      rows: [
        [t('stats.new'), res.newPatients.numerator, ...rateCells(t, res.newPatients)],
        [t('stats.returning'), res.returning.numerator, ...rateCells(t, res.returning)],
      ],
    }),
  },
  sources: { metric: 'patients.sources', title: 'stats.sources', build: (t, res) => countsTable(t, res) },
  regions: { metric: 'patients.regions', title: 'stats.regions', build: (t, res) => countsTable(t, res) },
  pyramid: {
    metric: 'patients.pyramid',
    title: 'stats.pyramid',
    build: (t, res) => ({ columns: [t('stats.col.ageBand'), t('stats.gender.male'), t('stats.gender.female'), t('stats.gender.other'), t('stats.gender.unknown')], rows: res.bands.map((b: Json) => [b.band, b.male, b.female, b.other, b.unknown]) }),
  },
  'disease-mix': {
    metric: 'patients.disease-mix',
    title: 'stats.diseaseMix',
    build: (t, res) => ({ columns: [t('stats.col.chapter'), t('stats.col.diagnoses'), ...rateColumns(t, t('stats.col.share'))], rows: res.chapters.map((c: Json) => [`${c.chapter} ${c.label}`, c.diagnoses, ...rateCells(t, c.share)]) }),
  },
  rfm: { metric: 'patients.rfm', title: 'stats.rfm', ownPage: true, build: (t, res, when) => rfmTable(t, res, when) },
  'at-risk': {
    metric: 'patients.at-risk',
    title: 'stats.atRisk',
    query: () => ({ limit: 100 }),
    build: (t, res, when) => ({
      columns: [t('stats.col.patient'), t('stats.col.name'), t('stats.by.department'), t('stats.col.reasons'), t('stats.col.openComplaints'), t('stats.col.satisfaction'), t('stats.col.when')],
      rows: res.items.map((i: Json) => [
        i.patientId,
        i.name,
        i.department,
        i.reasons.map((reason: string) => t.maybe(`cc.risk.${reason}`) ?? reason).join(t('common.listJoin')),
        i.openComplaints,
        i.satisfaction,
        i.answeredAt ? when(i.answeredAt) : null,
      ]),
    }),
  },
  messages: {
    metric: 'messages.delivery',
    title: 'stats.messages',
    build: (t, res) => ({
      columns: [t('stats.col.channel'), t('stats.col.purpose'), t('stats.col.queued'), t('stats.col.attempted'), t('stats.col.delivered'), t('stats.col.deliveredShare'), t('stats.col.failed'), t('stats.col.failedShare'), t('stats.col.cancelled'), t('stats.col.held'), t('stats.col.optedOut')],
      rows: res.rows.map((m: Json) => [
        m.channel,
        m.purpose,
        m.queued,
        m.attempted,
        m.delivered.numerator,
        pct(m.delivered.value),
        m.failed.numerator,
        pct(m.failed.value),
        m.cancelled,
        m.held,
        res.optOuts.filter((o: Json) => o.channel === m.channel).reduce((n: number, o: Json) => n + o.optedOut, 0),
      ]),
    }),
  },
  campaigns: {
    metric: 'messages.campaigns',
    title: 'stats.campaigns',
    build: (t, res, when) => ({
      columns: [t('stats.col.campaign'), t('stats.col.when'), t('stats.col.queued'), t('stats.col.attempted'), t('stats.col.delivered'), t('stats.col.deliveredShare'), t('stats.col.failed'), t('stats.col.cancelled')],
      rows: res.campaigns.map((c: Json) => [c.name, when(c.sendAt), c.queued, c.attempted, c.delivered.numerator, pct(c.delivered.value), c.failed.numerator, c.cancelled]),
    }),
  },
};

/** The from → to matrix: a row per segment at the previous day (and "not seen before"), a column per segment now. */
function rfmTable(t: Translate, res: Json, when: (instant: string) => string): MetricTable {
  const segments: string[] = res.segments.map((s: Json) => s.segment);
  const label = (s: string) => t(`stats.segment.${s}` as 'stats.segment.new');
  const moved = (from: string, to: string) => res.movement.find((m: Json) => m.from === from && m.to === to)?.patients ?? 0;
  const params = { asOf: res.asOf, previousAsOf: res.previousAsOf, takenAt: res.takenAt ? when(res.takenAt) : '', thresholds: res.thresholds };
  return {
    caption: t(res.source === 'snapshot' ? 'stats.rfm.snapshot' : 'stats.rfm.live', params),
    columns: [t('stats.col.fromTo'), `${t('stats.col.previous')} (${res.previousAsOf})`, ...segments.map((s) => `→ ${label(s)}`)],
    rows: [
      ...['none', ...segments].map((from) => [label(from), from === 'none' ? null : res.segments.find((s: Json) => s.segment === from).previous, ...segments.map((to) => moved(from, to))]),
      [`${t('stats.rfm.now')} (${res.asOf})`, res.segments.reduce((n: number, s: Json) => n + s.patients, 0), ...res.segments.map((s: Json) => s.patients)],
    ],
  };
}

/** The appointments figures of one row: booked, moved, cancelled and no-shows with their denominators, lead time. */
const appointmentColumns = (t: Translate) => [
  t('stats.col.booked'),
  t('stats.col.moved'),
  ...rateColumns(t, t('stats.col.cancelRate')),
  t('stats.col.noShows'),
  ...rateColumns(t, t('stats.col.noShowRate')),
  t('stats.col.leadDays'),
];
const appointmentCells = (t: Translate, f: Json) => [f.booked, f.moved, ...rateCells(t, f.cancelled), f.noShow.numerator, ...rateCells(t, f.noShow), f.leadDays.median];

function appointmentsTable(t: Translate, res: Json, drill: Drill, heading: string, param: string): MetricTable {
  return {
    columns: [heading, ...appointmentColumns(t)],
    rows: [...res.rows.map((row: Json) => [row.label, ...appointmentCells(t, row)]), [t('stats.total'), ...appointmentCells(t, res.total)]],
    links: [...res.rows.map((row: Json) => drill('appointment-list', { [param]: row.key })), drill('appointment-list', {})],
  };
}

/** A rate per department and overall (the follow-up figures). */
function rateByDepartmentTable(t: Translate, res: Json): MetricTable {
  return {
    columns: [t('stats.by.department'), ...rateColumns(t, t('stats.col.rate'))],
    rows: [...res.rows.map((row: Json) => [row.label, ...rateCells(t, row.rate)]), [t('stats.total'), ...rateCells(t, res.overall)]],
  };
}

const feedbackCells = (t: Translate, f: Json) => [f.received, f.resolved, r(f.medianHoursToResolve, 2), ...rateCells(t, f.deadlineMet), f.escalated];

/** Every table of the call centre, follow-up and appointments (issue 9, service). */
const SERVICE_TABLES: Record<string, DashboardTable> = {
  appointments: { metric: 'appointments.volume', title: 'stats.appointments', query: () => ({ by: 'department' }), build: (t, res, _when, drill) => appointmentsTable(t, res, drill, t('stats.by.department'), 'departmentId') },
  'appointment-doctors': { metric: 'appointments.volume', title: 'stats.appointmentDoctors', query: () => ({ by: 'doctor' }), build: (t, res, _when, drill) => appointmentsTable(t, res, drill, t('stats.by.doctor'), 'doctorId') },
  'appointment-channels': {
    metric: 'appointments.volume',
    title: 'stats.appointmentChannels',
    query: () => ({ by: 'channel' }),
    build: (t, res, _when, drill) => {
      const table = appointmentsTable(t, res, drill, t('stats.by.channel'), 'channel');
      return { ...table, rows: table.rows.map((row, i) => (i < res.rows.length ? [t.maybe(`stats.channel.${res.rows[i].key}`) ?? row[0]!, ...row.slice(1)] : row)) };
    },
  },
  'appointment-trend': {
    metric: 'appointments.trend',
    title: 'stats.appointmentTrend',
    query: (page) => ({ grain: page.grain }),
    build: (t, res) => ({ columns: [t('stats.col.period'), ...appointmentColumns(t)], rows: res.buckets.map((b: Json) => [b.bucket, ...appointmentCells(t, b)]) }),
  },
  'appointment-list': {
    metric: 'appointments.list',
    title: 'stats.appointmentList',
    ownPage: true,
    query: (page) => ({ channel: page.channel, status: page.status, limit: 500 }),
    build: (t, res, when) => ({
      columns: [t('stats.col.visitDay'), t('stats.col.patient'), t('stats.by.department'), t('stats.by.doctor'), t('stats.by.channel'), t('stats.col.status'), t('stats.col.leadDays'), t('stats.col.bookedAt')],
      rows: res.items.map((i: Json) => [
        when(i.startAt),
        i.patientId,
        i.department,
        i.doctor,
        t.maybe(`stats.channel.${i.channel}`) ?? i.channel,
        i.moved ? t('stats.status.moved') : (t.maybe(`stats.status.${i.status}`) ?? i.status),
        i.leadDays,
        when(i.bookedAt),
      ]),
    }),
  },
  'followup-coverage': { metric: 'followup.coverage', title: 'stats.followupCoverage', build: (t, res) => rateByDepartmentTable(t, res) },
  'followup-completion': { metric: 'followup.completion', title: 'stats.followupCompletion', build: (t, res) => rateByDepartmentTable(t, res) },
  'followup-on-time': { metric: 'followup.on-time', title: 'stats.followupOnTime', build: (t, res) => rateByDepartmentTable(t, res) },
  'followup-reach': { metric: 'followup.reach', title: 'stats.followupReach', build: (t, res) => rateByDepartmentTable(t, res) },
  consultations: {
    metric: 'consultations.by-category',
    title: 'stats.consultations',
    build: (t, res) => ({
      columns: [t('stats.by.category'), t('stats.col.consultations'), t('stats.col.pending'), ...rateColumns(t, t('stats.col.conversion'))],
      rows: [
        ...res.rows.map((c: Json) => [t.maybe(`cc.category.${c.category}`) ?? c.category, c.consultations, c.pending, ...rateCells(t, c.conversion)]),
        [t('stats.total'), res.total, res.rows.reduce((n: number, c: Json) => n + c.pending, 0), ...rateCells(t, res.conversion)],
      ],
    }),
  },
  feedback: {
    metric: 'feedback.summary',
    title: 'stats.feedback',
    build: (t, res) => ({
      columns: [t('stats.col.dimension'), t('stats.col.group'), t('stats.col.received'), t('stats.col.resolved'), t('stats.col.hoursToResolve'), ...rateColumns(t, t('stats.col.deadlineMet')), t('stats.col.escalated')],
      rows: [
        [t('stats.total'), '', ...feedbackCells(t, res.total)],
        ...res.byKind.map((k: Json) => [t('stats.by.kind'), t.maybe(`cc.feedback.${k.key}`) ?? k.label, ...feedbackCells(t, k)]),
        ...res.byCategory.map((c: Json) => [t('stats.by.category'), t.maybe(`cc.fcategory.${c.key}`) ?? c.label, ...feedbackCells(t, c)]),
        ...res.byDepartment.map((d: Json) => [t('stats.by.department'), d.label, ...feedbackCells(t, d)]),
      ],
    }),
  },
};
Object.assign(MORE_TABLES, SERVICE_TABLES);

function countsTable(t: Translate, res: Json): MetricTable {
  return { columns: [t('stats.col.group'), t('stats.col.patients'), ...rateColumns(t, t('stats.col.share'))], rows: res.rows.map((x: Json) => [x.label, x.patients, ...rateCells(t, x.share)]) };
}
