import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { ROLES, type Role } from '../../src/lib/context.js';
import { mergeIn } from '../../src/modules/identity/identity.merge.js';
import { recordDecision } from '../../src/modules/identity/identity.resolution.js';
import { inTransaction } from '../../src/lib/transaction.js';
import { receiveInboundSms } from '../../src/modules/messaging/messaging.inbound.js';
import { enqueueMessage } from '../../src/modules/messaging/messaging.service.js';
import { createCampaign } from '../../src/modules/care/care.campaigns.js';
import { createCareReminder } from '../../src/modules/care/care.service.js';
import { addEncounter, createPatient } from '../../src/modules/patients/patients.service.js';
import { ROLE_PERMISSIONS, type Permission } from '../../src/modules/staff/permissions.js';
import { importHl7 } from '../../src/modules/imports/imports.verbs.js';
import { createStaff } from '../../src/modules/staff/staff.service.js';
import { securityClinic } from './security-clinic.js';
import { PlanDefinition } from '../../src/modules/followup/plans/plan-definition.js';
import { enrolByHand, savePlan } from '../../src/modules/followup/plans/plans.service.js';
import { openCallTask } from '../../src/modules/followup/worklist/tasks.js';
import { logContactIn, uploadRecording } from '../../src/modules/contacts/contacts.service.js';
import { createConsultation } from '../../src/modules/consultations/consultations.service.js';
import { createArticle } from '../../src/modules/consultations/knowledge.service.js';
import { createRoutingRule, listRoutingRules } from '../../src/modules/feedback/feedback.rules.js';
import { createFeedback, resolveFeedback } from '../../src/modules/feedback/feedback.service.js';
import type { StaffSession, TestHospital } from './app.js';
import { aPatient } from './factories.js';

/**
 * The shared security suite's machinery: walks the OpenAPI document, fills each operation with real ids and a
 * minimal valid body, and says which roles hold its `x-permission`. A module that adds a route with a path
 * parameter or a body adds its entry to PATH_PARAMETERS or SAMPLE_BODIES below; the suite fails until it does.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface OpenApiOperation {
  summary?: string;
  'x-permission'?: string;
  requestBody?: unknown;
  parameters?: { in: string; name: string; required?: boolean }[];
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

export interface ApiOperation {
  /** `POST /api/patients/{id}/encounters`, as the OpenAPI document writes it. */
  key: string;
  method: HttpMethod;
  path: string;
  operation: OpenApiOperation;
}

/** Reachable without a session: liveness, sign-in and the API documentation. */
export function isPublicPath(path: string): boolean {
  return path === '/health' || path === '/api/auth/login' || path === '/docs' || path.startsWith('/docs/');
}

export async function openApiDocument(app: FastifyInstance): Promise<{ paths: Record<string, Record<string, OpenApiOperation>> }> {
  const reply = await app.inject({ method: 'GET', url: '/docs/json' });
  expect(reply.statusCode, reply.body).toBe(200);
  return reply.json();
}

export function operationsOf(doc: { paths: Record<string, Record<string, OpenApiOperation>> }): ApiOperation[] {
  const methods = new Set(['get', 'post', 'put', 'patch', 'delete']);
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => methods.has(method))
      .map(([method, operation]) => ({ key: `${method.toUpperCase()} ${path}`, method: method.toUpperCase() as HttpMethod, path, operation })),
  );
}

export function isPermission(name: unknown): name is Permission {
  return typeof name === 'string' && Object.hasOwn(ROLE_PERMISSIONS, name);
}

export function rolesWith(permission: Permission): Role[] {
  return ROLES.filter((role) => (ROLE_PERMISSIONS[permission] as readonly Role[]).includes(role));
}

export function rolesWithout(permission: Permission): Role[] {
  return ROLES.filter((role) => !rolesWith(permission).includes(role));
}

