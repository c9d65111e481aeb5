import { afterAll, describe, expect, it } from 'vitest';
import type { Channels } from '../../src/modules/messaging/channels/index.js';
import { sandboxChannel, smtpChannel } from '../../src/modules/messaging/channels/index.js';
import { Feedback, StaffNoticeList } from '../../src/modules/feedback/feedback.schemas.js';
import { createPatient } from '../../src/modules/patients/patients.service.js';
import { StaffUser } from '../../src/modules/staff/staff.schemas.js';
import { useTestHospital } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';
import { testSettings } from '../helpers/messaging.js';
import { decodeWords, FakeSmtp, textBody } from '../helpers/smtp-server.js';

/* Notices to staff e-mailed through the patients' SMTP transport, to a real SMTP server on loopback. */
const smtp = await new FakeSmtp().start();
const relay = smtpChannel(smtp.url, '北京示例医院 <notice@hospital.example>');
// A relay that is down: nothing listens on port 1 of loopback, so the connection is refused.
const downRelay = smtpChannel('smtp://127.0.0.1:1', 'HCRM <notice@hospital.example>');
const channels: Channels = { sms: sandboxChannel('sms'), email: relay };
afterAll(async () => {
  await relay.close();
  await downRelay.close();
  await smtp.stop();
});
const h = await useTestHospital({ now: '2026-11-23T02:00:00.000Z', messaging: { settings: testSettings(), channels } });
const cardiology = await h.department('CARD', '心内科');
const agent = await h.signIn('agent');
const admin = await h.signIn('admin');
const head = await h.signIn('manager', { departmentId: cardiology });
const patient = await createPatient(h.system(), aPatient({ name: '陈淑芬', phone: '13910007919' }));

const setEmail = async (staffId: string, email: unknown) => {
  const current = StaffUser.parse((await h.app.inject({ method: 'GET', url: `/api/staff/${staffId}`, headers: admin.headers })).json());
  return h.app.inject({ method: 'PATCH', url: `/api/staff/${staffId}`, headers: admin.headers, payload: { version: current.version, email } });
};
async function complain() {
  const reply = await h.app.inject({ method: 'POST', url: '/api/feedback', headers: agent.headers, payload: { kind: 'complaint', category: 'waiting_time', severity: 'high', text: '陈淑芬 13910007919 候诊三个小时无人解释', patientId: patient.id, departmentId: cardiology } });
  expect(reply.statusCode, reply.body).toBe(201);
  return Feedback.parse(reply.json());
}
const noticeOf = (feedbackId: string, staffId: string) =>
  h.db.$client.prepare('SELECT * FROM staff_notices WHERE feedback_id = ? AND staff_id = ?').get(feedbackId, staffId) as { id: string; status: string; attempts: number; last_error: string | null; provider: string | null; sent_to: string | null; due_at: string | null };
const runJob = async () => {
  const result = await h.scheduler.runNow('feedback.staff-notices', h.system());
  expect(result.status, result.error ?? '').toBe('succeeded');
  return result;
};

describe("a staff member's e-mail address", () => {
  it('is set through the staff API, validated, and shown on the account', async () => {
    const bad = await setEmail(head.id, 'not-an-address');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('email');
    expect(StaffUser.parse((await h.app.inject({ method: 'GET', url: `/api/staff/${head.id}`, headers: admin.headers })).json()).email).toBeNull();
    const ok = await setEmail(head.id, '  head.card@hospital.example ');
    expect(ok.statusCode, ok.body).toBe(200);
    expect(StaffUser.parse(ok.json()).email).toBe('head.card@hospital.example');
  });
});

