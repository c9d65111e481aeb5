import { describe, expect, it } from 'vitest';
import { recentEscalations } from '../../src/modules/feedback/feedback.intake.js';
import { Feedback } from '../../src/modules/feedback/feedback.schemas.js';
import { createFeedback, getFeedback } from '../../src/modules/feedback/feedback.service.js';
import { createPatient } from '../../src/modules/patients/patients.service.js';
import { useTestHospital } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';

// Monday 23 November 2026, 10:00 in Beijing.
const h = await useTestHospital({ now: '2026-11-23T02:00:00.000Z' });
const cardiology = await h.department('CARD', '心内科');
const surgery = await h.department('SURG', '普外科');
const quality = await h.department('QUALITY', '质控办');
const leadership = await h.department('LEADERSHIP', '院办');
const agent = await h.signIn('agent');
const admin = await h.signIn('admin');
const head = await h.signIn('manager', { departmentId: cardiology });
const surgeryHead = await h.signIn('manager', { departmentId: surgery });
const qualityOfficer = await h.signIn('manager', { departmentId: quality });
const director = await h.signIn('manager', { departmentId: leadership });
const patient = await createPatient(h.system(), aPatient({ name: '陈淑芬' }));

async function complain(body: Record<string, unknown> = {}) {
  const reply = await h.app.inject({ method: 'POST', url: '/api/feedback', headers: agent.headers, payload: { kind: 'complaint', category: 'waiting_time', severity: 'medium', text: '候诊三个小时无人解释', patientId: patient.id, departmentId: cardiology, ...body } });
  expect(reply.statusCode, reply.body).toBe(201);
  return Feedback.parse(reply.json());
}
const act = (session: { headers: Record<string, string> }, id: string, verb: string, payload: object) => h.app.inject({ method: 'POST', url: `/api/feedback/${id}/${verb}`, headers: session.headers, payload });
const run = async (job: string) => {
  const result = await h.scheduler.runNow(job, h.system());
  expect(result.status, result.error ?? '').toBe('succeeded');
};
const notices = (staffId: string) => (h.db.$client.prepare('SELECT feedback_id AS feedbackId, subject FROM staff_notices WHERE staff_id = ?').all(staffId) as { feedbackId: string; subject: string }[]);

describe('taking a complaint', () => {
  it('routes it to the department head with a deadline in working hours and makes the agent responsible (首诉负责制)', async () => {
    const c = await complain();
    expect(c).toMatchObject({ status: 'assigned', assigneeId: head.id, responsibleId: agent.id, deadlineAt: '2026-11-26T02:00:00.000Z' });
    expect(notices(head.id).map((n) => n.feedbackId)).toContain(c.id);
  });

  it('follows the most specific routing rule an admin wrote, with its own deadline', async () => {
    const rule = await h.app.inject({ method: 'POST', url: '/api/feedback/rules', headers: admin.headers, payload: { name: '收费投诉到质控办', category: 'billing', severity: 'high', assigneeGroup: 'QUALITY', deadlineHours: 2 } });
    expect(rule.statusCode, rule.body).toBe(201);
    const c = await complain({ category: 'billing', severity: 'high' });
    expect(c).toMatchObject({ assigneeGroup: 'QUALITY', assigneeId: qualityOfficer.id, deadlineAt: '2026-11-23T04:00:00.000Z' });
    const general = await complain({ category: 'billing', severity: 'low' });
    expect(general.assigneeId).toBe(head.id);
  });

  it('refuses an unknown category with a 400 naming the field, and stores nothing', async () => {
    const before = (h.db.$client.prepare('SELECT count(*) AS n FROM feedback').get() as { n: number }).n;
    const reply = await h.app.inject({ method: 'POST', url: '/api/feedback', headers: agent.headers, payload: { kind: 'complaint', category: 'parking_fees', text: '停车太贵' } });
    expect(reply.statusCode).toBe(400);
    expect(reply.json().errors[0].field).toBe('category');
    expect((h.db.$client.prepare('SELECT count(*) AS n FROM feedback').get() as { n: number }).n).toBe(before);
  });

  it('keeps <script> verbatim in the record', async () => {
    const c = await complain({ text: '<script>alert("投诉")</script>' });
    const read = await h.app.inject({ method: 'GET', url: `/api/feedback/${c.id}`, headers: admin.headers });
    expect(read.json().text).toBe('<script>alert("投诉")</script>');
  });
});

