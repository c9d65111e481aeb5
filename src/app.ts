import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Db } from '../db/client.js';
import type { Clock } from './lib/clock.js';
import { fileURLToPath } from 'node:url';
import { DEFAULT_APPOINTMENT_SETTINGS, loadConfig, type AppointmentSettings, type MessagingSettings } from './config.js';
import type { Deps, FollowupSettings, MessagingDeps } from './lib/context.js';
import { createFieldCipher } from './lib/crypto.js';
import { idempotency } from './lib/idempotency.js';
import { newId } from './lib/ids.js';
import { loggerOptions } from './lib/logging.js';
import { installProblemHandler } from './lib/problem.js';
import { requestContext } from './lib/request-context.js';
import { jobRoutes } from './jobs/jobs.routes.js';
import { Scheduler } from './jobs/scheduler.js';
import { allTasks } from './jobs/tasks.js';
import { appointmentFhirRoutes } from './modules/appointments/appointments.fhir.routes.js';
import { appointmentRoutes } from './modules/appointments/appointments.routes.js';
import { registerAppointmentSendChecks } from './modules/appointments/appointments.notices.js';
import { appointmentTemplates } from './modules/appointments/appointments.templates.js';
import { appointmentTimelineProvider } from './modules/appointments/appointments.timeline.js';
import { auditRoutes } from './modules/audit/audit.routes.js';
import { ReadAuditJournal, type ReadAuditOptions } from './modules/audit/audit.reads.js';
import { careDeps, type CareDeps } from './modules/care/care.deps.js';
import { careRoutes } from './modules/care/care.routes.js';
import { registerCareSendChecks } from './modules/care/care.send-checks.js';
import { careTemplates } from './modules/care/care.templates.js';
import { callCentreTemplates } from './modules/consultations/callcentre.templates.js';
import { careTimelineProvider } from './modules/care/care.timeline.js';
import { syncQuestionnaireCatalog } from './modules/followup/followup.catalog.js';
import { followupPlanRoutes } from './modules/followup/followup-plans.routes.js';
import { followupPlanTimelineProviders } from './modules/followup/followup-plans.timeline.js';
import { followupRoutes } from './modules/followup/followup.routes.js';
import { followupTemplates } from './modules/followup/followup.templates.js';
import { INVITATION_SUBJECT, invitationSendCheck } from './modules/followup/invitations/invitation-messages.js';
import { enrolFromEncounter } from './modules/followup/plans/enrolment.js';
import { EncounterEvents } from './modules/patients/encounter-events.js';
import { followupTimelineProviders } from './modules/followup/followup.timeline.js';
import { callCentreDeps } from './modules/consultations/callcentre.wiring.js';
import type { CallCentreSettings } from './modules/consultations/callcentre.deps.js';
import { callCentreRoutes } from './modules/consultations/callcentre.routes.js';
import { healthRoutes } from './modules/health/health.routes.js';
import { sandboxChannel } from './modules/messaging/channels/index.js';
import { messagingTemplates } from './modules/messaging/messaging.templates.js';
import { messagingRoutes } from './modules/messaging/messaging.routes.js';
import { messagingTimelineProviders } from './modules/messaging/messaging.timeline.js';
import { SendCheckRegistry } from './modules/messaging/send-checks.js';
import { TemplateRegistry, type TemplateSet } from './modules/messaging/templates.js';
import { unsubscribeRoutes } from './modules/messaging/unsubscribe.routes.js';
import { twilioWebhookRoutes } from './modules/messaging/webhooks.routes.js';
import { importRoutes } from './modules/imports/imports.routes.js';
import { importTimelineProviders } from './modules/imports/imports.timeline.js';
import { patientRoutes } from './modules/patients/patients.routes.js';
import { patientMergeParticipants } from './modules/patients/patients.merge.js';
import { followupVisitBooking } from './modules/appointments/appointments.followup.js';
import { appointmentMergeParticipants } from './modules/appointments/appointments.merge.js';
import { feedbackMergeParticipant } from './modules/feedback/feedback.merge.js';
import { careMergeParticipant } from './modules/care/care.merge.js';
import { followupMergeParticipants } from './modules/followup/followup.merge.js';
import { identityRoutes } from './modules/identity/identity.routes.js';
import { MergeRegistry } from './modules/identity/merge-registry.js';
import { PatientIndex } from './modules/identity/patient-index.js';
import type { MatchConfig } from './modules/identity/match-config.js';
import { importsMergeParticipant } from './modules/imports/imports.merge.js';
import { messagingMergeParticipant } from './modules/messaging/messaging.merge.js';
import { patientTimelineProviders } from './modules/patients/patients.timeline.js';
import { TimelineRegistry } from './modules/patients/timeline.js';
import { staffRoutes } from './modules/staff/staff.routes.js';
import { bookPages } from './web/book/book.routes.js';
import { createMetricRegistry } from './modules/stats/metrics/index.js';
import type { MetricRegistry } from './modules/stats/registry.js';
import { statsRoutes } from './modules/stats/stats.routes.js';
import { questionnairePages } from './web/questionnaire.routes.js';
import { publicFormPages } from './web/public-forms.routes.js';
import { webRoutes } from './web/web.routes.js';