/** Real rows for path parameters and bodies, read afresh before each request so versions are current. */
export interface SecurityFixtures {
  departmentId: string;
  patientId: string;
  patientVersion: number;
  patientPhone: string;
  staffId: string;
  staffVersion: number;
  /** A queued message to the patient. */
  messageId: string;
  /** An inbound SMS waiting for staff review. */
  inboundId: string;
  careReminderId: string;
  campaignId: string;
  jobName: string;
  questionnaireId: string;
  /** An open quarantined import record. */
  quarantineId: string;
  /** A fresh doctor of the department, a session of theirs tomorrow, and today's clinic slots with bookings. */
  doctorId: string;
  sessionId: string;
  slotId: string;
  otherSlotId: string;
  appointmentId: string;
  requestedAppointmentId: string;
  noShowAppointmentId: string;
  /** A patient with no booking yet. */
  sparePatientId: string;
  /** A fresh active follow-up plan limited to the fixtures' department, an enrolment on it, and an open call task. */
  planCode: string;
  enrolmentId: string;
  taskId: string;
  /** Call centre: an open consultation on the call-back list, a standard answer, cases (active and resolved), a rule, a call with a recording. */
  consultationId: string;
  articleId: string;
  feedbackId: string;
  resolvedFeedbackId: string;
  ruleId: string;
  contactId: string;
  recordingId: string;
  /** An open match review, a second patient to merge, an active merge and the alias it made. */
  reviewId: string;
  otherPatientId: string;
  mergeId: string;
  mergedPatientId: string;
}

/** Which fixture fills a path parameter, by the path it appears in. */
export const PATH_PARAMETERS: { path: RegExp; parameter: string; fixture: Exclude<keyof SecurityFixtures, 'patientVersion' | 'staffVersion' | 'patientPhone'> }[] = [
  { path: /^\/api\/consultations\/\{id\}/, parameter: 'id', fixture: 'consultationId' },
  { path: /^\/api\/knowledge\/\{articleId\}/, parameter: 'articleId', fixture: 'articleId' },
  { path: /^\/api\/feedback\/\{id\}\/(close|reopen)$/, parameter: 'id', fixture: 'resolvedFeedbackId' },
  { path: /^\/api\/feedback\/\{id\}/, parameter: 'id', fixture: 'feedbackId' },
  { path: /^\/api\/feedback\/rules\/\{id\}/, parameter: 'id', fixture: 'ruleId' },
  { path: /^\/api\/feedback\/patients\/\{patientId\}/, parameter: 'patientId', fixture: 'patientId' },
  { path: /^\/api\/contacts\/\{id\}/, parameter: 'id', fixture: 'contactId' },
  { path: /^\/api\/recordings\/\{id\}/, parameter: 'id', fixture: 'recordingId' },
  { path: /^\/api\/followup-plans\/\{code\}/, parameter: 'code', fixture: 'planCode' },
  { path: /^\/api\/followup-enrolments\/\{id\}/, parameter: 'id', fixture: 'enrolmentId' },
  { path: /^\/api\/followup-tasks\/\{id\}/, parameter: 'id', fixture: 'taskId' },
  { path: /^\/api\/schedules\/\{id\}/, parameter: 'id', fixture: 'sessionId' },
  { path: /^\/api\/slots\/\{id\}/, parameter: 'id', fixture: 'slotId' },
  { path: /^\/api\/departments\/\{id\}/, parameter: 'id', fixture: 'departmentId' },
  { path: /^\/api\/appointments\/\{id\}\/(approve|reject)/, parameter: 'id', fixture: 'requestedAppointmentId' },
  { path: /^\/api\/appointments\/\{id\}\/reverse-no-show/, parameter: 'id', fixture: 'noShowAppointmentId' },
  { path: /^\/api\/appointments\/\{id\}/, parameter: 'id', fixture: 'appointmentId' },
  { path: /^\/api\/identity\/reviews\/\{id\}/, parameter: 'id', fixture: 'reviewId' },
  { path: /^\/api\/identity\/merges\/\{id\}/, parameter: 'id', fixture: 'mergeId' },
  { path: /^\/api\/identity\/patients\/\{id\}\/unmerge/, parameter: 'id', fixture: 'mergedPatientId' },
  { path: /^\/api\/identity\/patients\/\{id\}/, parameter: 'id', fixture: 'patientId' },
  { path: /^\/api\/imports\/quarantine\/\{id\}/, parameter: 'id', fixture: 'quarantineId' },
  { path: /^\/api\/questionnaires\/\{id\}/, parameter: 'id', fixture: 'questionnaireId' },
  { path: /^\/api\/patients\/\{id\}/, parameter: 'id', fixture: 'patientId' },
  { path: /^\/api\/staff\/\{id\}/, parameter: 'id', fixture: 'staffId' },
  { path: /^\/api\/messages\/inbound\/\{id\}/, parameter: 'id', fixture: 'inboundId' },
  { path: /^\/api\/messages\/\{id\}/, parameter: 'id', fixture: 'messageId' },
  { path: /^\/api\/care-reminders\/\{id\}/, parameter: 'id', fixture: 'careReminderId' },
  { path: /^\/api\/campaigns\/\{id\}/, parameter: 'id', fixture: 'campaignId' },
  { path: /^\/api\/jobs\/\{name\}/, parameter: 'name', fixture: 'jobName' },
];

