import { describe, expect, it } from 'vitest';
import { addEncounter, createPatient } from '../../src/modules/patients/patients.service.js';
import { useTestHospital, type StaffSession } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';

/* The job runs, care reminder and campaign pages over HTTP, as an admin, a cardiology nurse and a manager use them. */
const ORIGIN = 'http://localhost:80';
const h = await useTestHospital({ now: '2026-11-23T02:00:00.000Z' });
const cardiology = await h.department('CARD', '心内科');
const patient = await createPatient(h.system(), aPatient({ name: '钱玉梅', gender: 'female', birthDate: '1952-08-08', tags: ['高血压随访'], identifiers: [] }));
await addEncounter(h.system(), patient.id, { class: 'outpatient', status: 'finished', departmentId: cardiology, startAt: '2026-11-20T01:00:00Z', chargesCents: 0, diagnoses: [], procedures: [] });

const cookieOf = (s: StaffSession) => `hcrm_session=${s.token}`;
const get = (url: string, s: StaffSession) => h.app.inject({ method: 'GET', url, headers: { cookie: cookieOf(s) } });
const post = (url: string, s: StaffSession, fields: Record<string, string>) =>
  h.app.inject({ method: 'POST', url, headers: { cookie: cookieOf(s), origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });

describe('the job runs page', () => {
  it('shows an admin every job with its next run, and runs one from its button', async () => {
    const admin = await h.signIn('admin');
    const page = await get('/app/jobs', admin);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('care.birthday-greetings');
    expect(page.body).toContain('2026-11-24 09:00');
    const run = await post('/app/jobs/care.reminders/run', admin, {});
    expect(run.statusCode).toBe(303);
    expect(run.headers.location).toBe('/app/jobs?ran=succeeded');
    const after = await get('/app/jobs?ran=succeeded&lang=en', admin);
    expect(after.body).toContain('The job ran: Succeeded.');
    expect(after.body).toContain('Manual');
  });

  it('is not for a doctor', async () => {
    const doctor = await h.signIn('doctor', { departmentId: cardiology });
    expect((await get('/app/jobs', doctor)).statusCode).toBe(403);
    expect((await get('/app/', doctor)).body).not.toContain('/app/jobs');
  });
});

describe('care reminders on the patient page', () => {
  it('let a nurse of the department set a medication reminder, see it listed, and end it', async () => {
    const nurse = await h.signIn('nurse', { departmentId: cardiology });
    const page = await get(`/app/patients/${patient.id}`, nurse);
    expect(page.body).toContain('健康关怀提醒');
    expect(page.body).toContain(`action="/app/patients/${patient.id}/care-reminders#care"`);

    const created = await post(`/app/patients/${patient.id}/care-reminders`, nurse, {
      kind: 'medication', drug: '缬沙坦胶囊', dose: '80 mg', timesOfDay: '08:00，20:00', startDate: '2026-11-23', endDate: '2026-12-22',
    });
    expect(created.statusCode, created.body).toBe(303);
    expect(created.headers.location).toBe(`/app/patients/${patient.id}?care=created#care`);
    const listed = await get(`/app/patients/${patient.id}?care=created`, nurse);
    expect(listed.body).toContain('提醒已保存。');
    expect(listed.body).toContain('缬沙坦胶囊 80 mg');
    expect(listed.body).toContain('下次提醒 2026-11-23 20:00');

    const reminderId = /action="\/app\/care-reminders\/([^"]+)"/.exec(listed.body)![1]!;
    const ended = await post(`/app/care-reminders/${reminderId}`, nurse, { action: 'end' });
    expect(ended.headers.location).toBe(`/app/patients/${patient.id}?care=closed#care`);
    expect((await get(`/app/patients/${patient.id}`, nurse)).body).toContain('已结束');
  });

  it('show the form again with the mistakes next to their fields', async () => {
    const doctor = await h.signIn('doctor', { departmentId: cardiology });
    const reply = await post(`/app/patients/${patient.id}/care-reminders`, doctor, {
      kind: 'medication', drug: '阿司匹林', dose: '100 mg', timesOfDay: '08:00', startDate: '2026-11-30', endDate: '2026-11-25',
    });
    expect(reply.statusCode).toBe(400);
    expect(reply.body).toContain('早于开始日期');
    expect(reply.body).toContain('value="阿司匹林"');
  });

  it('are not shown to an agent, who has no clinical access', async () => {
    const agent = await h.signIn('agent');
    expect((await get(`/app/patients/${patient.id}`, agent)).body).not.toContain('健康关怀提醒');
  });
});

describe('the campaign pages', () => {
  it('let a manager count a segment, save a campaign, send it and read its report', async () => {
    const manager = await h.signIn('manager');
    const fields = { name: '秋冬养生讲座', body: '{patientName}您好，本周六上午九点在门诊楼举办秋冬养生讲座。', sendAt: '2026-11-28 09:00', minAge: '60', tag: '高血压随访' };
    const preview = await post('/app/campaigns', manager, { ...fields, action: 'preview' });
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('符合条件的患者：1 人');

    const saved = await post('/app/campaigns', manager, { ...fields, action: 'create' });
    expect(saved.headers.location).toBe('/app/campaigns?notice=created');
    const list = await get('/app/campaigns', manager);
    const id = /href="\/app\/campaigns\/([^"]+)"/.exec(list.body)![1]!;
    expect(list.body).toContain('2026-11-28 09:00');

    expect((await post(`/app/campaigns/${id}`, manager, { action: 'send' })).headers.location).toBe(`/app/campaigns/${id}`);
    const detail = await get(`/app/campaigns/${id}?lang=en`, manager);
    expect(detail.body).toContain('Queued');
    expect(detail.body).toMatch(/<dt>Queued<\/dt><dd class="mono">1<\/dd>/);
    expect(h.outbox.queued((m) => m.subject?.id === id)).toEqual([expect.objectContaining({ patientId: patient.id, scheduledAt: new Date('2026-11-28T01:00:00.000Z') })]);
  });

  it('show a bad send time next to its field', async () => {
    const manager = await h.signIn('manager');
    const reply = await post('/app/campaigns', manager, { name: '测试', body: '内容', sendAt: '下周一', action: 'create' });
    expect(reply.statusCode).toBe(400);
    expect(reply.body).toContain('id="f-sendAt-error"');
  });
});
