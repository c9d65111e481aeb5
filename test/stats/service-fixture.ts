import { expect } from 'vitest';
import { Appointment } from '../../src/modules/appointments/appointments.schemas.js';
import { markNoShows } from '../../src/modules/appointments/appointments.service.js';
import { decideConversions } from '../../src/modules/consultations/consultations.service.js';
import { escalateOverdue } from '../../src/modules/feedback/feedback.service.js';
import { recordResponseForPatient } from '../../src/modules/followup/followup.service.js';
import { openCallTask } from '../../src/modules/followup/worklist/tasks.js';
import { addEncounter, createPatient } from '../../src/modules/patients/patients.service.js';
import { inTransaction } from '../../src/lib/transaction.js';
import type { Role } from '../../src/lib/context.js';
import type { TestHospital } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';
import { cardiologyClinic } from '../appointments/clinic.js';

const OUTPATIENT = 'https://hcrm.example/fhir/Questionnaire/outpatient-satisfaction';
const Z = (localDayTime: string) => new Date(Date.parse(`${localDayTime}:00+08:00`)).toISOString();

/**
 * The hand-computed hospital of the service figures. Local days (Asia/Shanghai, UTC+8); the period asked is
 * 2026-11-01 … 2026-11-21 and the clock ends at 2026-11-23 10:00. EYE (眼科) has no data at all.
 *
 * Appointments, all booked on Sunday 11-01 (Tuesday clinics of 李明 in CARD and in ORTH):
 * | a  | dept | day   | channel | lead | what happened                                   |
 * | a1 | CARD | 11-03 | phone   | 2    | checked in                                      |
 * | a2 | CARD | 11-03 | phone   | 2    | never came: no-show                             |
 * | a3 | CARD | 11-03 | desk    | 2    | cancelled                                       |
 * | a4 | CARD | 11-10 | desk    | 9    | checked in                                      |
 * | a5 | CARD | 11-03 | phone   | —    | moved to 11-10 (a5′, lead 9), never came: no-show |
 * | a6 | ORTH | 11-10 | phone   | 9    | checked in                                      |
 * CARD: booked 5, moved 1, cancelled 1/5, no-shows 2 of 4 due, lead median 2 (2,2,2,9,9).
 * By channel (both departments): phone 4 booked (a1, a2, a5′, a6), no-shows 2/4, lead 2,2,9,9 → 5.5; desk 2, cancelled 1/2, no-shows 0/1, lead 2,9 → 5.5.
 *
 * Discharges (inpatient stays ending in the period): CARD I10 on 11-05 (the CARD discharge plan enrols it), CARD J18.9
 * on 11-06 (no plan: the plan wants I codes), ORTH I10 on 11-07 (the plan is CARD's), CARD I10 on 10-20 (earlier, and
 * recorded on 11-01: its day-1 call already stale, so follow-up does not enrol it).
 * Follow-up calls (due → outcome): t1 CARD 11-06 10:00 → reached 15:00 the same day; t2 CARD 11-06 10:00 → reached
 * 11-07; t3 CARD 11-07 10:00 (one attempt allowed) → not reached, failed; t4 CARD due 11-22 (after the period);
 * t5 ORTH 11-08 10:00 → reached 11:00.
 *
 * Consultations: c1 prices 11-01 (the patient visits 11-03: converted), c2 prices 11-01 anonymous (not converted),
 * c3 beds 11-20 (pending: its 14 days are not over).
 *
 * Feedback (deadlines in working hours 08:00–12:00, 13:30–17:30):
 * | f  | kind       | dept | category        | severity | received     | deadline     | what happened                     |
 * | f1 | complaint  | CARD | service_attitude | high     | 11-02 09:00  | 11-03 09:00  | resolved 11-02 13:00 (4 h): met     |
 * | f2 | complaint  | CARD | waiting_time     | critical | 11-03 09:00  | 11-03 14:30  | escalated 15:00, resolved 11-04 09:00 (24 h) |
 * | f3 | suggestion | ORTH | environment      | low      | 11-04 09:00  | 11-11 09:00  | open, overdue                     |
 * | f4 | praise     | CARD | service_attitude | low      | 11-20 09:00  | 11-27 09:00  | open, not yet due                 |
 * | f5 | complaint  | ORTH | medical_quality  | medium   | 11-05 09:00  | 11-10 09:00  | open, overdue                     |
 * f1 and f2 are 刘洋's (two complaints in 180 days), f5 is 孙丽's (open). 刘洋 answers overall 2 on 11-09 (CARD),
 * 周强 answers 1 on 11-08 (CARD).
 */
