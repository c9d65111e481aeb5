import twilio from 'twilio';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/lib/transaction.js';
import { twilioChannel } from '../../src/modules/messaging/channels/index.js';
import { dispatchDueMessages, enqueueMessage } from '../../src/modules/messaging/messaging.service.js';
import { InboundPage } from '../../src/modules/messaging/messaging.schemas.js';
import { expectedTwilioSignature } from '../../src/modules/messaging/twilio-signature.js';
import { createPatient } from '../../src/modules/patients/patients.service.js';
import { useTestHospital } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';
import { reminderVariables, testSettings, testTemplates } from '../helpers/messaging.js';
import { FakeTwilio } from '../helpers/twilio-server.js';

/*
 * SMS through the real twilio library against a loopback server that speaks Twilio's Messages API, and Twilio's
 * callbacks signed exactly as Twilio signs them (twilio.getExpectedTwilioSignature).
 */
const ACCOUNT = 'AC0123456789abcdef0123456789abcdef';
const AUTH_TOKEN = 'twilio-test-auth-token';
const PUBLIC_URL = 'https://crm.hospital.example';
const fake = await new FakeTwilio(ACCOUNT, { username: ACCOUNT, password: AUTH_TOKEN }).start();
afterAll(() => fake.stop());
const config = { accountSid: ACCOUNT, authToken: AUTH_TOKEN, apiKey: undefined, from: '+15005550006', messagingServiceSid: undefined, apiBaseUrl: fake.url };
const sms = twilioChannel(config, PUBLIC_URL);
const h = await useTestHospital({
  extraTemplates: [testTemplates],
  messaging: { settings: testSettings({ publicUrl: PUBLIC_URL }), channels: { sms, email: sms }, twilioAuthToken: AUTH_TOKEN },
});
let serial = 0;

beforeEach(() => {
  fake.down = false;
  fake.tooManyRequests = 0;
});

async function queuedSms(phone = `139${String(10_000_000 + ++serial * 7).slice(-8)}`) {
  const patient = await createPatient(h.system(), aPatient({ identifiers: [], phone }));
  const queued = inTransaction(h.deps, (tx) =>
    enqueueMessage(tx, h.system(), { purpose: 'appointment-reminder', category: 'care', patientId: patient.id, template: 'test.reminder', variables: reminderVariables, scheduledAt: h.clock.now(), dedupeKey: `twilio:${++serial}` }),
  );
  return { patient, id: queued.id, to: `+86${phone}` };
}
const row = (id: string) => h.db.$client.prepare('SELECT * FROM messages WHERE id = ?').get(id) as Record<string, unknown>;

