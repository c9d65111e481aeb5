import { Forbidden, Unauthenticated } from '../../lib/errors.js';
import type { Actor, Role, ServiceContext } from '../../lib/context.js';

const EVERYONE: readonly Role[] = ['admin', 'manager', 'doctor', 'nurse', 'agent'];

/**
 * Which roles hold which rights. Services call `authorize` next to the query the right guards; routes only
 * declare the permission (`x-permission`) so the OpenAPI document and the security suite can see it.
 * Clinical rights are further scoped to the staff member's department (patients.access.ts).
 */
export const ROLE_PERMISSIONS = {
  /** Every signed-in staff member: their own session and account (logout, me). */
  'auth.session': EVERYONE,
  'patients.search': EVERYONE,
  'patients.read': EVERYONE,
  'patients.create': ['admin', 'doctor', 'nurse', 'agent'],
  'patients.update': ['admin', 'doctor', 'nurse', 'agent'],
  'patients.deactivate': ['admin'],
  /** Unmasked phone and e-mail: the roles that call patients. */
  'patients.contact': ['admin', 'doctor', 'nurse', 'agent'],
  'patients.clinical.read': ['admin', 'manager', 'doctor', 'nurse'],
  'patients.clinical.write': ['admin', 'doctor', 'nurse'],
  'departments.read': EVERYONE,
  'departments.manage': ['admin'],
  'staff.manage': ['admin'],
  'audit.read': ['admin'],
  /** The outbox: what was sent, queued or refused, to whom and why. */
  'messages.read': EVERYONE,
  'messages.cancel': ['admin', 'doctor', 'nurse', 'agent'],
  /** Inbound SMS that read like an opt-out but matched no keyword: the call centre decides. */
  'messages.review': ['admin', 'agent'],
  'jobs.read': ['admin'],
  'jobs.run': ['admin'],
  /** Care reminders of patients their department has seen (department scope in the care service). */
  'care.reminders.read': ['admin', 'manager', 'doctor', 'nurse'],
  'care.reminders.write': ['admin', 'doctor', 'nurse'],
  /** Health-education campaigns to segments of patients (治未病). */
  'campaigns.read': ['admin', 'manager'],
  'campaigns.manage': ['admin', 'manager'],
  /** Questionnaire definitions carry no patient data. */
  'questionnaires.read': EVERYONE,
  /** Invite a patient of one's own department to answer a questionnaire (admins: any department). */
  'questionnaires.invite': ['admin', 'doctor', 'nurse'],
  /** Enter a patient's answers on their behalf (a follow-up call). */
  'questionnaires.responses.record': ['admin', 'doctor', 'nurse'],
  /** Read answers: department-scoped like clinical data. */
  'questionnaires.responses.read': ['admin', 'manager', 'doctor', 'nurse'],
  /** Export a questionnaire's answers (managers: their department's). */
  'questionnaires.responses.export': ['admin', 'manager'],
  /** Run imports over HTTP and work the quarantine: the interface administrators. */
  'imports.run': ['admin'],
  'imports.quarantine': ['admin'],
  /** Doctors, sessions, free slots and bookings (booking is the call centre's and the desk's daily work). */
  'appointments.read': EVERYONE,
  'appointments.book': ['admin', 'doctor', 'nurse', 'agent'],
  /** The day itself at the desk: check-in, completion, reversing a no-show (with a reason). */
  'appointments.desk': ['admin', 'manager', 'doctor', 'nurse'],
  /** Doctors' profiles, weekly templates, sessions, stopping a session, the department's booking mode. */
  'schedules.manage': ['admin', 'manager'],
  /** Follow-up plans (随访方案): read by clinical staff; written by admins, and by managers for their department. */
  'followup.plans.read': ['admin', 'manager', 'doctor', 'nurse'],
  'followup.plans.manage': ['admin', 'manager'],
  /** Put a patient their department has seen on a plan, or keep their plan version. */
  'followup.enrol': ['admin', 'doctor', 'nurse'],
  /** Follow-up tasks: worklists (managers see their department's, overdue included). */
  'followup.tasks.read': ['admin', 'manager', 'doctor', 'nurse'],
  /** Claim a task and record the outcome of a call. */
  'followup.tasks.work': ['admin', 'doctor', 'nurse'],
  'followup.tasks.assign': ['admin', 'manager'],
  /** Ask for a follow-up visit (复诊). */
  'followup.visits.schedule': ['admin', 'doctor'],
  /** The call centre: caller lookup and card (no clinical content), consultations and call-backs. */
  'consultations.lookup': ['admin', 'manager', 'doctor', 'nurse', 'agent'],
  'consultations.read': ['admin', 'manager', 'agent'],
  'consultations.write': ['admin', 'agent'],
  'knowledge.read': EVERYONE,
  'knowledge.manage': ['admin', 'manager'],
  /** Feedback: agents take it and read every case; managers see their department's; admins everything. */
  'feedback.create': ['admin', 'manager', 'doctor', 'nurse', 'agent'],
  'feedback.read': ['admin', 'manager', 'agent'],
  'feedback.work': ['admin', 'manager', 'agent'],
  'feedback.rules.manage': ['admin'],
  'feedback.escalations.read': ['admin'],
  /** The contact log, recordings (played back by managers and admins) and managers' quality review. */
  'contacts.read': ['admin', 'manager', 'doctor', 'nurse', 'agent'],
  'contacts.write': ['admin', 'doctor', 'nurse', 'agent'],
  'contacts.review': ['admin', 'manager'],
  'recordings.upload': ['admin', 'agent'],
  'recordings.play': ['admin', 'manager'],
  /**
   * The match review queue: read the pairs and decide them (link, different, merge). Managers decide too: they
   * answer for their department's records, and a review shows demographics only (no clinical data).
   */
  'identity.reviews.read': ['admin', 'manager'],
  'identity.reviews.decide': ['admin', 'manager'],
  /** Merge two files directly, or undo a merge: a repair of the index, kept to administrators. */
  'identity.merge': ['admin'],
  /** The statistics dashboard and /api/stats: managers see their own department's figures (stats.service.ts). */
  'stats.read': ['admin', 'manager'],
  /** Figures with no department (messages, campaigns, opt-outs): the whole hospital's, administrators only. */
  'stats.hospital': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof ROLE_PERMISSIONS;
export type StaffActor = Extract<Actor, { kind: 'staff' }>;

export function can(role: Role, permission: Permission): boolean {
  return (ROLE_PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/** The staff actor of the context if it holds the permission; throws 401 without staff, 403 without the right. */
export function authorize(ctx: Pick<ServiceContext, 'actor'>, permission: Permission): StaffActor {
  const { actor } = ctx;
  if (actor.kind === 'system' || actor.kind === 'job' || actor.kind === 'import') {
    return { kind: 'staff', id: actor.id, role: 'admin', departmentId: null, username: actor.kind };
  }
  if (actor.kind !== 'staff') throw new Unauthenticated('auth.required', 'Sign in as a staff member to do this.');
  if (!can(actor.role, permission)) {
    throw new Forbidden('auth.forbidden', `Your role (${actor.role}) does not have the right "${permission}".`);
  }
  return actor;
}
