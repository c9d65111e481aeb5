import { z } from 'zod';
import { PageQuery } from '../../lib/pagination.js';
import { PatientSegment } from '../patients/patients.schemas.js';

const text = (max: number) => z.string().trim().min(1).max(max);
const id = z.string().min(1).max(64);
export const LocalDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'is not a date that exists');
export const TimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time as HH:MM');
const times = z.array(TimeOfDay).min(1).max(8).describe('Local times of day, HH:MM');

export const MedicationReminderBody = z.strictObject({
  kind: z.literal('medication'),
  patientId: id,
  drug: text(100),
  dose: text(100).describe('As the patient should read it: 1 片, 5 mg'),
  timesOfDay: times,
  startDate: LocalDate,
  endDate: LocalDate.describe('Last day, inclusive'),
});

export const RecheckReminderBody = z.strictObject({
  kind: z.literal('recheck'),
  patientId: id,
  recheckDate: LocalDate,
  departmentId: id.describe('Where the re-check takes place'),
  bring: text(500).optional().describe('What to bring: 病历本, 空腹 …'),
  remindDaysBefore: z.number().int().min(0).max(14).default(1),
  remindAt: TimeOfDay.default('09:00'),
});

export const FreeTextReminderBody = z.strictObject({
  kind: z.literal('free_text'),
  patientId: id,
  text: text(500),
  timesOfDay: times,
  startDate: LocalDate,
  endDate: LocalDate.optional().describe('Repeat daily until this day; default: only startDate'),
});

export const CreateCareReminderBody = z.discriminatedUnion('kind', [MedicationReminderBody, RecheckReminderBody, FreeTextReminderBody]);
export type CreateCareReminderBody = z.infer<typeof CreateCareReminderBody>;

export const CloseCareReminderBody = z.strictObject({ reason: text(200).optional() });
export type CloseCareReminderBody = z.infer<typeof CloseCareReminderBody>;

export const CareReminderKind = z.enum(['medication', 'recheck', 'free_text']);
export const CareReminderStatus = z.enum(['active', 'ended', 'cancelled']);

export const CareReminder = z
  .object({
    id: z.string(),
    patientId: z.string(),
    kind: CareReminderKind,
    status: CareReminderStatus,
    startDate: z.string(),
    endDate: z.string(),
    timesOfDay: z.array(z.string()),
    drug: z.string().nullable(),
    dose: z.string().nullable(),
    recheckDate: z.string().nullable(),
    recheckDepartmentId: z.string().nullable(),
    bring: z.string().nullable(),
    text: z.string().nullable(),
    departmentId: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
    closedAt: z.string().nullable(),
    closeReason: z.string().nullable(),
    nextReminderAt: z.string().nullable().describe('When the next message is due, if any'),
  })
  .meta({ id: 'CareReminder' });
export type CareReminder = z.infer<typeof CareReminder>;

export const CareReminderQuery = PageQuery.extend({
  patientId: id.optional().describe('One patient; without it, the reminders of your department'),
  status: CareReminderStatus.optional(),
}).strict();
export type CareReminderQuery = z.infer<typeof CareReminderQuery>;

export const CareReminderPage = z.object({ items: z.array(CareReminder), nextCursor: z.string().nullable() });
export const CareReminderIdParams = z.strictObject({ id });

export const CampaignBody = text(500).describe('The message; {patientName} is replaced by each patient’s name');

export const CreateCampaignBody = z.strictObject({
  name: text(100),
  segment: PatientSegment.default({}),
  body: CampaignBody,
  sendAt: z.iso.datetime({ offset: true }).describe('When the messages go out (messaging still applies quiet hours)'),
});
export type CreateCampaignBody = z.infer<typeof CreateCampaignBody>;

export const CampaignPreviewBody = z.strictObject({ segment: PatientSegment.default({}) });
export type CampaignPreviewBody = z.infer<typeof CampaignPreviewBody>;
export const CampaignPreview = z.object({ count: z.number().int().describe('Active patients in the segment now') });

export const CampaignReport = z.object({
  queued: z.number().int(),
  sent: z.number().int(),
  delivered: z.number().int(),
  failed: z.number().int(),
  optedOut: z.number().int(),
  cancelled: z.number().int(),
});

export const Campaign = z
  .object({
    id: z.string(),
    name: z.string(),
    segment: z.record(z.string(), z.unknown()),
    body: z.string(),
    sendAt: z.string(),
    status: z.enum(['draft', 'sending', 'queued', 'cancelled']).describe('sending: messages are being queued; a cancel stops it'),
    queuedCount: z.number().int(),
    createdBy: z.string(),
    createdAt: z.string(),
    queuedAt: z.string().nullable(),
    cancelledAt: z.string().nullable(),
    report: CampaignReport.nullable().describe('From messaging, once queued'),
  })
  .meta({ id: 'Campaign' });
export type Campaign = z.infer<typeof Campaign>;

export const CampaignQuery = PageQuery.extend({}).strict();
export const CampaignPage = z.object({ items: z.array(Campaign), nextCursor: z.string().nullable() });
export const CampaignIdParams = z.strictObject({ id });
