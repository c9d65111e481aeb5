import { afterAll, describe, expect, it } from 'vitest';
import { sandboxChannel, smtpChannel } from '../../src/modules/messaging/channels/index.js';
import { receiveInboundSms } from '../../src/modules/messaging/messaging.inbound.js';
import { createPatient } from '../../src/modules/patients/patients.service.js';
import { cardiologyClinic } from '../appointments/clinic.js';
import { useTestHospital } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';
import { testSettings } from '../helpers/messaging.js';
import { FakeSmtp, textBody } from '../helpers/smtp-server.js';

/*
 * Questions about a doctor's sessions and free places, by SMS or the web form, answered at once from the live
 * schedule, also for numbers and addresses with no patient file. Monday 23 November 2026, 10:00 in Beijing; 李明
 * holds a Tuesday-morning clinic (four slots of two places, one of each kept for the web).
 */
const smtp = await new FakeSmtp().start();
const email = smtpChannel(smtp.url, '北京示例医院 <notice@hospital.example>');
afterAll(async () => {
  await email.close();
  await smtp.stop();
});
const h = await useTestHospital({ now: '2026-11-23T02:00:00.000Z', messaging: { settings: testSettings(), channels: { sms: sandboxChannel('sms'), email } } });
const clinic = await cardiologyClinic(h);
const ask = (fields: Record<string, string>, ip: string) =>
  h.app.inject({ method: 'POST', url: '/ask', remoteAddress: ip, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:80', host: 'localhost:80' }, payload: new URLSearchParams(fields).toString() });
type Row = { category: string; automatic: number; status: string; answer: string | null; articleVersionId: string | null; replyStatus: string | null; replyMessageId: string | null; callbackDueAt: string | null; patientId: string | null };
const consultation = (where: string, value: string) =>
  h.db.$client
    .prepare(`SELECT category, automatic, status, answer, article_version_id AS articleVersionId, reply_status AS replyStatus, reply_message_id AS replyMessageId, callback_due_at AS callbackDueAt, patient_id AS patientId FROM consultations WHERE ${where} = ?`)
    .get(value) as Row;
const run = async (job: string) => expect((await h.scheduler.runNow(job, h.system())).status).toBe('succeeded');
let sms = 0;
const text = (from: string, body: string) => receiveInboundSms(h.system(), { messageSid: `SMauto${++sms}`, from, body, idempotencyToken: undefined });

describe('automatic answers from the live schedule', () => {
  it("answers a web question about a doctor's sessions with the next sessions and their free places, and e-mails it to an address with no patient file", async () => {
    const reply = await ask({ category: 'doctor_sessions', question: '李明主任最近什么时候出诊？', email: 'asker@example.cn', replyChannel: 'email' }, '192.0.2.50');
    expect(reply.statusCode, reply.body).toBe(200);
    const row = consultation('question', '李明主任最近什么时候出诊？');
    expect(row).toMatchObject({ category: 'doctor_sessions', automatic: 1, status: 'answered', articleVersionId: null, replyStatus: 'queued', callbackDueAt: null, patientId: null });
    expect(row.answer).toContain('11月24日上午 李明（心内科）余8个号');
    expect(row.answer).toContain('https://crm.hospital.example/book');

    await run('consultations.direct-replies');
    expect(consultation('question', '李明主任最近什么时候出诊？').replyStatus).toBe('sent');
    const mail = smtp.mails.find((m) => m.to.includes('asker@example.cn'))!;
    expect(textBody(mail)).toContain('11月24日上午 李明（心内科）余8个号');
  });

  it('quotes the schedule as it is now: a place booked is a place fewer in the next answer', async () => {
    const [session] = await clinic.week('phone');
    const full = await clinic.session(session!.id);
    const patient = await createPatient(h.system(), aPatient());
    const booked = await h.app.inject({ method: 'POST', url: '/api/appointments', headers: clinic.agent.headers, payload: { slotId: full.slots![0]!.id, patientId: patient.id } });
    expect(booked.statusCode, booked.body).toBe(201);
    text('+8613700001111', '李明医生哪天出诊，还有号吗');
    await run('consultations.sms-questions');
    const row = consultation('phone', '+8613700001111');
    expect(row).toMatchObject({ category: 'doctor_sessions', automatic: 1, status: 'answered', replyStatus: 'queued', callbackDueAt: null });
    expect(row.answer).toContain('余7个号');
  });

  it('answers an SMS from a number with no patient file directly instead of sending it to an agent; the sandbox keeps it visibly unsent', async () => {
    await run('consultations.direct-replies');
    expect(consultation('phone', '+8613700001111')).toMatchObject({ replyStatus: 'held', callbackDueAt: null });
  });

  it('answers a question naming a department with its sessions, and says so when nothing is free', async () => {
    text('+8613700002222', '心内科明天有号吗？');
    text('+8613700003333', '请问王大夫哪天出诊');
    await run('consultations.sms-questions');
    expect(consultation('phone', '+8613700002222').answer).toMatch(/^心内科近期可预约的出诊：11月24日上午 李明/);
    // Nobody by that name: not a schedule the hospital can quote, so an agent answers.
    expect(consultation('phone', '+8613700003333')).toMatchObject({ automatic: 0, status: 'open', replyStatus: null });

    const stop = await h.app.inject({ method: 'GET', url: `/api/schedules?departmentId=${clinic.departmentId}&days=14&channel=web`, headers: clinic.admin.headers });
    for (const s of (stop.json() as { items: { id: string }[] }).items) {
      const r = await h.app.inject({ method: 'POST', url: `/api/schedules/${s.id}/stop`, headers: clinic.admin.headers, payload: { reason: '外出会诊' } });
      expect(r.statusCode, r.body).toBe(200);
    }
    text('+8613700004444', '心内科这两周还有号吗');
    await run('consultations.sms-questions');
    expect(consultation('phone', '+8613700004444').answer).toMatch(/^心内科未来14天暂无可预约的号源/);
  });

  it('still answers other hospital information from the knowledge base, and leaves anything else to an agent', async () => {
    const created = await h.app.inject({ method: 'POST', url: '/api/knowledge', headers: clinic.admin.headers, payload: { category: 'address_route', title: '医院地址', body: '建国路88号，地铁1号线国贸站B口', keywords: '地址 怎么走 地铁' } });
    expect(created.statusCode, created.body).toBe(201);
    text('+8613700005555', '医院怎么走？');
    text('+8613700006666', '我的化验单什么时候能取');
    await run('consultations.sms-questions');
    expect(consultation('phone', '+8613700005555')).toMatchObject({ category: 'address_route', automatic: 1, answer: '建国路88号，地铁1号线国贸站B口', replyStatus: 'queued' });
    expect(consultation('phone', '+8613700006666')).toMatchObject({ category: 'other', automatic: 0, status: 'open', replyStatus: null });
  });

  it('leaves a number shared by two patient files to an agent: which consent applies is not a stranger\'s question', async () => {
    await createPatient(h.system(), aPatient({ phone: '13700007777' }));
    await createPatient(h.system(), aPatient({ phone: '13700007777', name: '李四' }));
    const reply = await ask({ category: 'doctor_sessions', question: '李明主任周二出诊吗？', phone: '13700007777', replyChannel: 'sms' }, '192.0.2.77');
    expect(reply.statusCode, reply.body).toBe(200);
    const row = consultation('question', '李明主任周二出诊吗？');
    expect(row).toMatchObject({ automatic: 1, patientId: null, replyStatus: null });
    expect(row.callbackDueAt).not.toBeNull();
  });

  it('sends a patient who wants to cancel or move a booking to an agent, though the words name a doctor and 预约', async () => {
    text('+8613700009001', '李明医生周二的预约我要取消');
    text('+8613700009002', '心内科挂的号能改期吗');
    await run('consultations.sms-questions');
    expect(consultation('phone', '+8613700009001')).toMatchObject({ automatic: 0, status: 'open', answer: null, replyStatus: null });
    expect(consultation('phone', '+8613700009002')).toMatchObject({ automatic: 0, status: 'open', answer: null, replyStatus: null });
    const web = await ask({ category: 'doctor_sessions', question: '取消预约：李明主任 11月24日上午', email: 'cancel@example.cn', replyChannel: 'email' }, '192.0.2.91');
    expect(web.statusCode, web.body).toBe(200);
    expect(consultation('question', '取消预约：李明主任 11月24日上午')).toMatchObject({ automatic: 0, status: 'open', replyStatus: null });
  });

  it('quotes only what a patient could book: within the booking window, in a department that takes online bookings, of doctors still active', async () => {
    const another = await h.app.inject({ method: 'POST', url: '/api/schedule-templates', headers: clinic.admin.headers, payload: { doctorId: clinic.doctor.id, weekday: 3, halfDay: 'afternoon', startTime: '14:00', endTime: '15:00', slotMinutes: 30, slotCapacity: 2, reserve: { web: 0, phone: 0, desk: 0 } } });
    expect(another.statusCode, another.body).toBe(201);
    text('+8613700009101', '李明医生哪天出诊');
    await run('consultations.sms-questions');
    expect(consultation('phone', '+8613700009101').answer).toContain('11月25日下午 李明（心内科）余4个号');

    // A window of one day ahead (today and tomorrow): Wednesday's clinic is not quoted, and the answer says how far it looked.
    const window = h.deps.appointments.bookingWindowDays;
    h.deps.appointments.bookingWindowDays = 1;
    try {
      text('+8613700009102', '李明医生哪天出诊');
      await run('consultations.sms-questions');
      const answer = consultation('phone', '+8613700009102').answer!;
      expect(answer).not.toContain('11月25日');
    } finally {
      h.deps.appointments.bookingWindowDays = window;
    }

    // A department that publishes its schedule only is not quoted: an agent answers.
    const mode = (m: string) => h.app.inject({ method: 'PUT', url: `/api/departments/${clinic.departmentId}/booking-mode`, headers: clinic.admin.headers, payload: { mode: m } });
    expect((await mode('view_only')).statusCode).toBe(200);
    try {
      text('+8613700009103', '心内科这周还有号吗');
      await run('consultations.sms-questions');
      expect(consultation('phone', '+8613700009103')).toMatchObject({ automatic: 0, status: 'open', replyStatus: null });
    } finally {
      expect((await mode('direct')).statusCode).toBe(200);
    }

    // A doctor who no longer sees patients (there is no verb for it yet: the HIS's roster sets the flag).
    const colleague = await h.app.inject({ method: 'POST', url: '/api/doctors', headers: clinic.admin.headers, payload: { departmentId: clinic.departmentId, name: '赵六', title: 'attending', feeClass: 'general' } });
    expect(colleague.statusCode, colleague.body).toBe(201);
    const gone = colleague.json() as { id: string };
    const theirs = await h.app.inject({ method: 'POST', url: '/api/schedule-templates', headers: clinic.admin.headers, payload: { doctorId: gone.id, weekday: 2, halfDay: 'afternoon', startTime: '14:00', endTime: '15:00', slotMinutes: 30, slotCapacity: 2, reserve: { web: 0, phone: 0, desk: 0 } } });
    expect(theirs.statusCode, theirs.body).toBe(201);
    h.db.$client.prepare('UPDATE doctor_profiles SET active = 0 WHERE id = ?').run(gone.id);
    text('+8613700009104', '心内科明天下午有号吗');
    await run('consultations.sms-questions');
    const answer = consultation('phone', '+8613700009104').answer!;
    expect(answer).toMatch(/^心内科近期可预约的出诊：/);
    expect(answer).not.toContain('11月24日下午');
  });
});
