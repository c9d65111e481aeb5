import { describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/lib/transaction.js';
import { receiveInboundSms } from '../../src/modules/messaging/messaging.inbound.js';
import { enqueueMessage } from '../../src/modules/messaging/messaging.service.js';
import { createPatient } from '../../src/modules/patients/patients.service.js';
import { useTestHospital } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';
import { reminderVariables, testTemplates } from '../helpers/messaging.js';

const ORIGIN = 'http://localhost:80';
const formHeaders = (cookie: string) => ({ cookie, 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN });

/** The outbox page: what the call centre sees of queued, held and cancelled messages, and the replies to review. */
describe('the outbox page', async () => {
  const h = await useTestHospital({ extraTemplates: [testTemplates] });
  const patient = await createPatient(h.system(), aPatient({ identifiers: [], phone: '13911112222' }));
  const queue = (key: string, purpose = 'appointment-reminder') =>
    inTransaction(h.deps, (tx) =>
      enqueueMessage(tx, h.system(), { purpose, category: 'care', patientId: patient.id, template: 'test.reminder', variables: reminderVariables, scheduledAt: h.clock.now(), dedupeKey: key }),
    );
  const reminder = queue('page:1');
  queue('page:2', 'care-reminder');
  receiveInboundSms(h.system(), { messageSid: 'SMpage1', from: '+8613911112222', body: '请不要再发了', idempotencyToken: undefined });
  const agent = await h.signIn('agent');
  const cookie = `hcrm_session=${agent.token}`;

  it('lists messages with their status and text, says that the sandbox holds them, and filters by purpose', async () => {
    const page = await h.app.inject({ method: 'GET', url: '/app/messages', headers: { cookie } });
    expect(page.statusCode, page.body).toBe(200);
    expect(page.body).toContain('消息发件箱');
    expect(page.body).toContain('未配置短信或邮件服务商');
    expect(page.body).toContain('心内科李明医生');
    expect(page.body).toContain('排队中');
    expect(page.body).toContain('+8613911112222');
    const filtered = await h.app.inject({ method: 'GET', url: '/app/messages?status=&channel=sms&purpose=care-reminder&patientId=', headers: { cookie } });
    expect(filtered.statusCode, filtered.body).toBe(200);
    expect(filtered.body).toContain('care-reminder');
    expect(filtered.body).not.toContain('>appointment-reminder<');
  });

  it('is complete in English', async () => {
    const page = await h.app.inject({ method: 'GET', url: '/app/messages?lang=en', headers: { cookie } });
    expect(page.body).toContain('Outbox');
    expect(page.body).toContain('Replies to review');
    expect(page.body).toContain('Queued');
  });

  it('cancels a queued message from its row', async () => {
    const reply = await h.app.inject({ method: 'POST', url: `/app/messages/${reminder.id}/cancel`, headers: formHeaders(cookie), payload: '' });
    expect(reply.statusCode).toBe(303);
    expect(reply.headers.location).toBe('/app/messages?notice=cancelled');
    expect(h.db.$client.prepare('SELECT status, error FROM messages WHERE id = ?').get(reminder.id)).toEqual({ status: 'cancelled', error: '员工在发件箱中取消' });
  });

  it('shows the reply under review and records the opt-out the agent decides on', async () => {
    const page = await h.app.inject({ method: 'GET', url: '/app/messages', headers: { cookie } });
    expect(page.body).toContain('待人工确认的回复');
    expect(page.body).toContain('请不要再发了');
    const id = (h.db.$client.prepare("SELECT id FROM inbound_messages WHERE provider_id = 'SMpage1'").get() as { id: string }).id;
    const reply = await h.app.inject({ method: 'POST', url: `/app/messages/inbound/${id}`, headers: formHeaders(cookie), payload: 'resolution=opt_out' });
    expect(reply.statusCode).toBe(303);
    expect(h.db.$client.prepare("SELECT granted FROM patient_consents WHERE patient_id = ? AND channel = 'sms' AND purpose = 'care'").get(patient.id)).toEqual({ granted: 0 });
    const after = await h.app.inject({ method: 'GET', url: '/app/messages?notice=resolved', headers: { cookie } });
    expect(after.body).toContain('没有待确认的回复');
  });

  it('shows a nurse the outbox without the review list, and the nav links to it', async () => {
    const nurse = await h.signIn('nurse');
    const page = await h.app.inject({ method: 'GET', url: '/app/messages', headers: { cookie: `hcrm_session=${nurse.token}` } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('href="/app/messages"');
    expect(page.body).not.toContain('待人工确认的回复');
  });
});