export async function serviceHospital(h: TestHospital) {
  h.clock.set(Z('2026-11-01T09:00'));
  const card = await h.department('CARD', '心内科');
  const orth = await h.department('ORTH', '骨科');
  const eye = await h.department('EYE', '眼科');
  const as = async (role: Role, departmentId: string | null = null) => (await h.signIn(role, { departmentId })).headers;
  const call = async (method: 'POST' | 'GET', url: string, headers: Record<string, string>, payload?: object) => {
    const reply = await h.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
    expect(reply.statusCode, `${url}: ${reply.body}`).toBeLessThan(300);
    return reply.json();
  };
  const patient = async (name: string) => (await createPatient(h.system(), aPatient({ name, identifiers: [], residentId: null }))).id;

  // Appointments.
  const cardClinic = await cardiologyClinic(h, { capacity: 3, reserve: { web: 0, phone: 0, desk: 0 } });
  const orthClinic = await cardiologyClinic(h, { capacity: 3, reserve: { web: 0, phone: 0, desk: 0 }, code: 'ORTH' });
  const [cardTue3, cardTue10] = await cardClinic.week();
  const [, orthTue10] = await orthClinic.week();
  expect([cardTue3?.date, cardTue10?.date, orthTue10?.date]).toEqual(['2026-11-03', '2026-11-10', '2026-11-10']);
  const firstSlot = async (sessionId: string) => (await cardClinic.session(sessionId)).slots!.find((slot) => slot.free > 0)!.id;
  const book = async (sessionId: string, channel: 'phone' | 'desk') =>
    Appointment.parse(await call('POST', '/api/appointments', channel === 'phone' ? cardClinic.agent.headers : cardClinic.admin.headers, { slotId: await firstSlot(sessionId), patientId: await patient('预约患者'), channel }));
  const a1 = await book(cardTue3!.id, 'phone');
  const a2 = await book(cardTue3!.id, 'phone');
  const a3 = await book(cardTue3!.id, 'desk');
  const a4 = await book(cardTue10!.id, 'desk');
  const a5 = await book(cardTue3!.id, 'phone');
  const a6 = await book(orthTue10!.id, 'phone');
  await call('POST', `/api/appointments/${a3.id}/cancel`, cardClinic.agent.headers, { reason: '出差' });
  const a5moved = Appointment.parse(await call('POST', `/api/appointments/${a5.id}/reschedule`, cardClinic.agent.headers, { slotId: await firstSlot(cardTue10!.id) }));

  // Follow-up: a discharge plan for CARD and I codes; discharges; calls.
  await call('POST', '/api/followup-plans', await as('manager', card), {
    code: 'card-discharge',
    definition: {
      name: { 'zh-CN': '心内科出院随访', en: 'Cardiology discharge calls' },
      trigger: 'discharge',
      conditions: { departments: ['CARD'], diagnosisPrefixes: ['I'] },
      hours: { from: '09:00', to: '17:00' },
      maxAttempts: 3,
      steps: [{ key: 'd1-call', day: 1, kind: 'call', assignee: { role: 'nurse' }, title: '出院随访' }],
    },
  });
  const discharge = async (departmentId: string, endLocal: string, code: string) =>
    addEncounter(h.system(), await patient('出院患者'), { class: 'inpatient', status: 'finished', departmentId, startAt: Z('2026-10-15T09:00'), endAt: Z(endLocal), chargesCents: 0, diagnoses: [{ code, text: code, primary: true }], procedures: [] });
  await discharge(card, '2026-11-05T10:00', 'I10');
  await discharge(card, '2026-11-06T10:00', 'J18.9');
  await discharge(orth, '2026-11-07T10:00', 'I10');
  await discharge(card, '2026-10-20T10:00', 'I10');

  const task = async (departmentId: string, dueLocal: string, maxAttempts = 3) => {
    const pid = await patient('随访患者');
    return inTransaction(h.system(), (tx) => openCallTask(tx, h.system(), { patientId: pid, departmentId, title: '电话随访', assigneeRole: 'nurse', dueAt: new Date(Z(dueLocal)), hours: { from: '09:00', to: '17:00' }, maxAttempts }));
  };
  const t1 = await task(card, '2026-11-06T10:00');
  const t2 = await task(card, '2026-11-06T10:00');
  const t3 = await task(card, '2026-11-07T10:00', 1);
  await task(card, '2026-11-22T10:00');
  const t5 = await task(orth, '2026-11-08T10:00');
  const outcome = async (taskId: string, departmentId: string, atLocal: string, result: 'reached' | 'not-reached') => {
    h.clock.set(Z(atLocal));
    await call('POST', `/api/followup-tasks/${taskId}/outcome`, await as('nurse', departmentId), { version: 1, outcome: result });
  };

  // Consultations.
  const agent = async () => as('agent');
  const visitor = await patient('咨询患者');
  await call('POST', '/api/consultations', await agent(), { channel: 'phone', category: 'prices', question: '胃镜多少钱？', answer: '约600元', patientId: visitor });
  await call('POST', '/api/consultations', await agent(), { channel: 'phone', category: 'prices', question: 'CT多少钱？', answer: '约300元', phone: '13800138000' });

  // The days go by.
  const checkIn = async (id: string, atLocal: string) => {
    h.clock.set(Z(atLocal));
    await call('POST', `/api/appointments/${id}/check-in`, await as('admin'));
  };
  const complainant = await patient('刘洋');
  const waiting = await patient('孙丽');
  const unhappy = await patient('周强');
  const feedback = async (atLocal: string, body: object) => {
    h.clock.set(Z(atLocal));
    return call('POST', '/api/feedback', await agent(), { text: '反馈内容', ...body }) as Promise<{ id: string; version: number }>;
  };
  const resolve = async (id: string, atLocal: string) => {
    h.clock.set(Z(atLocal));
    const admin = await as('admin');
    const current = (await call('GET', `/api/feedback/${id}`, admin)) as { version: number };
    await call('POST', `/api/feedback/${id}/resolve`, admin, { version: current.version, resolution: '已处理', notifyPatient: false });
  };
  const answer = async (patientId: string, atLocal: string, overall: string) => {
    h.clock.set(Z(atLocal));
    await recordResponseForPatient(h.system(), { patientId, questionnaire: { url: OUTPATIENT }, departmentId: card, answers: { doctor: '3', explanation: '3', nursing: '3', waiting: '3', environment: '3', cost: '3', overall, nps: '5' } });
  };

  const f1 = await feedback('2026-11-02T09:00', { kind: 'complaint', category: 'service_attitude', severity: 'high', departmentId: card, patientId: complainant });
  await resolve(f1.id, '2026-11-02T13:00');
  await checkIn(a1.id, '2026-11-03T08:30');
  await addEncounter(h.system(), visitor, { class: 'outpatient', status: 'finished', departmentId: card, startAt: Z('2026-11-03T08:40'), chargesCents: 0, diagnoses: [], procedures: [] });
  const f2 = await feedback('2026-11-03T09:00', { kind: 'complaint', category: 'waiting_time', severity: 'critical', departmentId: card, patientId: complainant });
  h.clock.set(Z('2026-11-03T15:00'));
  expect(escalateOverdue(h.system())).toEqual({ escalated: 1 });
  await resolve(f2.id, '2026-11-04T09:00');
  await feedback('2026-11-04T09:00', { kind: 'suggestion', category: 'environment', severity: 'low', departmentId: orth });
  await feedback('2026-11-05T09:00', { kind: 'complaint', category: 'medical_quality', severity: 'medium', departmentId: orth, patientId: waiting });
  await outcome(t1.id, card, '2026-11-06T15:00', 'reached');
  await outcome(t2.id, card, '2026-11-07T09:30', 'reached');
  await outcome(t3.id, card, '2026-11-07T11:00', 'not-reached');
  await outcome(t5.id, orth, '2026-11-08T11:00', 'reached');
  await answer(unhappy, '2026-11-08T10:00', '1');
  await answer(complainant, '2026-11-09T10:00', '2');
  await checkIn(a4.id, '2026-11-10T08:30');
  await checkIn(a6.id, '2026-11-10T08:35');
  await feedback('2026-11-20T09:00', { kind: 'praise', category: 'service_attitude', severity: 'low', departmentId: card });
  h.clock.set(Z('2026-11-20T10:00'));
  await call('POST', '/api/consultations', await agent(), { channel: 'phone', category: 'beds', question: '还有床位吗？', answer: '请到住院处', phone: '13900139000' });

  h.clock.set(Z('2026-11-23T10:00'));
  expect((await markNoShows(h.system())).noShows).toBe(2);
  decideConversions(h.system());
  return { card, orth, eye, appointments: { a1, a2, a3, a4, a5, a5moved, a6 }, patients: { complainant, waiting, unhappy } };
}