let unique = 0;
const next = () => ++unique;

/** A minimal body each route accepts, so validation passes and the permission check decides. */
export const SAMPLE_BODIES: Record<string, (f: SecurityFixtures) => object> = {
  'POST /api/auth/login': () => ({ username: 'nobody', password: 'nothing' }),
  'POST /api/patients': () => aPatient({ identifiers: [] }),
  'PATCH /api/patients/{id}': (f) => ({ version: f.patientVersion, occupation: '工程师' }),
  'POST /api/patients/{id}/deactivate': (f) => ({ version: f.patientVersion, reason: '安全测试' }),
  'POST /api/patients/{id}/reactivate': (f) => ({ version: f.patientVersion }),
  'POST /api/patients/{id}/encounters': (f) => ({ class: 'outpatient', departmentId: f.departmentId, startAt: '2026-11-20T01:00:00Z' }),
  'POST /api/patients/{id}/allergies': () => ({ substance: '青霉素' }),
  'POST /api/staff': () => ({ username: `security.${next()}`, displayName: '安全测试', role: 'agent', password: 'a long enough password' }),
  'PATCH /api/staff/{id}': (f) => ({ version: f.staffVersion, displayName: `安全测试 ${next()}` }),
  'POST /api/departments': () => ({ code: `SEC${next()}`, nameZh: '安全测试科', nameEn: 'Security test' }),
  'POST /api/auth/logout': () => ({}),
  'POST /api/imports/fhir': () => ({ resourceType: 'Patient', id: `sec-${next()}`, name: [{ text: '安全测试' }], gender: 'female' }),
  'POST /api/imports/quarantine/{id}/retry': () => ({ raw: `MSH|^~\\&|HIS|H|HCRM|H|20261120083000+0800||ADT^A28|SEC-${next()}|P|2.5\rPID|1||SEC${unique}^^^HIS^MR||安全^测试||19800101|F` }),
  'POST /api/messages/{id}/cancel': () => ({ reason: '安全测试' }),
  'POST /api/messages/inbound/{id}/resolve': () => ({ resolution: 'no_action' }),
  'POST /api/care-reminders': (f) => ({ kind: 'medication', patientId: f.patientId, drug: '氨氯地平片', dose: '5 mg', timesOfDay: ['08:00'], startDate: '2026-11-23', endDate: '2026-12-22' }),
  'POST /api/care-reminders/{id}/end': () => ({ reason: '疗程结束' }),
  'POST /api/care-reminders/{id}/cancel': () => ({}),
  'POST /api/campaigns/preview': () => ({ segment: { minAge: 60 } }),
  'POST /api/campaigns': () => ({ name: `冬季防流感 ${next()}`, body: '{patientName}您好，冬季请注意防寒保暖，按时接种流感疫苗。', sendAt: '2026-11-24T02:00:00Z' }),
  'POST /api/questionnaire-invitations': (f) => ({ patientId: f.patientId, questionnaire: { url: OUTPATIENT_URL }, departmentId: f.departmentId, purpose: 'satisfaction' }),
  'POST /api/doctors': (f) => ({ departmentId: f.departmentId, name: `安全测试医生${next()}`, title: 'attending', feeClass: 'general' }),
  'PUT /api/departments/{id}/booking-mode': () => ({ mode: 'approval' }),
  'POST /api/schedule-templates': (f) => ({ doctorId: f.doctorId, weekday: 5, halfDay: 'afternoon', startTime: '14:00', endTime: '15:00', slotMinutes: 30, slotCapacity: 2 }),
  'POST /api/schedules': (f) => ({ doctorId: f.doctorId, date: '2026-11-25', halfDay: 'evening', startTime: '18:00', endTime: '19:00', slotMinutes: 30, slotCapacity: 2 }),
  'POST /api/schedules/{id}/stop': () => ({ reason: '安全测试' }),
  'POST /api/appointments': (f) => ({ slotId: f.slotId, patientId: f.sparePatientId }),
  'POST /api/appointments/{id}/cancel': () => ({ reason: '安全测试' }),
  'POST /api/appointments/{id}/reschedule': (f) => ({ slotId: f.otherSlotId }),
  'POST /api/appointments/{id}/reject': () => ({}),
  'POST /api/appointments/{id}/reverse-no-show': () => ({ reason: '安全测试' }),
  'POST /api/waitlist': (f) => ({ patientId: f.sparePatientId, doctorId: f.doctorId, date: '2026-11-24' }),
  'POST /api/followup-plans': () => ({ code: `sec-plan-${next()}`, definition: SECURITY_PLAN }),
  'POST /api/patients/{id}/followup-enrolments': (f) => ({ planCode: f.planCode }),
  'POST /api/followup-enrolments/{id}/keep-version': () => ({ keep: true }),
  'POST /api/patients/{id}/followup-visits': (f) => ({ inDays: 14, departmentId: f.departmentId }),
  'POST /api/followup-tasks/{id}/claim': () => ({ version: 1 }),
  'POST /api/followup-tasks/{id}/assign': (f) => ({ version: 1, staffId: f.staffId }),
  'POST /api/followup-tasks/{id}/outcome': () => ({ version: 1, outcome: 'not-reached', notes: '无人接听' }),
  'POST /api/consultations': (f) => ({ channel: 'phone', category: 'address_route', question: '请问医院怎么走？', answer: '地铁1号线到医院站', patientId: f.patientId }),
  'POST /api/consultations/{id}/answer': () => ({ version: 1, answer: '门诊楼一楼服务台' }),
  'POST /api/consultations/{id}/callback': () => ({ version: 1, outcome: 'will_visit' }),
  'POST /api/knowledge': () => ({ category: 'address_route', title: `停车 ${next()}`, body: '地下停车场入口在东门' }),
  'POST /api/knowledge/{articleId}/versions': () => ({ version: 1, category: 'address_route', title: '医院地址', body: '北京市朝阳区建国路88号（新）' }),
  'POST /api/feedback': (f) => ({ kind: 'complaint', category: 'waiting_time', text: '候诊时间太长', patientId: f.patientId, departmentId: f.departmentId }),
  'POST /api/feedback/rules': (f) => ({ name: `规则 ${next()}`, category: 'billing', departmentId: f.departmentId, assigneeGroup: 'QUALITY', deadlineHours: 8 }),
  'PUT /api/feedback/rules/{id}': (f) => ({ version: 1, name: '规则（改）', category: 'billing', departmentId: f.departmentId, assigneeGroup: 'QUALITY', deadlineHours: 16 }),
  'POST /api/feedback/{id}/start': () => ({ version: 1 }),
  'POST /api/feedback/{id}/handover': (f) => ({ version: 1, toStaffId: f.staffId }),
  'POST /api/feedback/{id}/resolve': () => ({ version: 1, resolution: '已向患者致歉并改进分诊流程' }),
  'POST /api/feedback/{id}/close': () => ({ version: 2, confirmedByPatient: true }),
  'POST /api/feedback/{id}/reopen': () => ({ version: 2, reason: '患者不满意' }),
  'POST /api/feedback/{id}/escalate': () => ({ version: 1, reason: '安全测试' }),
  'POST /api/contacts': (f) => ({ patientId: f.patientId, kind: 'call_in', outcome: 'reached', summary: '询问复诊时间' }),
  'POST /api/contacts/{id}/review': () => ({ score: 4 }),
  'POST /api/identity/reviews/{id}/decision': () => ({ decision: 'different', note: '安全测试' }),
  'POST /api/identity/merges': (f) => ({ survivorId: f.patientId, mergedId: f.otherPatientId, reason: '安全测试' }),
  'POST /api/identity/merges/{id}/undo': () => ({}),
  'POST /api/identity/patients/{id}/unmerge': () => ({}),
  'POST /api/questionnaire-responses': (f) => ({ patientId: f.patientId, questionnaire: { url: OUTPATIENT_URL }, departmentId: f.departmentId, answers: OUTPATIENT_ANSWERS }),
};

