import { afterAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/lib/transaction.js';
import { sandboxChannel, smtpChannel } from '../../src/modules/messaging/channels/index.js';
import { dispatchDueMessages, enqueueMessage } from '../../src/modules/messaging/messaging.service.js';
import { createPatient } from '../../src/modules/patients/patients.service.js';
import { useTestHospital } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';
import { reminderVariables, testSettings, testTemplates } from '../helpers/messaging.js';
import { decodeWords, FakeSmtp, textBody } from '../helpers/smtp-server.js';

/* E-mail through nodemailer to a real SMTP server on loopback, over STARTTLS. */
const PUBLIC_URL = 'https://crm.hospital.example';
const smtp = await new FakeSmtp().start();
const email = smtpChannel(smtp.url, '北京示例医院 <notice@hospital.example>');
afterAll(async () => {
  await email.close();
  await smtp.stop();
});
const h = await useTestHospital({
  extraTemplates: [testTemplates],
  messaging: { settings: testSettings({ publicUrl: PUBLIC_URL }), channels: { sms: sandboxChannel('sms'), email } },
});
let serial = 0;

async function queuedEmail(category: 'care' | 'marketing', address = `patient.mail${++serial}@example.cn`) {
  const patient = await createPatient(
    h.system(),
    aPatient({ identifiers: [], email: address, preferredChannel: 'email', consent: [{ channel: 'email', purpose: category, granted: true, method: 'written' }] }),
  );
  const template = category === 'care' ? 'test.reminder' : 'test.campaign';
  const variables = category === 'care' ? reminderVariables : { name: '张三丰', time: '12月1日 14:00' };
  const queued = inTransaction(h.deps, (tx) =>
    enqueueMessage(tx, h.system(), { purpose: category === 'care' ? 'appointment-reminder' : 'campaign', category, patientId: patient.id, template, variables, scheduledAt: h.clock.now(), dedupeKey: `smtp:${++serial}` }),
  );
  return { patient, id: queued.id, address };
}
const row = (id: string) => h.db.$client.prepare('SELECT * FROM messages WHERE id = ?').get(id) as Record<string, unknown>;
const mailTo = (address: string) => smtp.mails.find((m) => m.to.includes(address))!;

describe('e-mail over SMTP', () => {
  it('sends a care reminder in Chinese over TLS, with our id as Message-ID and no unsubscribe headers', async () => {
    const { id, address } = await queuedEmail('care');
    await dispatchDueMessages(h.deps);
    const mail = mailTo(address);
    expect(mail.secure).toBe(true);
    expect(decodeWords(mail.headers.get('subject')!)).toBe('门诊预约提醒');
    expect(decodeWords(mail.headers.get('from')!)).toContain('北京示例医院');
    expect(mail.headers.get('message-id')).toBe(`<${id}@hospital.example>`);
    expect(mail.headers.get('content-type')).toMatch(/charset=utf-8/i);
    expect(textBody(mail)).toBe('张三丰您好，您已预约心内科李明医生11月24日 09:30的门诊，请按时就诊。');
    expect(mail.headers.has('list-unsubscribe')).toBe(false);
    expect(row(id)).toMatchObject({ status: 'sent', provider: 'smtp', provider_id: `<${id}@hospital.example>` });
  });

  it('gives a marketing e-mail List-Unsubscribe headers and an unsubscribe link in the text', async () => {
    const { address } = await queuedEmail('marketing');
    await dispatchDueMessages(h.deps);
    const mail = mailTo(address);
    const link = /^<(https:\/\/crm\.hospital\.example\/unsubscribe\/[\w.-]+)>$/.exec(mail.headers.get('list-unsubscribe') ?? '')?.[1];
    expect(link).toBeDefined();
    expect(mail.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(textBody(mail)).toContain(`退订: ${link}`);
    expect(decodeWords(mail.headers.get('subject')!)).toBe('冬季养生讲座邀请');
  });

  it('fails an address the server refuses with 550, with the reason', async () => {
    const { id, address } = await queuedEmail('care');
    smtp.rejected.add(address);
    await dispatchDueMessages(h.deps);
    expect(row(id)).toMatchObject({ status: 'failed', error_code: 'smtp-550', error: expect.stringContaining('No such user') });
  });

  it('keeps e-mail queued when the relay cannot be reached', async () => {
    const down = smtpChannel('smtp://127.0.0.1:9', 'HCRM <no-reply@hospital.example>');
    const outcome = await down.send({ id: 'x', to: 'a@example.cn', body: 'x', subjectLine: 'x', category: 'care', locale: 'zh-CN', unsubscribeUrl: null });
    expect(outcome).toMatchObject({ kind: 'transient' });
    await down.close();
    const wrongLogin = smtpChannel(smtp.url.replace('secret', 'wrong'), 'HCRM <no-reply@hospital.example>');
    expect(await wrongLogin.send({ id: 'y', to: 'a@example.cn', body: 'x', subjectLine: 'x', category: 'care', locale: 'zh-CN', unsubscribeUrl: null })).toMatchObject({ kind: 'transient' });
    await wrongLogin.close();
  });
});

describe('the unsubscribe link', () => {
  async function sentCampaign() {
    const sent = await queuedEmail('marketing');
    const care = inTransaction(h.deps, (tx) =>
      enqueueMessage(tx, h.system(), {
        purpose: 'campaign',
        category: 'marketing',
        patientId: sent.patient.id,
        template: 'test.campaign',
        variables: { name: '张三丰', time: '12月8日' },
        scheduledAt: new Date(h.clock.now().getTime() + 86_400_000),
        dedupeKey: `smtp:${++serial}`,
      }),
    );
    await dispatchDueMessages(h.deps);
    const link = /^<(.+)>$/.exec(mailTo(sent.address).headers.get('list-unsubscribe')!)![1]!;
    return { ...sent, path: new URL(link).pathname, laterId: care.id };
  }
  const marketingConsent = (patientId: string) =>
    h.db.$client.prepare("SELECT granted, method FROM patient_consents WHERE patient_id = ? AND channel = 'email' AND purpose = 'marketing'").get(patientId);

  it('only shows a confirming button on GET, as mail scanners follow links', async () => {
    const { patient, path } = await sentCampaign();
    const page = await h.app.inject({ method: 'GET', url: path });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('确认退订');
    expect(page.body).toContain(`<form method="post" action="${path}">`);
    expect(marketingConsent(patient.id)).toEqual({ granted: 1, method: 'written' });
  });

  it('unsubscribes on the confirming POST, and cancels queued marketing e-mail', async () => {
    const { patient, path, laterId } = await sentCampaign();
    const done = await h.app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: '' });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('已为您退订');
    expect(marketingConsent(patient.id)).toEqual({ granted: 0, method: 'email_link' });
    expect(row(laterId)).toMatchObject({ status: 'cancelled', error: 'unsubscribed by e-mail link' });
  });

  it('accepts a mail provider\'s RFC 8058 one-click POST', async () => {
    const { patient, path } = await sentCampaign();
    const done = await h.app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
    expect(done.statusCode).toBe(200);
    expect(marketingConsent(patient.id)).toEqual({ granted: 0, method: 'email_link' });
  });

  it('refuses a link whose token was altered', async () => {
    const { path } = await sentCampaign();
    const forged = path.slice(0, -4) + 'abcd';
    expect((await h.app.inject({ method: 'GET', url: forged })).statusCode).toBe(404);
    expect((await h.app.inject({ method: 'POST', url: forged, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: '' })).statusCode).toBe(404);
  });
});