describe('working a case', () => {
  it('goes open → in progress → resolved → closed, tells the patient through the outbox, and reopens', async () => {
    const c = await complain();
    const started = await act(head, c.id, 'start', { version: c.version });
    expect(started.json()).toMatchObject({ status: 'in_progress', responsibleId: agent.id });
    const resolved = await act(head, c.id, 'resolve', { version: started.json().version, resolution: '已调整分诊叫号，向患者致歉' });
    expect(resolved.json().status).toBe('resolved');
    const sent = h.db.$client.prepare("SELECT body FROM messages WHERE about_type = 'feedback' AND about_id = ?").get(c.id) as { body: string };
    expect(sent.body).toContain('已调整分诊叫号');
    const closed = await act(agent, c.id, 'close', { version: resolved.json().version, confirmedByPatient: true });
    expect(closed.json()).toMatchObject({ status: 'closed', closedBy: 'patient' });
    const reopened = await act(agent, c.id, 'reopen', { version: closed.json().version, reason: '患者再次来电表示不满' });
    expect(reopened.json()).toMatchObject({ status: 'in_progress', reopenCount: 1, escalationLevel: 0, closedAt: null });
  });

  it('answers a stale version with 409 and changes nothing (two people editing at once)', async () => {
    const c = await complain();
    const [first, second] = await Promise.all([act(head, c.id, 'start', { version: c.version }), act(agent, c.id, 'resolve', { version: c.version, resolution: '同时处理' })]);
    expect([first.statusCode, second.statusCode].sort()).toEqual([200, 409]);
    const loser = first.statusCode === 409 ? first : second;
    expect(loser.json().code).toBe('feedback.version_conflict');
  });

  it('lets only the responsible agent hand over, explicitly, and tells the new owner', async () => {
    const c = await complain();
    const other = await h.signIn('agent');
    expect((await act(other, c.id, 'handover', { version: c.version, toStaffId: other.id })).statusCode).toBe(409);
    const handed = await act(agent, c.id, 'handover', { version: c.version, toStaffId: other.id, note: '下班交接' });
    expect(handed.json().responsibleId).toBe(other.id);
    expect(notices(other.id).map((n) => n.feedbackId)).toContain(c.id);
  });

});

describe('escalating by hand', () => {
  it('refuses to escalate a closed case by hand (409)', async () => {
    const c = await complain();
    const resolved = await act(head, c.id, 'resolve', { version: c.version, resolution: '已处理', notifyPatient: false });
    const closed = await act(head, c.id, 'close', { version: resolved.json().version });
    const reply = await act(admin, c.id, 'escalate', { version: closed.json().version, reason: '院长关注' });
    expect(reply.statusCode).toBe(409);
    expect(reply.json().code).toBe('feedback.bad_transition');
  });
});

describe('who sees what', () => {
  it('shows a manager only their department\'s cases: other departments are 404 and absent from the inbox', async () => {
    const surgical = await complain({ departmentId: surgery });
    expect((await h.app.inject({ method: 'GET', url: `/api/feedback/${surgical.id}`, headers: head.headers })).statusCode).toBe(404);
    const inbox = await h.app.inject({ method: 'GET', url: `/api/feedback?departmentId=${surgery}&limit=100`, headers: head.headers });
    expect(inbox.statusCode).toBe(200);
    expect(inbox.json().items.every((f: { departmentId: string }) => f.departmentId === cardiology)).toBe(true);
    expect((await h.app.inject({ method: 'GET', url: `/api/feedback/${surgical.id}`, headers: surgeryHead.headers })).statusCode).toBe(200);
  });
});

