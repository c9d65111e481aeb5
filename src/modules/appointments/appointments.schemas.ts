import { z } from 'zod';
import { PageQuery } from '../../lib/pagination.js';
import { LocalDate, TimeOfDay } from '../care/care.schemas.js';

const id = z.string().min(1).max(64);
const text = (max: number) => z.string().trim().min(1).max(max);

export const HalfDay = z.enum(['morning', 'afternoon', 'evening']);
export const Channel = z.enum(['web', 'phone', 'desk']);
export const DoctorTitle = z.enum(['chief', 'associate_chief', 'attending', 'resident']).describe('主任医师, 副主任医师, 主治医师, 住院医师');
export const FeeClass = z.enum(['general', 'expert', 'special']).describe('普通, 专家, 特需');
export const BookingMode = z.enum(['direct', 'approval', 'view_only']);
export const AppointmentStatus = z.enum(['requested', 'booked', 'checked_in', 'completed', 'cancelled', 'rejected', 'no_show']);

export const Reserve = z
  .strictObject({ web: z.number().int().min(0).max(500), phone: z.number().int().min(0).max(500), desk: z.number().int().min(0).max(500) })
  .describe('Places of each slot each channel keeps until the release time');

export const CreateDoctorBody = z.strictObject({
  departmentId: id,
  name: text(50),
  title: DoctorTitle,
  specialty: text(500).optional().describe('专家特长'),
  photoUrl: z.url().max(500).optional(),
  feeClass: FeeClass,
  staffId: id.optional().describe('The staff account of this doctor, if any'),
});
export type CreateDoctorBody = z.infer<typeof CreateDoctorBody>;

export const Doctor = z
  .object({
    id: z.string(),
    departmentId: z.string(),
    name: z.string(),
    title: DoctorTitle,
    specialty: z.string().nullable(),
    photoUrl: z.string().nullable(),
    feeClass: FeeClass,
  })
  .meta({ id: 'Doctor' });
export type Doctor = z.infer<typeof Doctor>;
export const DoctorList = z.object({ items: z.array(Doctor) });
export const DoctorQuery = z.strictObject({ departmentId: id.optional() });

const slotShape = {
  startTime: TimeOfDay,
  endTime: TimeOfDay,
  slotMinutes: z.number().int().min(5).max(240).describe('Length of one slot'),
  slotCapacity: z.number().int().min(1).max(500).describe('Patients per slot'),
  reserve: Reserve.default({ web: 0, phone: 0, desk: 0 }),
};

export const CreateTemplateBody = z.strictObject({
  doctorId: id,
  weekday: z.number().int().min(1).max(7).describe('ISO weekday: 1 Monday … 7 Sunday'),
  halfDay: HalfDay,
  ...slotShape,
});
export type CreateTemplateBody = z.infer<typeof CreateTemplateBody>;

export const ScheduleTemplate = z
  .object({ id: z.string(), doctorId: z.string(), weekday: z.number(), halfDay: HalfDay, startTime: z.string(), endTime: z.string(), slotMinutes: z.number(), slotCapacity: z.number(), reserve: Reserve, active: z.boolean() })
  .meta({ id: 'ScheduleTemplate' });

export const CreateSessionBody = z.strictObject({ doctorId: id, date: LocalDate, halfDay: HalfDay, ...slotShape });
export type CreateSessionBody = z.infer<typeof CreateSessionBody>;

export const Slot = z.object({
  id: z.string(),
  startAt: z.string(),
  endAt: z.string(),
  capacity: z.number().int(),
  booked: z.number().int(),
  free: z.number().int().describe('Places the asking channel may take now'),
});
export type Slot = z.infer<typeof Slot>;

export const ClinicSession = z
  .object({
    id: z.string(),
    doctor: Doctor,
    departmentId: z.string(),
    date: z.string(),
    halfDay: HalfDay,
    startAt: z.string(),
    endAt: z.string(),
    status: z.enum(['open', 'stopped']),
    capacity: z.number().int(),
    booked: z.number().int(),
    free: z.number().int().describe('Places the asking channel may take now'),
    stopReason: z.string().nullable(),
    slots: z.array(Slot).optional(),
  })
  .meta({ id: 'ClinicSession' });