export interface AppOptions {
  /**
   * The collaborators. They belong to whoever made them, who closes them after the app (main.ts: the read-audit
   * journal once the last request is answered); closing the app leaves them open, so apps may share one set.
   */
  deps: Deps;
  version: string;
  logLevel?: string;
  /** Where log lines go (stdout by default); tests read them to prove no personal data is logged. */
  logStream?: { write(line: string): void };
  /** Largest JSON body any route accepts; imports raise it on their own routes. */
  bodyLimit?: number;
  /** Care's outbox and greeting settings (messaging's verbs and config by default; tests record the outbox). */
  care?: CareDeps;
  /** The scheduler whose jobs /api/jobs lists and starts; main.ts starts its cron. Built from every task if absent. */
  scheduler?: Scheduler;
  /** The statistics' metric definitions; other modules register theirs on it before the app is built. */
  metrics?: MetricRegistry;
}

export interface DepsOptions {
  db: Db;
  clock: Clock;
  secretKey: string;
  timeZone: string;
  /** Messaging rules and channels; omitted: the defaults of an empty environment and the sandbox channels. */
  messaging?: Partial<Omit<MessagingDeps, 'settings'>> & { settings?: Partial<MessagingSettings> };
  /** Templates besides the modules' own (tests add theirs). */
  extraTemplates?: TemplateSet[];
  /** Defaults to the questionnaires/ folder of this repository. */
  questionnairesDir?: string;
  followup?: Partial<FollowupSettings>;
  /** Call-centre settings; omitted: the defaults, recordings beside the database file. */
  callcentre?: Partial<CallCentreSettings>;
  appointments?: Partial<AppointmentSettings>;
  /** Match thresholds (HCRM_MATCH_*); the defaults otherwise. */
  match?: Partial<MatchConfig>;
  /** When read audit rows reach stable storage (HCRM_READ_AUDIT_SYNC_MS, default 100 ms); tests pass a timer. */
  readAudit?: Partial<ReadAuditOptions>;
}

const SHIPPED_QUESTIONNAIRES = fileURLToPath(new URL('../questionnaires/', import.meta.url));

/** Every module's message templates; a module that sends adds its set here. */
const TEMPLATE_SETS: TemplateSet[] = [messagingTemplates, careTemplates, followupTemplates, callCentreTemplates, appointmentTemplates];

/**
 * The collaborators every service receives; each module registers its timeline entries, templates and send
 * checks here. Templates are checked now, so a broken one stops the start with its name.
 */