function signed(path: string, params: Record<string, string>, headers: Record<string, string> = {}) {
  const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC_URL}${path}`, params);
  return h.app.inject({
    method: 'POST',
    url: path,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature, ...headers },
    payload: new URLSearchParams(params).toString(),
  });
}

describe('sending through Twilio', () => {
  it('posts the message with the sender, our status callback and the outbox id as idempotency key', async () => {
    const { id, to } = await queuedSms();
    await dispatchDueMessages(h.deps);
    const received = fake.messages.find((m) => m.idempotencyKey === id);
    expect(received).toMatchObject({ to, from: '+15005550006', body: '张三丰您好，您已预约心内科李明医生11月24日 09:30的门诊，请按时就诊。', statusCallback: `${PUBLIC_URL}/webhooks/twilio/status?m=${id}` });
    expect(row(id)).toMatchObject({ status: 'sent', provider: 'twilio', provider_id: received!.sid, attempts: 1 });
  });

  it('fails an invalid number (21211) and an unsubscribed recipient (21610) with the reason, without retrying', async () => {
    const invalid = await queuedSms();
    const unsubscribed = await queuedSms();
    fake.invalidNumbers.add(invalid.to);
    fake.unsubscribed.add(unsubscribed.to);
    await dispatchDueMessages(h.deps);
    expect(row(invalid.id)).toMatchObject({ status: 'failed', error_code: '21211', error: expect.stringContaining('is not a valid phone number') });
    expect(row(unsubscribed.id)).toMatchObject({ status: 'failed', error_code: '21610', error: 'Attempt to send to unsubscribed recipient' });
  });

  it('backs off after a 429 and sends once the minute is over', async () => {
    const { id } = await queuedSms();
    fake.tooManyRequests = 1;
    await dispatchDueMessages(h.deps);
    expect(row(id)).toMatchObject({ status: 'queued', attempts: 1, error_code: '20429' });
    await dispatchDueMessages(h.deps);
    expect(row(id)['status']).toBe('queued');
    h.clock.advance(60_000);
    await dispatchDueMessages(h.deps);
    expect(row(id)).toMatchObject({ status: 'sent', attempts: 2, error_code: null });
  });

  it('keeps messages queued while Twilio is down, retrying with growing delays, and loses none', async () => {
    const messages = [await queuedSms(), await queuedSms(), await queuedSms()];
    fake.down = true;
    await dispatchDueMessages(h.deps);
    const firstDue = row(messages[0]!.id)['due_at'] as string;
    expect(messages.map((m) => row(m.id)['status'])).toEqual(['queued', 'queued', 'queued']);
    expect(new Date(firstDue).getTime() - h.clock.now().getTime()).toBe(30_000);
    h.clock.advance(30_000);
    await dispatchDueMessages(h.deps);
    expect(new Date(row(messages[0]!.id)['due_at'] as string).getTime() - h.clock.now().getTime()).toBe(60_000);
    fake.down = false;
    h.clock.advance(60_000);
    await dispatchDueMessages(h.deps);
    expect(messages.map((m) => row(m.id))).toEqual(messages.map(() => expect.objectContaining({ status: 'sent', attempts: 3 })));
    for (const m of messages) expect(fake.messages.filter((s) => s.idempotencyKey === m.id)).toHaveLength(1);
  });

  it('does not send twice after a crash between Twilio\'s answer and our commit, even where keys are not honoured', async () => {
    fake.honoursIdempotencyKeys = false; // as api.twilio.com itself, which documents no Idempotency-Key
    try {
      const { id } = await queuedSms();
      // What a crash leaves behind: Twilio accepted the message, our row still says `sending` under a lapsed lease.
      const accepted = await sms.send({ id, to: row(id)['recipient'] as string, body: row(id)['body'] as string, subjectLine: null, category: 'care', locale: 'zh-CN', unsubscribeUrl: null });
      h.db.$client.prepare("UPDATE messages SET status = 'sending', attempts = 1, lease_owner = 'dead', lease_until = ? WHERE id = ?").run(h.clock.now().toISOString(), id);
      const postsBefore = fake.requests;
      await dispatchDueMessages(h.deps);
      expect(fake.requests).toBe(postsBefore);
      expect(fake.messages.filter((s) => s.idempotencyKey === id)).toHaveLength(1);
      expect(row(id)).toMatchObject({ status: 'sent', attempts: 2, provider_id: accepted.kind === 'accepted' ? accepted.providerId : 'x' });
    } finally {
      fake.honoursIdempotencyKeys = true;
    }
  });

  it('sends a leftover `sending` message that Twilio never received', async () => {
    const { id } = await queuedSms();
    h.db.$client.prepare("UPDATE messages SET status = 'sending', attempts = 1, lease_owner = 'dead', lease_until = ? WHERE id = ?").run(h.clock.now().toISOString(), id);
    await dispatchDueMessages(h.deps);
    expect(fake.messages.filter((s) => s.idempotencyKey === id)).toHaveLength(1);
    expect(row(id)).toMatchObject({ status: 'sent' });
  });

  it('sends each of two identical leftovers to one number once, whether Twilio had neither or one of them', async () => {
    fake.honoursIdempotencyKeys = false;
    try {
      for (const alreadyAtTwilio of [0, 1]) {
        const phone = `137${String(10_000_000 + ++serial * 7).slice(-8)}`;
        const patient = await createPatient(h.system(), aPatient({ identifiers: [], phone }));
        const twins = inTransaction(h.deps, (tx) =>
          [1, 2].map((n) => enqueueMessage(tx, h.system(), { purpose: 'appointment-reminder', category: 'care', patientId: patient.id, template: 'test.reminder', variables: reminderVariables, scheduledAt: h.clock.now(), dedupeKey: `twins:${serial}:${n}` }).id),
        );
        for (const id of twins.slice(0, alreadyAtTwilio)) {
          await sms.send({ id, to: row(id)['recipient'] as string, body: row(id)['body'] as string, subjectLine: null, category: 'care', locale: 'zh-CN', unsubscribeUrl: null });
        }
        for (const id of twins) h.db.$client.prepare("UPDATE messages SET status = 'sending', attempts = 1, lease_owner = 'dead', lease_until = ? WHERE id = ?").run(h.clock.now().toISOString(), id);

        // One at a time, so the second twin is looked up after the first went out: that message is not the dead run's.
        await dispatchDueMessages(h.deps, { concurrency: 1 });

        const texted = fake.messages.filter((m) => m.to === `+86${phone}`);
        expect(texted, `with ${alreadyAtTwilio} already at Twilio`).toHaveLength(2);
        expect(twins.map((id) => row(id)['status'])).toEqual(['sent', 'sent']);
        expect(new Set(twins.map((id) => row(id)['provider_id']))).toEqual(new Set(texted.map((m) => m.sid)));
      }
    } finally {
      fake.honoursIdempotencyKeys = true;
    }
  });

  it('authenticates with an API key and sends from a messaging service', async () => {
    const keyed = await new FakeTwilio(ACCOUNT, { username: 'SK0123456789abcdef0123456789abcdef', password: 'key-secret' }).start();
    const channel = twilioChannel(
      { ...config, authToken: undefined, apiKey: { sid: 'SK0123456789abcdef0123456789abcdef', secret: 'key-secret' }, from: undefined, messagingServiceSid: 'MG0123456789abcdef0123456789abcdef', apiBaseUrl: keyed.url },
      PUBLIC_URL,
    );
    const outcome = await channel.send({ id: 'm-1', to: '+8613900000001', body: 'hello', subjectLine: null, category: 'care', locale: 'en', unsubscribeUrl: null });
    expect(outcome).toMatchObject({ kind: 'accepted', status: 'sent' });
    expect(keyed.messages[0]).toMatchObject({ messagingServiceSid: 'MG0123456789abcdef0123456789abcdef', from: null });
    const wrong = twilioChannel({ ...config, authToken: 'wrong', apiBaseUrl: keyed.url }, PUBLIC_URL);
    expect(await wrong.send({ id: 'm-2', to: '+8613900000001', body: 'hello', subjectLine: null, category: 'care', locale: 'en', unsubscribeUrl: null })).toMatchObject({ kind: 'transient', code: '20003' });
    await keyed.stop();
  });
});

describe('status callbacks', () => {
  it('computes X-Twilio-Signature exactly as the twilio library does', () => {
    const cases: Record<string, string | string[]>[] = [
      { MessageSid: 'SM1', MessageStatus: 'delivered' },
      { Body: '请不要再发了', From: '+8613912345678', To: '+15005550006' },
      { MediaUrl: ['https://b.example/2', 'https://a.example/1'], NumMedia: '2' },
    ];
    for (const params of cases) {
      const url = `${PUBLIC_URL}/webhooks/twilio/status?m=abc`;
      const ours = expectedTwilioSignature(AUTH_TOKEN, url, params);
      expect(ours).toBe(twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, params));
      expect(twilio.validateRequest(AUTH_TOKEN, ours, url, params)).toBe(true);
    }
  });

  it('records delivery, and recognises a retried callback by its idempotency token', async () => {
    const { id } = await queuedSms();
    await dispatchDueMessages(h.deps);
    const sid = row(id)['provider_id'] as string;
    const path = `/webhooks/twilio/status?m=${id}`;
    const first = await signed(path, { MessageSid: sid, MessageStatus: 'sent', AccountSid: ACCOUNT }, { 'i-twilio-idempotency-token': 'tok-1' });
    expect(first.statusCode, first.body).toBe(204);
    // The same token again (Twilio retrying): ignored, whatever it says.
    const retried = await signed(path, { MessageSid: sid, MessageStatus: 'undelivered', AccountSid: ACCOUNT }, { 'i-twilio-idempotency-token': 'tok-1' });
    expect(retried.statusCode).toBe(204);
    expect(row(id)['status']).toBe('sent');
    const delivered = await signed(path, { MessageSid: sid, MessageStatus: 'delivered', AccountSid: ACCOUNT }, { 'i-twilio-idempotency-token': 'tok-2' });
    expect(delivered.statusCode).toBe(204);
    expect(row(id)).toMatchObject({ status: 'delivered', delivered_at: h.clock.now().toISOString() });
  });

  it('records a carrier\'s undelivered with its error code', async () => {
    const { id } = await queuedSms();
    await dispatchDueMessages(h.deps);
    const reply = await signed(`/webhooks/twilio/status?m=${id}`, { MessageSid: row(id)['provider_id'] as string, MessageStatus: 'undelivered', ErrorCode: '30005' });
    expect(reply.statusCode).toBe(204);
    expect(row(id)).toMatchObject({ status: 'undelivered', error_code: '30005' });
  });

  it('answers 404 naming the ids for a callback about a message we never sent', async () => {
    const reply = await signed('/webhooks/twilio/status?m=not-ours', { MessageSid: 'SMdeadbeef', MessageStatus: 'delivered' });
    expect(reply.statusCode).toBe(404);
    expect(reply.json()).toMatchObject({ code: 'messaging.unknown_message', detail: expect.stringContaining('SMdeadbeef') });
  });

  it('answers 400 naming what is missing for a signed callback without its message id or status', async () => {
    const reply = await signed('/webhooks/twilio/status', { AccountSid: ACCOUNT });
    expect(reply.statusCode).toBe(400);
    expect(reply.json()).toMatchObject({ code: 'messaging.bad_callback' });
  });

  it('refuses unsigned, forged and re-addressed callbacks with 403', async () => {
    const { id } = await queuedSms();
    const params = { MessageSid: 'SM1', MessageStatus: 'delivered' };
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const payload = new URLSearchParams(params).toString();
    const unsigned = await h.app.inject({ method: 'POST', url: `/webhooks/twilio/status?m=${id}`, headers: form, payload });
    const forged = await h.app.inject({ method: 'POST', url: `/webhooks/twilio/status?m=${id}`, headers: { ...form, 'x-twilio-signature': twilio.getExpectedTwilioSignature('not-the-token', `${PUBLIC_URL}/webhooks/twilio/status?m=${id}`, params) }, payload });
    const otherUrl = await h.app.inject({ method: 'POST', url: `/webhooks/twilio/status?m=${id}`, headers: { ...form, 'x-twilio-signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC_URL}/webhooks/twilio/status?m=other`, params) }, payload });
    for (const reply of [unsigned, forged, otherUrl]) {
      expect(reply.statusCode).toBe(403);
      expect(reply.json()).toMatchObject({ code: 'messaging.bad_signature' });
    }
    expect(row(id)['status']).toBe('queued');
  });
});

