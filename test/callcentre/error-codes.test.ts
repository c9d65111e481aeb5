import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/lib/errors.js';
import { askFromWeb } from '../../src/modules/consultations/consultations.service.js';
import { createPatient } from '../../src/modules/patients/patients.service.js';
import { useTestHospital, type StaffSession } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';
import { aWav } from '../helpers/security.js';

/* Every refusal of the call centre names its stable code in problem+json, and leaves nothing half-written. */
const h = await useTestHospital({ now: '2026-11-23T02:00:00.000Z' });
const cardiology = await h.department('CARD', '心内科');
const agent = await h.signIn('agent');
const otherAgent = await h.signIn('agent');
const admin = await h.signIn('admin');
const manager = await h.signIn('manager', { departmentId: cardiology });
const patient = await createPatient(h.system(), aPatient({ name: '赵桂兰' }));

const count = (table: string) => (h.db.$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
const send = (method: 'GET' | 'POST' | 'PUT', url: string, who: StaffSession, payload?: object) => h.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });

/** The reply is problem+json with this status and code, and the tables named hold the same rows as before. */
async function refused(tables: string[], status: number, code: string, request: () => Promise<{ statusCode: number; headers: Record<string, unknown>; json(): { code: string } }>) {
  const before = tables.map(count);
  const reply = await request();
  expect(reply.statusCode).toBe(status);
  expect(String(reply.headers['content-type'])).toMatch(/^application\/problem\+json/);
  expect(reply.json().code).toBe(code);
  expect(tables.map(count)).toEqual(before);
  return reply;
}

describe('consultations', () => {
  it('consultations.rate_limited: the sixth question from one address in an hour, not stored', async () => {
    const form = { category: 'insurance', question: '医保卡丢了怎么办？', phone: '13600007777', replyChannel: 'sms' as const };
    for (let i = 0; i < 5; i++) await askFromWeb(h.system(), form, '198.51.100.9');
    const before = [count('consultations'), count('public_form_hits')];
    const error = await askFromWeb(h.system(), form, '198.51.100.9').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'consultations.rate_limited', status: 429 });
    expect([count('consultations'), count('public_form_hits')]).toEqual(before);
    // The page says the same with 429; another address is not limited.
    const page = await h.app.inject({ method: 'POST', url: '/ask', remoteAddress: '198.51.100.9', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:80', host: 'localhost:80' }, payload: new URLSearchParams(form).toString() });
    expect(page.statusCode).toBe(429);
    await expect(askFromWeb(h.system(), form, '198.51.100.10')).resolves.toMatchObject({ automatic: false });
  });

  it('consultations.bad_period: a conversion period that ends before it starts', async () => {
    const reply = await refused([], 400, 'consultations.bad_period', () => send('GET', '/api/consultations/conversion?from=2026-11-20&to=2026-11-10', agent));
    expect(reply.json()).toMatchObject({ errors: [{ field: 'to' }] });
  });

  it('consultations.already_answered and consultations.no_callback: answering twice, closing a call-back that is not there', async () => {
    const created = await send('POST', '/api/consultations', agent, { channel: 'phone', category: 'address_route', question: '门诊几点开门？', answer: '早上八点', patientId: patient.id });
    expect(created.statusCode, created.body).toBe(201);
    const c = created.json() as { id: string; version: number; answer: string };
    await refused(['consultations', 'messages'], 409, 'consultations.already_answered', () => send('POST', `/api/consultations/${c.id}/answer`, agent, { version: c.version, answer: '早上七点半' }));
    await refused(['consultations'], 409, 'consultations.no_callback', () => send('POST', `/api/consultations/${c.id}/callback`, agent, { version: c.version, outcome: 'booked' }));
    const after = (await send('GET', `/api/consultations/${c.id}`, agent)).json();
    expect(after).toMatchObject({ answer: '早上八点', version: c.version, callbackDoneAt: null });
  });

  it('asks for a call-back without a time and gets one due in 24 hours, computed by the service', async () => {
    const created = await send('POST', '/api/consultations', agent, { channel: 'phone', category: 'prices', question: '核磁多少钱？', patientId: patient.id, callback: true });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ callbackDueAt: '2026-11-24T02:00:00.000Z', callbackReason: 'requested' });
  });
});