export function createDeps(options: DepsOptions): Deps {
  const questionnaires = syncQuestionnaireCatalog(options.db, options.questionnairesDir ?? SHIPPED_QUESTIONNAIRES, options.clock.now());
  const timeline = new TimelineRegistry();
  for (const provider of [...patientTimelineProviders, ...messagingTimelineProviders, careTimelineProvider, ...followupTimelineProviders(questionnaires), ...followupPlanTimelineProviders, ...importTimelineProviders, appointmentTimelineProvider]) timeline.register(provider);
  const defaults = loadConfig({});
  const settings: MessagingSettings = { ...defaults.messaging, ...options.messaging?.settings };
  const templates = new TemplateRegistry([...TEMPLATE_SETS, ...(options.extraTemplates ?? [])], settings.smsMaxSegments);
  const sendChecks = new SendCheckRegistry();
  registerCareSendChecks(sendChecks);
  registerAppointmentSendChecks(sendChecks);
  sendChecks.register(INVITATION_SUBJECT, invitationSendCheck);
  const encounterEvents = new EncounterEvents();
  encounterEvents.register(enrolFromEncounter);
  const merges = new MergeRegistry();
  for (const participant of [...patientMergeParticipants, importsMergeParticipant, messagingMergeParticipant, ...followupMergeParticipants, careMergeParticipant, ...appointmentMergeParticipants, feedbackMergeParticipant]) {
    merges.register(participant);
  }
  return {
    db: options.db,
    clock: options.clock,
    cipher: createFieldCipher(options.secretKey),
    timeZone: options.timeZone,
    timeline,
    encounterEvents,
    sendChecks,
    templates,
    messaging: {
      settings,
      channels: options.messaging?.channels ?? { sms: sandboxChannel('sms'), email: sandboxChannel('email') },
      twilioAuthToken: options.messaging?.twilioAuthToken ?? null,
    },
    questionnaires,
    followup: { publicUrl: settings.publicUrl, invitationDays: 14, lowSatisfactionScore: 2, reminderDays: 3, wrongTokenLimit: 20, booking: followupVisitBooking, ...stripUndefined(options.followup ?? {}) },
    callcentre: callCentreDeps(options.db, options.timeZone, options.callcentre, timeline),
    appointments: { ...DEFAULT_APPOINTMENT_SETTINGS, ...options.appointments },
    patientIndex: new PatientIndex({ ...defaults.match, ...options.match }),
    merges,
    readAudit: new ReadAuditJournal(options.db, { syncWithinMs: defaults.readAuditSyncMs, inWorker: true, ...stripUndefined(options.readAudit ?? {}) }),
  };
}

function stripUndefined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}

/** Every module's scheduled tasks on one scheduler; nothing runs until main.ts starts its cron. */
export function createScheduler(deps: Deps, care: CareDeps, onError?: (job: string, error: unknown) => void): Scheduler {
  return new Scheduler({ deps, tasks: allTasks({ care }), ...(onError ? { onError } : {}) });
}

/** The whole application as one Fastify instance; importing this file starts nothing. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // Silent means no logger at all: a silent pino still builds a child logger for every request.
    logger: options.logLevel === 'silent' ? false : loggerOptions(options.logLevel ?? 'info', options.logStream),
    bodyLimit: options.bodyLimit ?? 256 * 1024,
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && /^[A-Za-z0-9._-]{8,64}$/.test(incoming) ? incoming : newId();
    },
    trustProxy: false,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installProblemHandler(app);
  // A plain callback: an async hook would cost every reply a promise.
  app.addHook('onSend', (request, reply, payload, done) => {
    void reply.header('x-request-id', request.id);
    done(null, payload);
  });

  await app.register(cookie);
  await app.register(formbody);
  await app.register(swagger, {
    openapi: {
      info: { title: 'HCRM API', version: options.version, description: 'Hospital patient-relationship management. Errors are RFC 9457 problem+json.' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'Token from POST /api/auth/login' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'hcrm_session' },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
    },
    transform: jsonSchemaTransform,
  });
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) route.config = { ...route.config, public: true };
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });

  await app.register(requestContext, { deps: options.deps });
  await app.register(idempotency, { deps: options.deps });
  await app.register(healthRoutes, { deps: options.deps, version: options.version });
  await app.register(staffRoutes);
  await app.register(auditRoutes);
  await app.register(patientRoutes);
  await app.register(importRoutes);
  await app.register(identityRoutes);
  await app.register(messagingRoutes);
  await app.register(twilioWebhookRoutes);
  await app.register(unsubscribeRoutes);
  const care = options.care ?? careDeps();
  const scheduler = options.scheduler ?? createScheduler(options.deps, care);
  await app.register(careRoutes, { care });
  await app.register(jobRoutes, { scheduler });
  await app.register(followupRoutes);
  await app.register(appointmentRoutes);
  await app.register(appointmentFhirRoutes);
  await app.register(followupPlanRoutes);
  await app.register(callCentreRoutes, { recordingMaxBytes: options.deps.callcentre.settings.recordingMaxBytes });
  const metrics = options.metrics ?? createMetricRegistry();
  await app.register(statsRoutes, { metrics });
  await app.register(webRoutes, { care, scheduler, metrics });
  await app.register(questionnairePages);
  await app.register(publicFormPages);
  await app.register(bookPages);
  await app.ready();
  return app;
}