/** A plan a manager of the fixtures' department (SEC) may write. */
const SECURITY_PLAN = {
  name: { 'zh-CN': '安全测试随访', en: 'Security test' },
  trigger: 'manual',
  conditions: { departments: ['SEC'] },
  steps: [{ key: 'day1-call', day: 1, kind: 'call', assignee: { role: 'nurse' }, title: '安全测试电话' }],
};

const OUTPATIENT_URL = 'https://hcrm.example/fhir/Questionnaire/outpatient-satisfaction';
/** A complete, valid set of answers to the shipped outpatient satisfaction survey. */
export const OUTPATIENT_ANSWERS = { doctor: '5', explanation: '4', nursing: '5', waiting: '3', environment: '4', cost: '3', overall: '4', nps: 9 };

/** Raw bodies (not JSON) with their content type; the suite adds its session to these headers. */
export const SAMPLE_RAW: Record<string, () => { contentType: string; body: Buffer }> = {
  'POST /api/contacts/{id}/recordings': () => ({ contentType: 'audio/wav', body: aWav() }),
};

/** A short, valid WAV file (8 kHz mono silence). */
export function aWav(samples = 800): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + samples * 2, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(16000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(samples * 2, 40);
  return Buffer.concat([header, Buffer.alloc(samples * 2)]);
}

