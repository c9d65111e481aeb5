import type { Db } from '../../db/client.js';
import type { FieldCipher } from './crypto.js';
import type { Clock } from './clock.js';
import type { TimelineRegistry } from '../modules/patients/timeline.js';
import type { EncounterEvents } from '../modules/patients/encounter-events.js';
import type { AppointmentSettings, MessagingSettings } from '../config.js';
import type { Channels } from '../modules/messaging/channels/channel.js';
import type { SendCheckRegistry } from '../modules/messaging/send-checks.js';
import type { TemplateRegistry } from '../modules/messaging/templates.js';
import type { FollowupVisitBooking } from '../modules/followup/worklist/visits.js';
import type { QuestionnaireCatalog } from '../modules/followup/questionnaire/catalog.js';
import type { CallCentreDeps } from '../modules/consultations/callcentre.deps.js';
import type { PatientIndex } from '../modules/identity/patient-index.js';
import type { MergeRegistry } from '../modules/identity/merge-registry.js';
import type { ReadAuditJournal } from '../modules/audit/audit.reads.js';

export const ROLES = ['admin', 'manager', 'doctor', 'nurse', 'agent'] as const;
export type Role = (typeof ROLES)[number];

/** Who is acting. Staff carry their role and department; imports, jobs and the system act in their own name. */
export type Actor =
  | { kind: 'staff'; id: string; role: Role; departmentId: string | null; username: string; sessionId?: string }
  | { kind: 'patient'; id: string }
  | { kind: 'import'; id: string }
  | { kind: 'job'; id: string }
  | { kind: 'system'; id: string }
  /** Someone on a public route (login, the patients' pages) before we know who they are. */
  | { kind: 'anonymous'; id: 'anonymous' };

/** The collaborators a service verb may use; built once at boot and swapped whole in tests. */
export interface Deps {
  db: Db;
  clock: Clock;
  cipher: FieldCipher;
  timeZone: string;
  timeline: TimelineRegistry;
  /** Listeners told of every visit recorded or updated, inside its transaction (follow-up plans). */
  encounterEvents: EncounterEvents;
  /** Why a queued message must still go out, registered by the module that queues it (by purpose or subject type). */
  sendChecks: SendCheckRegistry;
  /** Every module's message templates, checked at start. */
  templates: TemplateRegistry;
  messaging: MessagingDeps;
  /** Every questionnaire version loaded, checked at start. */
  questionnaires: QuestionnaireCatalog;
  followup: FollowupSettings;
  /** Consultations, feedback and contacts: settings, the hospital calendar, the caller card's registered sections. */
  callcentre: CallCentreDeps;
  appointments: AppointmentSettings;
  /** The patient index (matching engine kept in step with the patients table), one per process. */
  patientIndex: PatientIndex;
  /** What follows a patient file when it is merged into another, registered by each module that holds some. */
  merges: MergeRegistry;
  /** Where read audit rows are committed and when they reach stable storage (HCRM_READ_AUDIT_SYNC_MS). */
  readAudit?: ReadAuditJournal;
}

/** Messaging's outside world: the rules it applies, the channels it sends through, the secret Twilio signs with. */
export interface MessagingDeps {
  settings: MessagingSettings;
  channels: Channels;
  /** Checks X-Twilio-Signature; null: no Twilio configured, so every Twilio webhook is refused. */
  twilioAuthToken: string | null;
}

export interface FollowupSettings {
  /** Base of the links sent to patients (HCRM_PUBLIC_URL). */
  publicUrl: string;
  invitationDays: number;
  lowSatisfactionScore: number;
  /** Days after an invitation was sent before an unanswered patient is reminded once (HCRM_INVITATION_REMINDER_DAYS). */
  reminderDays: number;
  /** Wrong tokens one address may try on /q/:token in 15 minutes before it is refused with 429. */
  wrongTokenLimit: number;
  /** Books follow-up visits (复诊) once the appointments module implements it; absent: re-check reminders only. */
  booking?: FollowupVisitBooking | null;
}

/** What every service verb receives first: who, when, which request, and the collaborators. */
export interface ServiceContext extends Deps {
  actor: Actor;
  now: Date;
  requestId: string;
  ip: string | null;
}

/**
 * The collaborators with who is acting, when and in which request. Object.assign, not a spread: V8 copies an object
 * as wide as Deps by spread on its slow path, about 3 µs (measured on Node 20) on every request that builds one.
 */
export function serviceContext(deps: Deps, who: Pick<ServiceContext, 'actor' | 'now' | 'requestId' | 'ip'>): ServiceContext {
  return Object.assign({}, deps, who);
}

/** The same request acted on in another name: a patient on their own pages, the system on a public page. */
export function actingAs(ctx: ServiceContext, actor: Actor): ServiceContext {
  return Object.assign({}, ctx, { actor });
}

export function systemContext(deps: Deps, reason = 'system'): ServiceContext {
  return serviceContext(deps, { actor: { kind: 'system', id: reason }, now: deps.clock.now(), requestId: `system-${reason}`, ip: null });
}