describe('contacts', () => {
  it('contacts.bad_address: a call logged with something that is not a number', async () => {
    const reply = await refused(['contacts', 'invalid_contact_points'], 400, 'contacts.bad_address', () =>
      send('POST', '/api/contacts', agent, { patientId: patient.id, kind: 'call_out', outcome: 'reached', address: '138-abc-0000' }),
    );
    expect(reply.json()).toMatchObject({ errors: [{ field: 'address', code: 'invalid_phone' }] });
  });

  it('contacts.recording_altered: a recording changed on disk is not played as the call', async () => {
    const call = await send('POST', '/api/contacts', agent, { patientId: patient.id, kind: 'call_in', outcome: 'reached' });
    const up = await h.app.inject({ method: 'POST', url: `/api/contacts/${call.json().id}/recordings`, headers: { ...agent.headers, 'content-type': 'audio/wav' }, payload: aWav() });
    expect(up.statusCode, up.body).toBe(201);
    const file = (h.db.$client.prepare('SELECT file FROM call_recordings WHERE id = ?').get(up.json().id) as { file: string }).file;
    writeFileSync(join(h.deps.callcentre.settings.recordingsDir, file), aWav(801));
    await refused(['call_recordings'], 409, 'contacts.recording_altered', () => send('GET', `/api/recordings/${up.json().id}`, manager));
  });
});

describe('feedback', () => {
  const rules = ['feedback_routing_rules'];

  it('feedback.rule_without_assignee, feedback.unknown_staff, feedback.unknown_department: a routing rule that routes nowhere', async () => {
    const rule = { name: '收费投诉', category: 'billing', severity: 'high', deadlineHours: 8 };
    await refused(rules, 400, 'feedback.rule_without_assignee', () => send('POST', '/api/feedback/rules', admin, rule));
    const ghost = await refused(rules, 400, 'feedback.unknown_staff', () => send('POST', '/api/feedback/rules', admin, { ...rule, assigneeId: 'no-such-staff' }));
    expect(ghost.json()).toMatchObject({ errors: [{ field: 'assigneeId' }] });
    const nowhere = await refused(rules, 400, 'feedback.unknown_department', () => send('POST', '/api/feedback/rules', admin, { ...rule, assigneeGroup: 'QUALITY', departmentId: 'no-such-department' }));
    expect(nowhere.json()).toMatchObject({ errors: [{ field: 'departmentId' }] });
  });

  it('feedback.rule_not_found: changing a rule that does not exist', async () => {
    await refused(rules, 404, 'feedback.rule_not_found', () => send('PUT', '/api/feedback/rules/no-such-rule', admin, { version: 1, name: '规则', category: 'billing', assigneeGroup: 'QUALITY', deadlineHours: 8 }));
  });

  it('feedback.unknown_department: a complaint about a department the hospital does not have, not opened', async () => {
    await refused(['feedback', 'feedback_log', 'staff_notices'], 400, 'feedback.unknown_department', () =>
      send('POST', '/api/feedback', agent, { kind: 'complaint', category: 'waiting_time', text: '排队太久', patientId: patient.id, departmentId: 'no-such-department' }),
    );
  });

  it('feedback.not_responsible and feedback.unknown_staff: a handover by someone else, or to nobody', async () => {
    const taken = await send('POST', '/api/feedback', agent, { kind: 'complaint', category: 'waiting_time', text: '排队太久', patientId: patient.id, departmentId: cardiology });
    expect(taken.statusCode, taken.body).toBe(201);
    const c = taken.json() as { id: string; version: number; responsibleId: string };
    const tables = ['feedback_log', 'staff_notices'];
    await refused(tables, 409, 'feedback.not_responsible', () => send('POST', `/api/feedback/${c.id}/handover`, otherAgent, { version: c.version, toStaffId: otherAgent.id }));
    const nobody = await refused(tables, 400, 'feedback.unknown_staff', () => send('POST', `/api/feedback/${c.id}/handover`, agent, { version: c.version, toStaffId: 'no-such-staff' }));
    expect(nobody.json()).toMatchObject({ errors: [{ field: 'toStaffId' }] });
    expect((await send('GET', `/api/feedback/${c.id}`, agent)).json()).toMatchObject({ responsibleId: agent.id, version: c.version });
  });
});