export type ClinicSession = z.infer<typeof ClinicSession>;

export const ScheduleQuery = z.strictObject({
  departmentId: id,
  from: LocalDate.optional().describe('First day; default today'),
  days: z.coerce.number().int().min(1).max(31).default(7),
  doctorId: id.optional(),
  channel: Channel.optional().describe('Whose free places to count; default the caller’s channel'),
});
export type ScheduleQuery = z.infer<typeof ScheduleQuery>;
export const ScheduleWeek = z.object({ items: z.array(ClinicSession), bookingMode: BookingMode });
export const SessionIdParams = z.strictObject({ id });
export const SessionQuery = z.strictObject({ channel: Channel.optional() });
export const StopSessionBody = z.strictObject({ reason: text(200) });

export const NewPatientFields = z.strictObject({
  name: text(50),
  phone: text(30).describe('Mainland mobile (11 digits) or +country code'),
  residentId: text(18).describe('18-character resident ID number'),
});

export const BookBody = z
  .strictObject({
    slotId: id,
    patientId: id.optional().describe('An existing patient (agents find the caller first)'),
    newPatient: NewPatientFields.optional().describe('Or a caller not yet on file'),
    channel: Channel.optional().describe('Default: phone for agents, desk for other staff'),
    type: z.enum(['outpatient', 'recheck']).default('outpatient'),
  })
  .refine((b) => (b.patientId === undefined) !== (b.newPatient === undefined), { message: 'give either patientId or newPatient', path: ['patientId'] });
export type BookBody = z.infer<typeof BookBody>;

export const Appointment = z
  .object({
    id: z.string(),
    patientId: z.string(),
    slotId: z.string(),
    sessionId: z.string(),
    doctorId: z.string(),
    doctorName: z.string(),
    departmentId: z.string(),
    date: z.string(),
    startAt: z.string(),
    type: z.string(),
    channel: Channel,
    status: AppointmentStatus,
    createdAt: z.string(),
    rescheduledFromId: z.string().nullable(),
    cancelledAt: z.string().nullable(),
    cancelReason: z.string().nullable(),
    checkedInAt: z.string().nullable(),
    completedAt: z.string().nullable(),
    noShowAt: z.string().nullable(),
    version: z.number().int(),
  })
  .meta({ id: 'Appointment' });
export type Appointment = z.infer<typeof Appointment>;

export const AppointmentQuery = PageQuery.extend({
  departmentId: id.optional(),
  patientId: id.optional(),
  status: AppointmentStatus.optional().describe('requested: bookings waiting for staff approval'),
  date: LocalDate.optional(),
}).strict();
export type AppointmentQuery = z.infer<typeof AppointmentQuery>;
export const AppointmentPage = z.object({ items: z.array(Appointment), nextCursor: z.string().nullable() });
export const AppointmentIdParams = z.strictObject({ id });
export const ReasonBody = z.strictObject({ reason: text(200) });
export const OptionalReasonBody = z.strictObject({ reason: text(200).optional() });
export const RescheduleBody = z.strictObject({ slotId: id, version: z.number().int().min(1).optional() });
export const BookingModeBody = z.strictObject({ mode: BookingMode });
export const DepartmentIdParams = z.strictObject({ id });
export const NoShowCount = z.object({ patientId: z.string(), noShows90Days: z.number().int(), limited: z.boolean() });

export const WaitlistBody = z.strictObject({ patientId: id, doctorId: id, date: LocalDate });
export const WaitlistEntry = z
  .object({
    id: z.string(),
    patientId: z.string(),
    doctorId: z.string(),
    date: z.string(),
    status: z.enum(['waiting', 'offered', 'booked', 'expired', 'cancelled']),
    createdAt: z.string(),
    offerExpiresAt: z.string().nullable(),
    appointmentId: z.string().nullable(),
  })
  .meta({ id: 'WaitlistEntry' });
