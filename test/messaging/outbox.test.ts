import { describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/lib/transaction.js';
import { Problem } from '../../src/lib/problem.js';
import { cancelMessages, dispatchDueMessages, enqueueMessage, type EnqueueMessage } from '../../src/modules/messaging/messaging.service.js';
import { MessagePage } from '../../src/modules/messaging/messaging.schemas.js';
import { dispatchMessagesTask } from '../../src/modules/messaging/tasks/dispatch-messages.task.js';
import { createPatient, patientTimeline, updatePatient } from '../../src/modules/patients/patients.service.js';
import { useTestHospital } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';
import { reminderVariables, testSettings, testTemplates } from '../helpers/messaging.js';

/*
 * The outbox on the sandbox channels: what is queued, what goes out when, and what is refused or cancelled and why.
 * The sandbox marks a message `held` where a provider would have sent it.
 */
const h = await useTestHospital({ now: '2026-11-23T02:00:00Z', extraTemplates: [testTemplates], messaging: { settings: testSettings() } });
let serial = 0;

async function aPatientWith(overrides: Parameters<typeof aPatient>[0] = {}) {
  return createPatient(h.system(), aPatient({ identifiers: [], ...overrides }));
}

function enqueue(patientId: string, overrides: Partial<EnqueueMessage> = {}) {
  return inTransaction(h.deps, (tx) =>
    enqueueMessage(tx, h.system(), {
      purpose: 'appointment-reminder',
      category: 'care',
      patientId,
      template: 'test.reminder',
      variables: reminderVariables,
      scheduledAt: h.clock.now(),
      dedupeKey: `test:${++serial}`,
      ...overrides,
    }),
  );
}

function row(id: string) {
  return h.db.$client.prepare('SELECT * FROM messages WHERE id = ?').get(id) as Record<string, unknown>;
}

describe('queueing a message', () => {
  it('renders the template in the patient\'s language, addresses it and counts its SMS segments', async () => {
    const patient = await aPatientWith({ phone: '13912345678' });
    const queued = enqueue(patient.id);
    expect(queued).toMatchObject({ status: 'queued', created: true });
    expect(row(queued.id)).toMatchObject({
      channel: 'sms',
      recipient: '+8613912345678',
      locale: 'zh-CN',
      body: '张三丰您好，您已预约心内科李明医生11月24日 09:30的门诊，请按时就诊。',
      segments: 1,
      status: 'queued',
    });
  });

  it('returns the first message for a second enqueue with the same dedupe key, without an error', async () => {
    const patient = await aPatientWith();
    const first = enqueue(patient.id, { dedupeKey: 'appointment-reminder:A1:24h' });
    const second = enqueue(patient.id, { dedupeKey: 'appointment-reminder:A1:24h' });
    expect(second).toEqual({ id: first.id, status: 'queued', created: false });
    expect(h.db.$client.prepare("SELECT count(*) AS n FROM messages WHERE dedupe_key = 'appointment-reminder:A1:24h'").get()).toEqual({ n: 1 });
  });

  it('writes English for a patient who prefers it', async () => {
    const patient = await aPatientWith({ preferredLanguage: 'en' });
    const queued = enqueue(patient.id, { variables: { ...reminderVariables, name: 'Zhang San', department: 'Cardiology', doctor: 'Li', time: '24 Nov 09:30' } });
    expect(row(queued.id)).toMatchObject({ locale: 'en', body: 'Dear Zhang San, your appointment with Dr Li (Cardiology) is at 24 Nov 09:30.' });
  });

  it('falls back from SMS to e-mail when only e-mail is consented', async () => {
    const patient = await aPatientWith({ consent: [{ channel: 'email', purpose: 'care', granted: true, method: 'written' }] });
    const queued = enqueue(patient.id);
    expect(row(queued.id)).toMatchObject({ channel: 'email', recipient: patient.email, subject_line: '门诊预约提醒', status: 'queued' });
  });

  it('follows the preferred channel when it is consented', async () => {
    const patient = await aPatientWith({
      preferredChannel: 'email',
      consent: [
        { channel: 'sms', purpose: 'care', granted: true, method: 'written' },
        { channel: 'email', purpose: 'care', granted: true, method: 'written' },
      ],
    });
    expect(row(enqueue(patient.id).id)).toMatchObject({ channel: 'email' });
  });

  it('keeps a cancelled row saying why when no channel is consented for the purpose', async () => {
    const patient = await aPatientWith();
    const queued = enqueue(patient.id, { category: 'marketing', template: 'test.campaign', variables: { name: '张三丰', time: '12月1日 14:00' } });
    expect(queued.status).toBe('cancelled');
    expect(row(queued.id)).toMatchObject({ status: 'cancelled', error_code: 'no_consent', error: 'no channel with marketing consent and a valid address' });
  });

  it('refuses an SMS to a landline or a missing number with a clear error, and queues nothing', async () => {
    const landline = await aPatientWith({ phone: '010-88886666' });
    const noPhone = await aPatientWith({ phone: null });
    const before = h.db.$client.prepare('SELECT count(*) AS n FROM messages').get();
    expect(() => enqueue(landline.id, { channel: 'sms' })).toThrowError(/landline, which cannot receive SMS/);
    expect(() => enqueue(noPhone.id, { channel: 'sms' })).toThrowError(/no phone number on file/);
    expect(h.db.$client.prepare('SELECT count(*) AS n FROM messages').get()).toEqual(before);
  });

  it('refuses an e-mail to a patient without an address', async () => {
    const patient = await aPatientWith({ email: null, consent: [{ channel: 'email', purpose: 'care', granted: true, method: 'written' }] });
    expect(() => enqueue(patient.id, { channel: 'email' })).toThrowError(expect.objectContaining({ code: 'messaging.invalid_recipient', status: 400 }));
  });

  it('names the template and the variable when one is missing or unknown', async () => {
    const patient = await aPatientWith();
    const { doctor: _left, ...withoutDoctor } = reminderVariables;
    expect(() => enqueue(patient.id, { variables: withoutDoctor })).toThrowError(/Template test.reminder: variable "doctor" is missing/);
    expect(() => enqueue(patient.id, { variables: { ...reminderVariables, room: '3' } })).toThrowError(/variable "room" is not one of test.reminder's/);
    expect(() => enqueue(patient.id, { template: 'test.nothing' })).toThrowError(expect.objectContaining({ code: 'messaging.unknown_template' }));
  });

  it('refuses an SMS over the segment cap (5 segments: 335 Chinese characters) and accepts one at it', async () => {
    const patient = await aPatientWith();
    expect(enqueue(patient.id, { template: 'test.free', variables: { text: '请'.repeat(335) } }).status).toBe('queued');
    expect(() => enqueue(patient.id, { template: 'test.free', variables: { text: '请'.repeat(336) } })).toThrowError(
      expect.objectContaining({ code: 'messaging.too_long', status: 422, message: expect.stringContaining('6 SMS segments; the cap is 5') }),
    );
  });

  it('writes an audit row for the queued message', async () => {
    const patient = await aPatientWith();
    const queued = enqueue(patient.id);
    expect(h.db.$client.prepare("SELECT action, patient_id FROM audit_log WHERE entity_id = ?").get(queued.id)).toEqual({ action: 'message.enqueue', patient_id: patient.id });
  });
});

describe('sending', () => {
  it('keeps messages held in the sandbox when no provider is configured', async () => {
    const patient = await aPatientWith();
    const queued = enqueue(patient.id);
    const report = await dispatchDueMessages(h.deps);
    expect(report.held).toBeGreaterThanOrEqual(1);
    expect(row(queued.id)).toMatchObject({ status: 'held', provider: 'sandbox', attempts: 1, lease_until: null });
  });

  it('is the scheduler\'s every-minute task', async () => {
    expect(dispatchMessagesTask).toMatchObject({ name: 'messaging.dispatch', schedule: '* * * * *' });
    const patient = await aPatientWith();
    const queued = enqueue(patient.id);
    const report = await dispatchMessagesTask.run({ ...h.system(), actor: { kind: 'job', id: 'messaging.dispatch' } });
    expect(report.held).toBeGreaterThanOrEqual(1);
    expect(row(queued.id)['status']).toBe('held');
  });

  it('waits for the scheduled time', async () => {
    const patient = await aPatientWith();
    const queued = enqueue(patient.id, { scheduledAt: new Date(h.clock.now().getTime() + 3_600_000) });
    await dispatchDueMessages(h.deps);
    expect(row(queued.id)).toMatchObject({ status: 'queued', attempts: 0 });
  });

  it('cancels at send time when consent was withdrawn after queueing', async () => {
    const patient = await aPatientWith();
    const queued = enqueue(patient.id);
    await updatePatient(h.system(), patient.id, { version: patient.version, consent: [{ channel: 'sms', purpose: 'care', granted: false, method: 'verbal' }] });
    await dispatchDueMessages(h.deps);
    expect(row(queued.id)).toMatchObject({ status: 'cancelled', error: 'consent for care sms was withdrawn', attempts: 0 });
  });

  it('sends a row a dead dispatcher left in `sending` as it is, as the provider may already have it', async () => {
    const patient = await aPatientWith();
    const queued = enqueue(patient.id);
    h.db.$client.prepare("UPDATE messages SET status = 'sending', attempts = 1, lease_owner = 'dead', lease_until = ? WHERE id = ?").run(h.clock.now().toISOString(), queued.id);
    await updatePatient(h.system(), patient.id, { version: patient.version, consent: [{ channel: 'sms', purpose: 'care', granted: false, method: 'verbal' }] });
    await dispatchDueMessages(h.deps);
    expect(row(queued.id)).toMatchObject({ status: 'held', attempts: 2 });
  });

  it.each([
    ['deceased', 'deceased_at'],
    ['merged', 'merged_into_id'],
  ])('sends nothing to a %s patient', async (state, column) => {
    const patient = await aPatientWith();
    const queued = enqueue(patient.id);
    h.db.$client.prepare(`UPDATE patients SET ${column} = ? WHERE id = ?`).run(column === 'deceased_at' ? '2026-11-22T00:00:00Z' : patient.id, patient.id);
    await dispatchDueMessages(h.deps);
    expect(row(queued.id)).toMatchObject({ status: 'cancelled', error: `the patient is ${state}` });
  });

  it('sends nothing to a deactivated patient', async () => {
    const patient = await aPatientWith();
    const queued = enqueue(patient.id);
    h.db.$client.prepare('UPDATE patients SET active = 0 WHERE id = ?').run(patient.id);
    await dispatchDueMessages(h.deps);
    expect(row(queued.id)).toMatchObject({ status: 'cancelled', error: 'the patient is deactivated' });
  });

  it('asks the module that queued the message whether it must still go out', async () => {
    const answered = new Set<string>();
    h.deps.sendChecks.register('questionnaire', (_tx, message) => (message.subject && answered.has(message.subject.id) ? 'the questionnaire was answered' : null));
    const patient = await aPatientWith();
    const stillOpen = enqueue(patient.id, { purpose: 'followup-invitation', subject: { type: 'questionnaire', id: 'Q1' } });
    const done = enqueue(patient.id, { purpose: 'followup-invitation', subject: { type: 'questionnaire', id: 'Q2' } });
    answered.add('Q2');
    await dispatchDueMessages(h.deps);
    expect(row(stillOpen.id)).toMatchObject({ status: 'held' });
    expect(row(done.id)).toMatchObject({ status: 'cancelled', error: 'the questionnaire was answered' });
  });

  it('caps marketing messages per patient per week', async () => {
    const patient = await aPatientWith({ consent: [{ channel: 'sms', purpose: 'marketing', granted: true, method: 'written' }] });
    const campaign = (n: number) => enqueue(patient.id, { purpose: 'campaign', category: 'marketing', template: 'test.campaign', variables: { name: '张三丰', time: `${n}日` } });
    const ids = [campaign(1), campaign(2), campaign(3)].map((q) => q.id);
    await dispatchDueMessages(h.deps);
    expect(ids.map((id) => row(id)['status'])).toEqual(['held', 'held', 'cancelled']);
    expect(row(ids[0]!)['body']).toBe('张三丰您好：冬季养生讲座将于1日在门诊楼三楼举行，欢迎参加。 回复TD退订');
    expect(row(ids[2]!)['error']).toBe('marketing cap reached (2 in 7 days)');
  });
});

describe('cancelling', () => {
  it('cancels queued messages about a subject, and only those', async () => {
    const patient = await aPatientWith();
    const about = enqueue(patient.id, { subject: { type: 'appointment', id: 'A7' } });
    const other = enqueue(patient.id, { subject: { type: 'appointment', id: 'A8' } });
    const n = inTransaction(h.deps, (tx) => cancelMessages(tx, h.system(), { subject: { type: 'appointment', id: 'A7' } }, 'appointment cancelled'));
    expect(n).toBe(1);
    expect(row(about.id)).toMatchObject({ status: 'cancelled', error: 'appointment cancelled' });
    expect(row(other.id)).toMatchObject({ status: 'queued' });
  });

  it('lets a nurse cancel one queued message through the API, and refuses a second time with 409', async () => {
    const nurse = await h.signIn('nurse');
    const patient = await aPatientWith();
    const queued = enqueue(patient.id);
    const ok = await h.app.inject({ method: 'POST', url: `/api/messages/${queued.id}/cancel`, headers: nurse.headers, payload: { reason: '患者来电要求取消' } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ id: queued.id, status: 'cancelled', error: '患者来电要求取消' });
    const again = await h.app.inject({ method: 'POST', url: `/api/messages/${queued.id}/cancel`, headers: nurse.headers, payload: { reason: 'again' } });
    expect(again.statusCode).toBe(409);
    expect(Problem.parse(again.json())).toMatchObject({ code: 'messaging.not_cancellable' });
    const missing = await h.app.inject({ method: 'POST', url: '/api/messages/nope/cancel', headers: nurse.headers, payload: { reason: 'x' } });
    expect(missing.statusCode).toBe(404);
  });
});

describe('the outbox API and the timeline', () => {
  it('lists messages filtered by patient, status and channel, masks the number for a manager, and audits the read', async () => {
    const manager = await h.signIn('manager');
    const patient = await aPatientWith({ phone: '13987654321' });
    const queued = enqueue(patient.id);
    const reply = await h.app.inject({ method: 'GET', url: `/api/messages?patientId=${patient.id}&status=queued&channel=sms`, headers: manager.headers });
    expect(reply.statusCode, reply.body).toBe(200);
    const page = MessagePage.parse(reply.json());
    expect(page.items.map((m) => m.id)).toEqual([queued.id]);
    expect(page.items[0]).toMatchObject({ recipient: '139****4321', purpose: 'appointment-reminder', segments: 1 });
    const audit = h.db.$client.prepare("SELECT action, patient_id FROM audit_log WHERE action = 'message.list' ORDER BY seq DESC LIMIT 1").get();
    expect(audit).toEqual({ action: 'message.list', patient_id: patient.id });
  });

  it('shows every message on the patient\'s timeline', async () => {
    const patient = await aPatientWith();
    const queued = enqueue(patient.id);
    const timeline = await patientTimeline(h.system(), patient.id, { limit: 20, kind: 'message' });
    expect(timeline.items).toEqual([expect.objectContaining({ id: queued.id, kind: 'message', title: 'message.queued', detail: 'appointment-reminder · sms', clinical: false })]);
  });
});