/** Query strings for operations with required query parameters. */
export const SAMPLE_QUERIES: Record<string, (f: SecurityFixtures) => string> = {
  'GET /api/consultations/lookup': (f) => `phone=${encodeURIComponent(f.patientPhone)}`,
  'GET /api/consultations/conversion': () => 'from=2026-11-01&to=2026-11-30',
  'GET /api/schedules': (f) => `departmentId=${f.departmentId}`,
  'GET /fhir/Schedule': (f) => `actor=Practitioner/${f.doctorId}`,
  'GET /fhir/Slot': (f) => `schedule=Schedule/${f.sessionId}`,
  'GET /fhir/Appointment': (f) => `patient=Patient/${f.patientId}`,
  'GET /api/questionnaire-responses/export': () => `questionnaire=${encodeURIComponent(OUTPATIENT_URL)}&format=csv`,
};

/** Operations whose success ends the caller's session: the suite gives them a session of their own. */
export const SESSION_ENDING = new Set(['POST /api/auth/logout']);

export function requestFor(op: ApiOperation, f: SecurityFixtures): { method: HttpMethod; url: string; payload?: object | Buffer; headers?: Record<string, string> } {
  const url = op.path.replace(/\{(\w+)\}/g, (_whole, parameter: string) => {
    const rule = PATH_PARAMETERS.find((r) => r.parameter === parameter && r.path.test(op.path));
    if (!rule) throw new Error(`No fixture for {${parameter}} in ${op.key}; add it to PATH_PARAMETERS in test/helpers/security.ts`);
    return encodeURIComponent(f[rule.fixture]);
  });
  const raw = SAMPLE_RAW[op.key]?.();
  if (raw) return { method: op.method, url, payload: raw.body, headers: { 'content-type': raw.contentType } };
  const sample = SAMPLE_BODIES[op.key];
  if (op.operation.requestBody && !sample) throw new Error(`No sample body for ${op.key}; add one to SAMPLE_BODIES in test/helpers/security.ts`);
  const query = SAMPLE_QUERIES[op.key]?.(f);
  return { method: op.method, url: query ? `${url}?${query}` : url, ...(sample ? { payload: sample(f) } : {}) };
}

