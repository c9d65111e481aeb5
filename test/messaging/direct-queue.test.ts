import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { sendDirectReplies } from '../../src/modules/consultations/direct-replies.js';
import { sendStaffNotices, staffNoticeQueue } from '../../src/modules/feedback/staff-notices.js';
import type { Channel, Channels } from '../../src/modules/messaging/channels/index.js';
import { sandboxChannel, twilioChannel } from '../../src/modules/messaging/channels/index.js';
import { sendDirectQueue, type DirectQueue } from '../../src/modules/messaging/direct-queue.js';
import { dispatchDueMessages, enqueueMessage } from '../../src/modules/messaging/messaging.service.js';
import { receiveInboundSms } from '../../src/modules/messaging/messaging.inbound.js';
import { inTransaction } from '../../src/lib/transaction.js';
import { createPatient } from '../../src/modules/patients/patients.service.js';
import { useTestHospital } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';
import { reminderVariables, testSettings, testTemplates } from '../helpers/messaging.js';
import { FakeTwilio } from '../helpers/twilio-server.js';

/*
 * Direct sends (notices to staff, answers to numbers without a patient file) leave under the outbox's rules: the
 * same sender's rate, a bound on sends in flight, a dead run's leftover looked up at the provider before it is sent
 * again, and counts that a retried transaction does not double.
 */
const ACCOUNT = 'AC0123456789abcdef0123456789abcdef';
const AUTH_TOKEN = 'direct-queue-token';
const fake = await new FakeTwilio(ACCOUNT, { username: ACCOUNT, password: AUTH_TOKEN }).start();
fake.honoursIdempotencyKeys = false; // as api.twilio.com: a second send is a second text
const sms = twilioChannel({ accountSid: ACCOUNT, authToken: AUTH_TOKEN, apiKey: undefined, from: '+15005550006', messagingServiceSid: undefined, apiBaseUrl: fake.url }, 'https://crm.hospital.example');
afterAll(() => fake.stop());

/** The sandbox, counting how many sends are in flight at once. */
function countingEmail(): Channel & { inFlight: number; most: number; sent: string[] } {
  const sandbox = sandboxChannel('email');
  const channel = {
    provider: sandbox.provider,
    sender: sandbox.sender,
    inFlight: 0,
    most: 0,
    sent: [] as string[],
    async send(message: Parameters<Channel['send']>[0]) {
      channel.most = Math.max(channel.most, ++channel.inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      channel.inFlight--;
      channel.sent.push(message.id);
      return sandbox.send(message);
    },
    close: () => sandbox.close(),
  };
  return channel;
}

const channels: Channels = { sms, email: countingEmail() };
const h = await useTestHospital({ extraTemplates: [testTemplates], messaging: { settings: testSettings(), channels } });
const settings = h.deps.messaging.settings;
const cardiology = await h.department('CARD', '心内科');
const agent = await h.signIn('agent');
const admin = await h.signIn('admin');
const head = await h.signIn('manager', { departmentId: cardiology });
const patient = await createPatient(h.system(), aPatient({ name: '陈淑芬', phone: '13910007919', consent: [{ channel: 'email', purpose: 'care', granted: true, method: 'written' }] }));

beforeEach(() => {
  settings.emailPerSecond = 10_000;
  settings.smsSegmentsPerSecond = 10_000;
  channels.email = countingEmail();
  h.clock.advance(1_000); // the senders' buckets full again
});

async function setEmail(staffId: string, email: string | null) {
  const current = (await h.app.inject({ method: 'GET', url: `/api/staff/${staffId}`, headers: admin.headers })).json() as { version: number };
  const reply = await h.app.inject({ method: 'PATCH', url: `/api/staff/${staffId}`, headers: admin.headers, payload: { version: current.version, email } });
  expect(reply.statusCode, reply.body).toBe(200);
}
await setEmail(head.id, 'head.card@hospital.example');

/** A complaint for cardiology: its manager gets a notice. */
async function complaints(n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const reply = await h.app.inject({ method: 'POST', url: '/api/feedback', headers: agent.headers, payload: { kind: 'complaint', category: 'waiting_time', severity: 'high', text: `候诊时间太长 ${i}`, patientId: patient.id, departmentId: cardiology } });
    expect(reply.statusCode, reply.body).toBe(201);
    ids.push((reply.json() as { id: string }).id);
  }
  return ids;
}
const noticeStatuses = (feedbackIds: string[]) =>
  feedbackIds.map((id) => (h.db.$client.prepare('SELECT status FROM staff_notices WHERE feedback_id = ? AND staff_id = ?').get(id, head.id) as { status: string }).status);

