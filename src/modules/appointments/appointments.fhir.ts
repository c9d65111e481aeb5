import type { ServiceContext } from '../../lib/context.js';
import { Invalid } from '../../lib/errors.js';
import { inTransaction } from '../../lib/transaction.js';
import { audit } from '../audit/audit.service.js';
import { authorize } from '../staff/permissions.js';
import * as repo from './appointments.repository.js';

/*
 * FHIR R4 reads for other systems: a clinic session is a Schedule (its planning horizon is the half-day, its actor
 * the doctor), each slot a Slot, each booking an Appointment. Searchset bundles, no paging beyond `_count`.
 */
type Resource = Record<string, unknown> & { resourceType: string; id: string };
export interface Bundle {
  resourceType: 'Bundle';
  type: 'searchset';
  total: number;
  entry: { fullUrl: string; resource: Resource }[];
}

const APPOINTMENT_STATUS: Record<repo.AppointmentRow['status'], string> = {
  requested: 'proposed',
  booked: 'booked',
  checked_in: 'arrived',
  completed: 'fulfilled',
  cancelled: 'cancelled',
  rejected: 'cancelled',
  no_show: 'noshow',
};

function bundle(ctx: ServiceContext, resources: Resource[]): Bundle {
  const base = `${ctx.followup.publicUrl}/fhir`;
  return { resourceType: 'Bundle', type: 'searchset', total: resources.length, entry: resources.map((resource) => ({ fullUrl: `${base}/${resource.resourceType}/${resource.id}`, resource })) };
}

const practitioner = (doctor: repo.DoctorRow | undefined, id: string) => ({ reference: `Practitioner/${id}`, ...(doctor ? { display: doctor.name } : {}) });
const idOf = (reference: string, type: string) => (reference.startsWith(`${type}/`) ? reference.slice(type.length + 1) : reference);
const badSearch = (message: string, field: string) => new Invalid('fhir.bad_search', message, [{ field, code: 'invalid', message }]);

export function scheduleResource(row: repo.SessionRow, doctor: repo.DoctorRow | undefined): Resource {
  return {
    resourceType: 'Schedule',
    id: row.id,
    active: row.status === 'open',
    actor: [practitioner(doctor, row.doctorId)],
    planningHorizon: { start: row.startAt, end: row.endAt },
    ...(doctor?.specialty ? { comment: doctor.specialty } : {}),
  };
}

export async function searchSchedules(ctx: ServiceContext, query: { actor?: string | undefined; date?: string | undefined; department?: string | undefined; _count: number }): Promise<Bundle> {
  authorize(ctx, 'appointments.read');
  if (!query.actor && !(query.department && query.date)) throw badSearch('search by actor (Practitioner/<id>), or by department and date', 'actor');
  return inTransaction(ctx, (tx) => {
    const date = query.date;
    const rows = query.actor
      ? repo.sessionsOfDoctor(tx, idOf(query.actor, 'Practitioner'), date ?? '0000-01-01', date ?? '9999-12-31')
      : repo.sessionsOfDepartment(tx, query.department!, date!, date!);
    return bundle(ctx, rows.slice(0, query._count).map((r) => scheduleResource(r, repo.findDoctor(tx, r.doctorId))));
  });
}

export async function searchSlots(ctx: ServiceContext, query: { schedule: string; status?: 'free' | 'busy' | undefined; _count: number }): Promise<Bundle> {
  authorize(ctx, 'appointments.read');
  return inTransaction(ctx, (tx) => {
    const session = repo.findSession(tx, idOf(query.schedule, 'Schedule'));
    if (!session) return bundle(ctx, []);
    const resources = repo
      .slotsOfSession(tx, session.id)
      .map((s) => ({
        resourceType: 'Slot',
        id: s.id,
        schedule: { reference: `Schedule/${session.id}` },
        status: session.status === 'open' && s.booked < s.capacity ? 'free' : 'busy',
        start: s.startAt,
        end: s.endAt,
        comment: `${s.capacity - s.booked} of ${s.capacity} places free`,
      }))
      .filter((r) => !query.status || r.status === query.status);
    return bundle(ctx, resources.slice(0, query._count));
  });
}

export async function searchAppointments(ctx: ServiceContext, query: { patient?: string | undefined; date?: string | undefined; _count: number }): Promise<Bundle> {
  const actor = authorize(ctx, 'appointments.read');
  if (!query.patient && !query.date) throw badSearch('search by patient (Patient/<id>) or date (YYYY-MM-DD)', 'patient');
  const wide = actor.role === 'admin' || actor.role === 'agent';
  return inTransaction(ctx, (tx) => {
    const patientId = query.patient ? idOf(query.patient, 'Patient') : undefined;
    const rows = repo.listAppointments(tx, { patientId, date: query.date, departmentId: wide ? undefined : (actor.departmentId ?? '-') }, query._count);
    audit(tx, ctx, { action: 'appointment.list', entityType: 'appointment', patientId: patientId ?? null, detail: { fhir: true, returned: rows.length } });
    return bundle(
      ctx,
      rows.map((a) => {
        const slot = repo.findSlot(tx, a.slotId);
        return {
          resourceType: 'Appointment',
          id: a.id,
          status: APPOINTMENT_STATUS[a.status],
          start: a.startAt,
          ...(slot ? { end: slot.endAt } : {}),
          created: a.createdAt,
          slot: [{ reference: `Slot/${a.slotId}` }],
          ...(a.cancelReason ? { cancelationReason: { text: a.cancelReason } } : {}),
          participant: [
            { actor: { reference: `Patient/${a.patientId}` }, status: 'accepted' },
            { actor: practitioner(repo.findDoctor(tx, a.doctorId), a.doctorId), status: 'accepted' },
          ],
        };
      }),
    );
  });
}