/**
 * One session per role (clinical roles in the fixtures' department) and fixtures: a patient the department has
 * seen, and a staff member who is none of the sessions, so changing them ends no session the suite uses.
 */
export async function securityFixtures(h: TestHospital): Promise<{ sessions: Record<Role, StaffSession>; fixtures: () => Promise<SecurityFixtures> }> {
  const departmentId = await h.department('SEC', '安全测试科');
  const sessions = {} as Record<Role, StaffSession>;
  for (const role of ROLES) sessions[role] = await h.signIn(role, { departmentId: role === 'admin' || role === 'agent' ? null : departmentId });
  const target = await createStaff(h.system(), { username: 'security.target', displayName: '目标', role: 'nurse', departmentId, password: 'a long enough password' });
  const clinic = await securityClinic(h, departmentId);
  const version = (table: 'patients' | 'staff', id: string) => (h.db.$client.prepare(`SELECT version FROM ${table} WHERE id = ?`).get(id) as { version: number }).version;

  return {
    sessions,
    async fixtures() {
      const patient = await createPatient(h.system(), aPatient({ identifiers: [] }));
      await addEncounter(h.system(), patient.id, { class: 'outpatient', status: 'finished', departmentId, startAt: '2026-11-01T01:00:00Z', chargesCents: 0, diagnoses: [], procedures: [] });
      // A message naming a department the hospital lacks: quarantined, so retry and discard have a record to act on.
      const bad = `MSH|^~\\&|HIS|H|HCRM|H|20261120083000+0800||ADT^A01|SECQ-${next()}|P|2.5\rPID|1||SECQ${unique}^^^HIS^MR||安全^测试||19800101|F\rPV1|1|I|NOPE`;
      const report = await importHl7(h.system(), Buffer.from(bad), { source: 'security', channel: 'http' });
      const quarantineId = report.problems[0]?.quarantineId ?? '';
      const questionnaireId = h.deps.questionnaires.all()[0]!.id;
      const n = next();
      const message = inTransaction(h.deps, (tx) =>
        enqueueMessage(tx, h.system(), { purpose: 'security', category: 'care', patientId: patient.id, template: 'messaging.opted-in', variables: {}, scheduledAt: h.clock.now(), dedupeKey: `security:${n}` }),
      );
      receiveInboundSms(h.system(), { messageSid: `SMsecurity${n}`, from: patient.phone ?? '+8613900000000', body: '请不要再发了', idempotencyToken: undefined });
      const inbound = h.db.$client.prepare('SELECT id FROM inbound_messages WHERE provider_id = ?').get(`SMsecurity${n}`) as { id: string };
      const reminder = await createCareReminder(h.system(), { kind: 'free_text', patientId: patient.id, text: '请按时复诊', timesOfDay: ['09:00'], startDate: '2026-11-24' });
      const planCode = `sec-fixture-${n}`;
      await savePlan(h.system(), { code: planCode, status: 'active', definition: PlanDefinition.parse(SECURITY_PLAN) });
      const { enrolmentId } = await enrolByHand(h.system(), patient.id, { planCode });
      const task = inTransaction(h.deps, (tx) =>
        openCallTask(tx, h.system(), { patientId: patient.id, departmentId, title: '安全测试电话', assigneeRole: 'nurse', dueAt: h.clock.now(), hours: { from: '09:00', to: '20:00' }, maxAttempts: 3 }),
      );
      const campaign = await createCampaign(h.system(), { name: '安全测试宣教', segment: { minAge: 120 }, body: '安全测试', sendAt: '2026-11-24T02:00:00Z' });
      const identity = identityFixtures(h, patient.id);
      return {
        ...(await identity),
        departmentId,
        patientId: patient.id,
        patientVersion: version('patients', patient.id),
        staffId: target.id,
        staffVersion: version('staff', target.id),
        messageId: message.id,
        inboundId: inbound.id,
        careReminderId: reminder.id,
        campaignId: campaign.id,
        jobName: 'care.reminders',
        questionnaireId,
        quarantineId,
        ...(await clinic.fixtures(patient.id)),
        planCode,
        enrolmentId,
        taskId: task.id,
        patientPhone: patient.phone ?? '',
        ...(await callCentreFixtures(h, patient.id, departmentId, target.id)),
      };
    },
  };
}

