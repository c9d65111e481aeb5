import { z } from 'zod';
import { countsBy, groupBy, medianOfCounts, rate, sumOf } from '../formulas.js';
import { Labels } from '../labels.js';
import { bucketOf, bucketsOf, GRAINS } from '../periods.js';
import type { MetricDefinition, MetricRegistry } from '../registry.js';
import * as repo from '../appointments.repository.js';
import { appointmentCellsOf } from '../appointments.source.js';
import { Period, Rate, StatsFilter, TrendQuery } from '../stats.schemas.js';

const CHANNELS = ['web', 'phone', 'desk'] as const;
const CHANNEL_LABELS: Record<string, { zh: string; en: string }> = { web: { zh: '网上', en: 'Web' }, phone: { zh: '电话', en: 'Phone' }, desk: { zh: '窗口', en: 'Desk' } };

const AppointmentFigures = z.object({
  booked: z.number().int().describe('appointments booked for days of the period (requests not yet confirmed, rejected requests and moved bookings excluded)'),
  moved: z.number().int().describe('bookings moved to another slot (rescheduled); the new booking counts as booked'),
  cancelled: Rate.describe('cancelled of booked (eligible)'),
  noShow: Rate.describe('no-shows of the appointments due (their time has come) and not cancelled (eligible)'),
  leadDays: z.object({ median: z.number().nullable(), n: z.number().int() }).describe('days from booking to the appointment day, median over booked'),
});
type AppointmentFigures = z.infer<typeof AppointmentFigures>;

/** The one formula every appointments view uses: sums over cells, rates with their denominators, the lead-time median. */
function appointmentFigures(cells: readonly repo.AppointmentCell[]): AppointmentFigures {
  const t = sumOf(cells, ['booked', 'moved', 'cancelled', 'due', 'noShows']);
  return {
    booked: t.booked,
    moved: t.moved,
    cancelled: rate(t.cancelled, t.booked, 'eligible'),
    noShow: rate(t.noShows, t.due, 'eligible'),
    leadDays: { median: medianOfCounts(countsBy(cells, (c) => c.leadDays, (c) => c.booked)), n: t.booked },
  };
}

const scopeOf = (q: StatsFilter & { channel?: string | undefined }): repo.AppointmentScope => ({ departmentId: q.departmentId, doctorId: q.doctorId, channel: q.channel });
export const Channel = z.enum(CHANNELS).optional().describe('web, phone or desk');
export const ListStatus = z.enum(['booked', 'checked_in', 'completed', 'cancelled', 'no_show']).optional().describe('Only cancelled ones, only no-shows …');

const VolumeQuery = StatsFilter.extend({ by: z.enum(repo.APPOINTMENT_DIMENSIONS).default('department'), channel: Channel }).strict();
const VolumeResult = z.object({ period: Period, by: z.enum(repo.APPOINTMENT_DIMENSIONS), total: AppointmentFigures, rows: z.array(AppointmentFigures.extend({ key: z.string(), label: z.string() })) });

const volume: MetricDefinition<typeof VolumeQuery, typeof VolumeResult> = {
  id: 'appointments.volume',
  summary: 'Appointments booked for the period’s days by department, doctor or channel: cancelled (of booked), no-shows (of those due and not cancelled), median lead time in days',
  query: VolumeQuery,
  result: VolumeResult,
  compute: ({ tx, ctx, range, query }) => {
    const labels = new Labels(tx, ctx, query.lang);
    const doctors = query.by === 'doctor' ? repo.doctorProfileNames(tx) : undefined;
    const label = (key: string) => (query.by === 'department' ? labels.department(key) : query.by === 'doctor' ? (doctors!.get(key) ?? key) : (CHANNEL_LABELS[key]?.[query.lang === 'en' ? 'en' : 'zh'] ?? key));
    const cells = appointmentCellsOf(tx, range, ctx.now.toISOString(), scopeOf(query), query.by);
    const rows = [...groupBy(cells, (c) => c.key)].map(([key, list]) => ({ key, label: label(key), ...appointmentFigures(list) }));
    // Most booked first; ties by label, so the order is stable.
    rows.sort((a, b) => b.booked - a.booked || a.label.localeCompare(b.label) || a.key.localeCompare(b.key));
    return { period: range, by: query.by, total: appointmentFigures(cells), rows };
  },
};

const AppointmentTrendQuery = TrendQuery.extend({ channel: Channel }).strict();
const TrendResult = z.object({ period: Period, grain: z.enum(GRAINS), buckets: z.array(AppointmentFigures.extend({ bucket: z.string() })) });

const trend: MetricDefinition<typeof AppointmentTrendQuery, typeof TrendResult> = {
  id: 'appointments.trend',
  summary: 'The appointments figures per day, week (from Monday), month or quarter of the appointment day; empty periods included',
  query: AppointmentTrendQuery,
  result: TrendResult,
  compute: ({ tx, ctx, range, query }) => {
    const byBucket = new Map<string, repo.AppointmentCell[]>(bucketsOf(range, query.grain).map((b) => [b, []]));
    const by = query.grain === 'month' || query.grain === 'quarter' ? 'month' : 'day';
    for (const c of appointmentCellsOf(tx, range, ctx.now.toISOString(), scopeOf(query), by)) byBucket.get(bucketOf(c.key, query.grain))!.push(c);
    return { period: range, grain: query.grain, buckets: [...byBucket].map(([bucket, cells]) => ({ bucket, ...appointmentFigures(cells) })) };
  },
};

const ListQuery = StatsFilter.extend({
  channel: Channel,
  status: ListStatus,
  limit: z.coerce.number().int().min(1).max(500).default(100),
}).strict();
const ListResult = z.object({
  period: Period,
  items: z.array(
    z.object({
      appointmentId: z.string(),
      patientId: z.string().describe('the patient file id; no name, phone or ID number'),
      date: z.string(),
      startAt: z.string(),
      department: z.string(),
      doctor: z.string(),
      channel: z.enum(CHANNELS),
      status: z.string(),
      moved: z.boolean(),
      leadDays: z.number().int(),
      bookedAt: z.string(),
    }),
  ),
});

const list: MetricDefinition<typeof ListQuery, typeof ListResult> = {
  id: 'appointments.list',
  summary: 'The appointments behind a figure (the drill-down from a bar), latest first. Audited',
  query: ListQuery,
  result: ListResult,
  listsPatients: true,
  compute: ({ tx, ctx, range, query }) => {
    const labels = new Labels(tx, ctx, query.lang);
    const doctors = repo.doctorProfileNames(tx);
    return {
      period: range,
      items: repo.appointmentsBehind(tx, range.from, range.to, { ...scopeOf(query), status: query.status }, query.limit).map((r) => ({
        appointmentId: r.appointmentId,
        patientId: r.patientId,
        date: r.date,
        startAt: r.startAt,
        department: labels.department(r.departmentId),
        doctor: doctors.get(r.doctorId) ?? r.doctorId,
        channel: r.channel as (typeof CHANNELS)[number],
        status: r.status,
        moved: r.moved === 1,
        leadDays: r.leadDays,
        bookedAt: r.bookedAt,
      })),
    };
  },
};

export function registerAppointmentMetrics(registry: MetricRegistry): void {
  for (const m of [volume, trend, list]) registry.register(m as unknown as MetricDefinition);
}
