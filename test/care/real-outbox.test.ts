import { describe, expect, it } from 'vitest';
import { messagingOutbox } from '../../src/modules/care/care.deps.js';
import { CareReminder } from '../../src/modules/care/care.schemas.js';
import { dispatchDueMessages } from '../../src/modules/messaging/messaging.service.js';
import { addEncounter, createPatient } from '../../src/modules/patients/patients.service.js';
import { useTestHospital } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';

/*
 * The same reminder story as reminders.test.ts, but through messaging's real outbox: what the reminders task queues
 * is a rendered row in `messages`, ending the course cancels it there, and the sandbox channel keeps what is due.
 */
const h = await useTestHospital({ now: '2026-11-23T02:00:00.000Z', care: { outbox: messagingOutbox } });
const cardiology = await h.department('CARD', '心内科');
const doctor = await h.signIn('doctor', { departmentId: cardiology });

interface MessageRow {
  status: string;
  template: string;
  body: string;
  channel: string;
  error: string | null;
}

function messagesAbout(reminderId: string): MessageRow[] {
  return h.db.$client
    .prepare('SELECT status, template, body, channel, error FROM messages WHERE about_type = ? AND about_id = ? ORDER BY scheduled_at')
    .all('care-reminder', reminderId) as MessageRow[];
}

describe('a care reminder through the real outbox', async () => {
  const patient = await createPatient(h.system(), aPatient({ name: '王秀兰', identifiers: [] }));
  await addEncounter(h.system(), patient.id, { class: 'outpatient', status: 'finished', departmentId: cardiology, startAt: '2026-11-20T01:00:00Z', chargesCents: 0, diagnoses: [], procedures: [] });
  const created = await h.app.inject({
    method: 'POST',
    url: '/api/care-reminders',
    headers: doctor.headers,
    payload: { kind: 'medication', patientId: patient.id, drug: '氨氯地平片', dose: '5 mg', timesOfDay: ['20:00'], startDate: '2026-11-23', endDate: '2026-11-30' },
  });
  expect(created.statusCode, created.body).toBe(201);
  const reminder = CareReminder.parse(created.json());

  it('queues each occurrence as a rendered SMS in the patient’s language', async () => {
    await h.scheduler.runNow('care.reminders', h.system());
    const rows = messagesAbout(reminder.id);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0]).toMatchObject({ status: 'queued', template: 'care.medication', channel: 'sms' });
    expect(rows[0]!.body).toContain('氨氯地平片');
  });

  it('leaves a due occurrence held in the sandbox, not sent anywhere', async () => {
    h.clock.set('2026-11-23T12:00:30.000Z');
    await dispatchDueMessages(h.deps, { maxDurationMs: 5_000 });
    expect(messagesAbout(reminder.id)[0]).toMatchObject({ status: 'held' });
  });

  it('cancels the occurrences still queued when the course ends', async () => {
    await h.scheduler.runNow('care.reminders', h.system()); // queues tomorrow evening's tablet
    const later = await h.signIn('doctor', { departmentId: cardiology }); // the morning session has idled out by now
    const ended = await h.app.inject({ method: 'POST', url: `/api/care-reminders/${reminder.id}/end`, headers: later.headers, payload: { reason: '疗程结束' } });
    expect(ended.statusCode, ended.body).toBe(200);
    const rest = messagesAbout(reminder.id).slice(1);
    expect(rest.length).toBeGreaterThan(0);
    expect(rest.every((m) => m.status === 'cancelled')).toBe(true);
  });
});