describe('staff notices by e-mail', () => {
  it('e-mails the assignee a notice with the case number and a link, and no patient data in the subject', async () => {
    const c = await complain();
    expect(noticeOf(c.id, head.id).status).toBe('queued');
    await runJob();
    const notice = noticeOf(c.id, head.id);
    expect(notice).toMatchObject({ status: 'sent', provider: 'smtp', attempts: 1, sent_to: 'h***@hospital.example' });
    const mail = smtp.mails.find((m) => m.to.includes('head.card@hospital.example'))!;
    const subject = decodeWords(mail.headers.get('subject')!);
    expect(subject).toContain(c.id);
    expect(subject).not.toMatch(/陈淑芬|13910007919|候诊/);
    expect(textBody(mail)).toContain(`https://crm.hospital.example/app/feedback#f-${c.id}`);
    expect(textBody(mail)).not.toMatch(/陈淑芬|13910007919/);
    expect(mail.headers.get('message-id')).toContain(notice.id);
    // Sent once: a second run finds nothing due.
    await runJob();
    expect(smtp.mails.filter((m) => m.headers.get('message-id')?.includes(notice.id))).toHaveLength(1);
  });

  it('retries with backoff while the relay is down and sends when the clock reaches the retry', async () => {
    const c = await complain();
    channels.email = downRelay;
    try {
      await runJob();
      const waiting = noticeOf(c.id, head.id);
      expect(waiting).toMatchObject({ status: 'queued', attempts: 1, due_at: new Date(h.clock.now().getTime() + 30_000).toISOString() });
      expect(waiting.last_error).toMatch(/ECONNREFUSED|network|connect/i);
      channels.email = relay;
      await runJob();
      expect(noticeOf(c.id, head.id).attempts).toBe(1); // not due yet
      h.clock.advance(31_000);
      await runJob();
      expect(noticeOf(c.id, head.id)).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
    } finally {
      channels.email = relay;
    }
  });

  it('records a refusal by the server as failed, with the reason', async () => {
    await setEmail(head.id, 'gone@hospital.example');
    smtp.rejected.add('gone@hospital.example');
    const c = await complain();
    await runJob();
    const notice = noticeOf(c.id, head.id);
    expect(notice.status).toBe('failed');
    expect(notice.last_error).toMatch(/^smtp-550/);
    await setEmail(head.id, 'head.card@hospital.example');
  });

  it('fails a notice to an account without an address instead of pretending to send it', async () => {
    await setEmail(head.id, null);
    const c = await complain();
    await runJob();
    expect(noticeOf(c.id, head.id)).toMatchObject({ status: 'failed', last_error: 'no e-mail address on an active staff account', attempts: 0 });
    await setEmail(head.id, 'head.card@hospital.example');
  });

  it('keeps notices visibly unsent in sandbox mode, and the assignee sees that on their list', async () => {
    channels.email = sandboxChannel('email');
    try {
      const before = smtp.mails.length;
      const c = await complain();
      await runJob();
      expect(noticeOf(c.id, head.id)).toMatchObject({ status: 'held', provider: 'sandbox' });
      expect(smtp.mails).toHaveLength(before);
      const list = StaffNoticeList.parse((await h.app.inject({ method: 'GET', url: '/api/feedback/notices', headers: head.headers })).json());
      expect(list.items.find((n) => n.feedbackId === c.id)?.status).toBe('held');
    } finally {
      channels.email = relay;
    }
  });
});

describe("the admins' staff page", () => {
  const post = (url: string, fields: Record<string, string>) =>
    h.app.inject({ method: 'POST', url, headers: { cookie: `hcrm_session=${admin.token}`, origin: 'http://localhost:80', host: 'localhost:80', 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });
  const account = async (id: string) => StaffUser.parse((await h.app.inject({ method: 'GET', url: `/api/staff/${id}`, headers: admin.headers })).json());

  it('creates an account with an address and changes it on the list; a bad address is refused and nothing changes', async () => {
    const created = await post('/app/staff', { username: 'nurse.wang', displayName: '王护士', email: 'wang@hospital.example', role: 'nurse', departmentId: cardiology, password: 'correct horse battery' });
    expect(created.statusCode, created.body).toBe(303);
    const wrong = await post('/app/staff', { username: 'nurse.li', displayName: '李护士', email: 'li at hospital', role: 'nurse', departmentId: '', password: 'correct horse battery' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('id="f-email"');
    const page = await h.app.inject({ method: 'GET', url: '/app/staff', headers: { cookie: `hcrm_session=${admin.token}` } });
    expect(page.body).toContain('value="wang@hospital.example"');
    expect(page.body).not.toContain('nurse.li');

    const before = await account(head.id);
    const refused = await post(`/app/staff/${head.id}`, { action: 'email', version: String(before.version), email: '<script>@x' });
    expect(refused.headers.location).toBe('/app/staff?problem=staff.bad_email');
    expect((await account(head.id)).version).toBe(before.version);
    const saved = await post(`/app/staff/${head.id}`, { action: 'email', version: String(before.version), email: 'card.head@hospital.example' });
    expect(saved.headers.location).toBe('/app/staff?notice=updated');
    expect((await account(head.id)).email).toBe('card.head@hospital.example');
  });
});