describe('direct sends under the outbox rules', () => {
  it("take their turn in the sender's rate: with one e-mail a second, one notice goes now and the next a second later", async () => {
    settings.emailPerSecond = 1;
    const ids = await complaints(3);
    const first = await sendStaffNotices(h.deps);
    expect(first).toMatchObject({ held: 1, deferred: 2 });
    expect(noticeStatuses(ids).sort()).toEqual(['held', 'queued', 'queued']);
    // The outbox's e-mails wait for the same sender's tokens: nothing is left this second.
    const { id: reminder } = inTransaction(h.deps, (tx) =>
      enqueueMessage(tx, h.system(), { purpose: 'appointment-reminder', category: 'care', channel: 'email', patientId: patient.id, template: 'test.reminder', variables: reminderVariables, scheduledAt: h.clock.now(), dedupeKey: 'direct-queue:rate' }),
    );
    expect((await dispatchDueMessages(h.deps)).claimed).toBe(0);
    h.clock.advance(1_000);
    expect(await sendStaffNotices(h.deps)).toMatchObject({ held: 1, deferred: 1 });
    h.clock.advance(1_000);
    expect(await sendStaffNotices(h.deps)).toMatchObject({ held: 1, deferred: 0 });
    expect(noticeStatuses(ids)).toEqual(['held', 'held', 'held']);
    h.clock.advance(1_000);
    expect((await dispatchDueMessages(h.deps)).claimed).toBe(1);
    expect(h.db.$client.prepare('SELECT status FROM messages WHERE id = ?').get(reminder)).toEqual({ status: 'held' });
  });

  it('wait for the rate within the time the run is given, so a minute\'s job is not limited to one second\'s worth', async () => {
    settings.emailPerSecond = 1;
    const ids = await complaints(3);
    const waited: number[] = [];
    const report = await sendStaffNotices(h.deps, { maxDurationMs: 50_000, sleep: async (ms) => (waited.push(ms), h.clock.advance(ms)) });
    expect(report).toMatchObject({ held: 3, deferred: 0 });
    expect(waited).toEqual([1_000, 1_000]);
    expect(noticeStatuses(ids)).toEqual(['held', 'held', 'held']);
  });

  it('keep at most `concurrency` sends in flight', async () => {
    const ids = await complaints(6);
    const email = channels.email as ReturnType<typeof countingEmail>;
    expect(await sendStaffNotices(h.deps, { concurrency: 2 })).toMatchObject({ held: 6 });
    expect(email.sent).toHaveLength(6);
    expect(email.most).toBe(2);
    expect(noticeStatuses(ids)).toEqual(Array(6).fill('held'));
  });

  it("adopt a dead run's answer that Twilio already has instead of texting the stranger twice", async () => {
    const created = await h.app.inject({ method: 'POST', url: '/api/knowledge', headers: admin.headers, payload: { category: 'address_route', title: '医院地址', body: '建国路88号，地铁1号线国贸站B口', keywords: '地址 怎么走 地铁' } });
    expect(created.statusCode, created.body).toBe(201);
    receiveInboundSms(h.system(), { messageSid: 'SMdirect1', from: '+8613700008888', body: '医院怎么走？', idempotencyToken: undefined });
    expect((await h.scheduler.runNow('consultations.sms-questions', h.system())).status).toBe('succeeded');
    expect(await sendDirectReplies(h.deps)).toMatchObject({ sent: 1 });
    const reply = () => h.db.$client.prepare("SELECT id, reply_status AS status, reply_provider_id AS providerId, reply_attempts AS attempts FROM consultations WHERE phone = '+8613700008888'").get() as { id: string; status: string; providerId: string | null; attempts: number };
    const { providerId } = reply();
    const texts = () => fake.messages.filter((m) => m.to === '+8613700008888');
    expect(texts()).toHaveLength(1);

    // What a run that died after Twilio accepted the text leaves: claimed (`sending`), its lease lapsed, nothing recorded.
    h.db.$client.prepare("UPDATE consultations SET reply_status = 'sending', reply_provider_id = NULL, reply_sent_at = NULL, reply_due_at = ? WHERE phone = '+8613700008888'").run(new Date(h.clock.now().getTime() - 1_000).toISOString());
    expect(await sendDirectReplies(h.deps)).toMatchObject({ sent: 1 });
    expect(texts()).toHaveLength(1);
    expect(reply()).toMatchObject({ status: 'sent', providerId, attempts: 2 });
  });

  it('count a refusal and a send once although their transactions are retried after SQLITE_BUSY', async () => {
    await setEmail(head.id, null);
    const [refused] = await complaints(1);
    await setEmail(head.id, 'head.card@hospital.example');
    const busyOnce = () => {
      let thrown = false;
      return () => {
        if (thrown) return;
        thrown = true;
        throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
      };
    };
    // The first refusal's transaction fails once on a lock and is run again: one refusal, counted once.
    const refuseBusy = busyOnce();
    const refusing: DirectQueue<Parameters<typeof staffNoticeQueue.save>[1]> = {
      ...staffNoticeQueue,
      address: () => (refuseBusy(), { refused: 'no e-mail address on an active staff account' }),
      due: (tx, now, quiet, limit) => staffNoticeQueue.due(tx, now, quiet, limit).filter((row) => row.feedbackId === refused),
    };
    expect(await sendDirectQueue(h.deps, refusing)).toEqual({ sent: 0, held: 0, retried: 0, failed: 1, deferred: 0 });
    expect(noticeStatuses([refused!])).toEqual(['failed']);

    const [held] = await complaints(1);
    const recordBusy = busyOnce();
    const recording: typeof staffNoticeQueue = {
      ...staffNoticeQueue,
      save: (tx, row, next) => {
        if (next.status === 'held') recordBusy();
        staffNoticeQueue.save(tx, row, next);
      },
    };
    expect(await sendDirectQueue(h.deps, recording)).toEqual({ sent: 0, held: 1, retried: 0, failed: 0, deferred: 0 });
    expect(noticeStatuses([held!])).toEqual(['held']);
  });
});