describe('inbound SMS', () => {
  const consent = (patientId: string) =>
    h.db.$client.prepare("SELECT purpose, granted, method FROM patient_consents WHERE patient_id = ? AND channel = 'sms' ORDER BY purpose").all(patientId);
  const inbound = (from: string, body: string, sid = `SMin${++serial}`) => signed('/webhooks/twilio/inbound', { MessageSid: sid, From: from, To: '+15005550006', Body: body });

  it.each(['STOP', 'stop', ' Unsubscribe ', 'STOPALL', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT', '退订', 'TD', 't'])('opts the patient out of SMS on "%s" and cancels their queued SMS', async (word) => {
    const { patient, id, to } = await queuedSms();
    const reply = await inbound(to, word);
    expect(reply.statusCode, reply.body).toBe(200);
    expect(reply.headers['content-type']).toMatch(/text\/xml/);
    expect(reply.body).toContain('您已退订本院短信');
    expect(consent(patient.id)).toEqual([
      { purpose: 'care', granted: 0, method: 'sms_reply' },
      { purpose: 'marketing', granted: 0, method: 'sms_reply' },
    ]);
    expect(row(id)).toMatchObject({ status: 'cancelled', error: 'the patient replied STOP' });
    expect(h.db.$client.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'patient.consent.update' AND patient_id = ?").get(patient.id)).toEqual({ n: 1 });
  });

  it('opts back in on START, YES or UNSTOP', async () => {
    const { patient, to } = await queuedSms();
    await inbound(to, 'STOP');
    for (const word of ['START', 'yes', 'UNSTOP']) {
      const reply = await inbound(to, word);
      expect(reply.body).toContain('重新订阅');
    }
    expect(consent(patient.id)).toEqual([
      { purpose: 'care', granted: 1, method: 'sms_reply' },
      { purpose: 'marketing', granted: 1, method: 'sms_reply' },
    ]);
  });

  it('answers HELP and INFO with the hospital\'s contact, changing nothing', async () => {
    const { patient, to } = await queuedSms();
    for (const word of ['HELP', 'info']) expect((await inbound(to, word)).body).toContain('北京示例医院 客服 010-12345678');
    expect(consent(patient.id)).toEqual([{ purpose: 'care', granted: 1, method: 'written' }]);
  });

  it('puts replies that read like an opt-out on the review list, where an agent records the opt-out', async () => {
    const { patient, to } = await queuedSms();
    await inbound(to, '请不要再发了');
    await inbound(to, 'Stop. Thank you');
    await inbound(to, '谢谢医生');
    expect(consent(patient.id)).toEqual([{ purpose: 'care', granted: 1, method: 'written' }]);

    const agent = await h.signIn('agent');
    const list = await h.app.inject({ method: 'GET', url: '/api/messages/inbound', headers: agent.headers });
    expect(list.statusCode, list.body).toBe(200);
    const waiting = InboundPage.parse(list.json()).items.filter((i) => i.patientId === patient.id);
    expect(waiting.map((i) => i.body).sort()).toEqual(['Stop. Thank you', '请不要再发了']);

    const resolved = await h.app.inject({ method: 'POST', url: `/api/messages/inbound/${waiting[0]!.id}/resolve`, headers: agent.headers, payload: { resolution: 'opt_out' } });
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect(resolved.json()).toMatchObject({ status: 'reviewed', resolution: 'opt_out', reviewedBy: agent.username });
    expect(consent(patient.id)).toEqual([
      { purpose: 'care', granted: 0, method: 'sms_reply' },
      { purpose: 'marketing', granted: 0, method: 'sms_reply' },
    ]);
    const again = await h.app.inject({ method: 'POST', url: `/api/messages/inbound/${waiting[0]!.id}/resolve`, headers: agent.headers, payload: { resolution: 'no_action' } });
    expect(again.statusCode).toBe(404);
  });

  it('handles a redelivered inbound message once', async () => {
    const { patient, to } = await queuedSms();
    await inbound(to, 'STOP', 'SMrepeat1');
    await inbound(to, 'STOP', 'SMrepeat1');
    expect(h.db.$client.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'patient.consent.update' AND patient_id = ?").get(patient.id)).toEqual({ n: 1 });
  });

  it('refuses an unsigned inbound message', async () => {
    const reply = await h.app.inject({ method: 'POST', url: '/webhooks/twilio/inbound', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'MessageSid=SMx&From=%2B8613900000000&Body=STOP' });
    expect(reply.statusCode).toBe(403);
  });
});