describe('patients at risk', () => {
  it('marks an open complaint, two complaints in 180 days, and a low last satisfaction score', async () => {
    const risk = async (id: string) => (await h.app.inject({ method: 'GET', url: `/api/feedback/patients/${id}/risk`, headers: agent.headers })).json();
    const calm = await createPatient(h.system(), aPatient({ name: '刘建国' }));
    expect(await risk(calm.id)).toMatchObject({ atRisk: false, reasons: [] });
    const first = await complain({ patientId: calm.id });
    expect((await risk(calm.id)).reasons).toEqual(['open_complaint']);
    const done = await act(head, first.id, 'resolve', { version: first.version, resolution: '已解决', notifyPatient: false });
    expect(done.statusCode).toBe(200);
    expect((await risk(calm.id)).atRisk).toBe(false);
    const second = await complain({ patientId: calm.id });
    await act(head, second.id, 'resolve', { version: second.version, resolution: '已解决', notifyPatient: false });
    expect((await risk(calm.id)).reasons).toEqual(['repeat_complaints']);
  });

  it('turns a follow-up low-satisfaction event into a complaint once', async () => {
    const quiet = await createPatient(h.system(), aPatient({ name: '孙丽华' }));
    h.db.$client.prepare("INSERT INTO questionnaires (id, url, version, title, definition, source_hash, file, loaded_at) VALUES ('q-risk', 'https://hcrm.example/q/risk', '1', 'risk', '{}', 'x', 'x', '2026-11-01')").run();
    h.db.$client
      .prepare("INSERT INTO questionnaire_responses (id, questionnaire_id, patient_id, source, recorded_by, authored_at, month, sub_scores, satisfaction, fhir) VALUES ('r-risk', 'q-risk', ?, 'patient', 'patient', '2026-11-20T02:00:00.000Z', '2026-11', '{\"byGroup\":{},\"byTag\":{}}', 1, '{}')")
      .run(quiet.id);
    h.db.$client.prepare("INSERT INTO followup_events (id, kind, response_id, patient_id, department_id, questionnaire_url, satisfaction, created_at) VALUES ('e-risk', 'low_satisfaction', 'r-risk', ?, ?, 'https://hcrm.example/q/risk', 1, '2026-11-20T02:00:00.000Z')").run(quiet.id, cardiology);
    await run('feedback.escalation');
    await run('feedback.escalation');
    const opened = h.db.$client.prepare("SELECT source, kind, department_id AS departmentId FROM feedback WHERE followup_event_id = 'e-risk'").all();
    expect(opened).toEqual([{ source: 'followup', kind: 'complaint', departmentId: cardiology }]);
    const risk = (await h.app.inject({ method: 'GET', url: `/api/feedback/patients/${quiet.id}/risk`, headers: agent.headers })).json();
    expect(risk.reasons).toEqual(['open_complaint', 'low_satisfaction']);
  });
});

// These move the clock days ahead (sessions end), so they come last and read through the services.
describe('escalation and closing with a moved clock', () => {
  it('closes a resolved case the patient never answers after the configured days', async () => {
    const c = await complain();
    const resolved = await act(head, c.id, 'resolve', { version: c.version, resolution: '已电话解释', notifyPatient: false });
    expect(resolved.statusCode).toBe(200);
    h.clock.advance(6 * 86_400_000);
    await run('feedback.autoclose');
    expect((await getFeedback(h.system(), c.id)).status).toBe('resolved');
    h.clock.advance(2 * 86_400_000);
    await run('feedback.autoclose');
    expect(await getFeedback(h.system(), c.id)).toMatchObject({ status: 'closed', closedBy: 'auto' });
  });

  it('climbs level by level when nobody acts: department head, quality office, leadership; each notified and logged', async () => {
    h.clock.set('2026-11-23T02:00:00.000Z');
    const c = await createFeedback(h.system(), { kind: 'complaint', source: 'agent', category: 'medical_quality', severity: 'critical', text: '术后无人查房', patientId: patient.id, departmentId: surgery });
    expect(c.deadlineAt).toBe('2026-11-23T07:30:00.000Z');
    const levels: number[] = [];
    for (const at of ['2026-11-23T07:31:00.000Z', '2026-11-24T04:00:00.000Z', '2026-11-25T04:00:00.000Z', '2026-11-26T04:00:00.000Z']) {
      h.clock.set(at);
      await run('feedback.escalation');
      levels.push((await getFeedback(h.system(), c.id)).escalationLevel);
    }
    expect(levels).toEqual([1, 2, 3, 3]);
    expect(notices(surgeryHead.id).filter((n) => n.feedbackId === c.id).length).toBe(2);
    expect(notices(qualityOfficer.id).some((n) => n.feedbackId === c.id && n.subject.includes('L2'))).toBe(true);
    expect(notices(director.id).some((n) => n.feedbackId === c.id && n.subject.includes('L3'))).toBe(true);
    const view = await recentEscalations(h.system());
    expect(view.items.filter((e) => e.feedbackId === c.id).map((e) => e.level).sort()).toEqual([1, 2, 3]);
  });

});