/** The call centre's fixtures: fresh rows per request, so every verb meets the state it needs. */
async function callCentreFixtures(h: TestHospital, patientId: string, departmentId: string, staffId: string) {
  const ctx = h.system();
  if (!(await listRoutingRules(ctx)).items.length) await h.department('QUALITY', '质控办');
  const consultation = await createConsultation(ctx, { channel: 'phone', category: 'doctor_sessions', question: '张医生周几出诊？', patientId, callbackDueAt: '2026-11-24T02:00:00Z' });
  const article = await createArticle(ctx, { category: 'address_route', title: `医院地址 ${next()}`, body: '北京市朝阳区建国路88号', keywords: '地址 怎么走' });
  const active = await createFeedback(ctx, { kind: 'complaint', category: 'waiting_time', severity: 'medium', text: '候诊两个小时', patientId, departmentId, source: 'agent' });
  const resolving = await createFeedback(ctx, { kind: 'complaint', category: 'service_attitude', severity: 'low', text: '护士态度差', patientId, departmentId, source: 'agent' });
  await resolveFeedback(ctx, resolving.id, { version: 1, resolution: '已沟通', notifyPatient: false });
  const rule = await createRoutingRule(ctx, { name: `安全测试规则 ${next()}`, kind: null, category: 'environment', departmentId, severity: null, assigneeId: null, assigneeGroup: 'QUALITY', deadlineHours: 8, priority: 0, active: true });
  const contactId = inTransaction(h.deps, (tx) => logContactIn(tx, ctx, staffId, { patientId, kind: 'call_in', outcome: 'reached', summary: '咨询挂号' }));
  const recording = await uploadRecording(ctx, contactId, aWav(), 'audio/wav');
  return { consultationId: consultation.id, articleId: article.articleId, feedbackId: active.id, resolvedFeedbackId: resolving.id, ruleId: rule.id, contactId, recordingId: recording.id };
}

/** An open review (a new file paired with the fixture patient), another file to merge, and a merge to undo. */
async function identityFixtures(h: TestHospital, patientId: string): Promise<{ reviewId: string; otherPatientId: string; mergeId: string; mergedPatientId: string }> {
  const [fresh, other, survivor, alias] = await Promise.all([0, 1, 2, 3].map(() => createPatient(h.system(), aPatient({ identifiers: [] }))));
  return inTransaction(h.deps, (tx) => {
    const ctx = h.system();
    const explanation = { method: 'probabilistic' as const, candidatePersonId: patientId, candidateRecord: null, candidatesCompared: 1, score: 15, linkThreshold: 20, reviewThreshold: 10, fields: [], heldForReview: null, ruledOut: null };
    recordDecision(tx, ctx, { decision: 'review', candidateId: patientId, explanation }, fresh!.id, { source: 'security', recordKey: null, runId: null });
    const reviewId = (h.db.$client.prepare('SELECT id FROM identity_reviews WHERE patient_id = ?').get(fresh!.id) as { id: string }).id;
    const merge = mergeIn(tx, ctx, survivor!.id, alias!.id, { origin: 'staff' });
    return { reviewId, otherPatientId: other!.id, mergeId: merge.id, mergedPatientId: alias!.id };
  });
}
