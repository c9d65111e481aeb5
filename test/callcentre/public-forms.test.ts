import { describe, expect, it } from 'vitest';
import { useTestHospital } from '../helpers/app.js';

const h = await useTestHospital();
const admin = await h.signIn('admin');
const form = (url: string, fields: Record<string, string>, ip = '192.0.2.10') =>
  h.app.inject({ method: 'POST', url, remoteAddress: ip, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:80', host: 'localhost:80' }, payload: new URLSearchParams(fields).toString() });

describe('the patients\' public forms', () => {
  it('shows the question form without a session', async () => {
    const page = await h.app.inject({ method: 'GET', url: '/ask' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('向医院提问');
  });

  it('takes a question for an agent when no standard answer covers it', async () => {
    const reply = await form('/ask', { category: 'insurance', question: '异地医保能报销吗？', phone: '13600001111', replyChannel: 'sms' });
    expect(reply.statusCode, reply.body).toBe(200);
    expect(reply.body).toContain('客服人员会尽快答复');
    expect(h.db.$client.prepare("SELECT status, automatic FROM consultations WHERE question = '异地医保能报销吗？'").get()).toEqual({ status: 'open', automatic: 0 });
  });

  it('refuses an unknown category, showing why', async () => {
    const reply = await form('/ask', { category: 'lottery', question: '?', phone: '13600001111', replyChannel: 'sms' });
    expect(reply.statusCode).toBe(400);
    expect(reply.body).toContain('lottery');
  });

  it('refuses a malformed e-mail address, and an SMS answer without a phone number, storing nothing', async () => {
    const badEmail = await form('/ask', { category: 'insurance', question: '能开发票吗？', email: 'not-an-address', replyChannel: 'email' }, '192.0.2.31');
    expect(badEmail.statusCode).toBe(400);
    expect(badEmail.body).toContain('is not an e-mail address');
    const noPhone = await form('/ask', { category: 'insurance', question: '能开发票吗？', replyChannel: 'sms' }, '192.0.2.32');
    expect(noPhone.statusCode).toBe(400);
    expect(noPhone.body).toContain('give a phone number for an answer by SMS');
    expect(h.db.$client.prepare("SELECT count(*) AS n FROM consultations WHERE question = '能开发票吗？'").get()).toEqual({ n: 0 });
  });

  it('stores anonymous feedback holding <script> verbatim and never echoes it unescaped', async () => {
    const reply = await form('/feedback', { kind: 'complaint', category: 'environment', text: '<script>alert(1)</script>厕所太脏', anonymous: 'on', phone: '13600002222' }, '192.0.2.20');
    expect(reply.statusCode, reply.body).toBe(200);
    const row = h.db.$client.prepare("SELECT text, anonymous, contact_phone AS phone, source FROM feedback WHERE category = 'environment'").get();
    expect(row).toEqual({ text: '<script>alert(1)</script>厕所太脏', anonymous: 1, phone: null, source: 'web' });
    const inbox = await h.app.inject({ method: 'GET', url: '/app/feedback', headers: admin.headers });
    expect(inbox.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;厕所太脏');
    expect(inbox.body).not.toContain('<script>alert(1)');
  });

  it('limits each address to a few posts an hour (429), and refuses a flood of fields (400)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await form('/feedback', { kind: 'suggestion', category: 'other', text: `建议${i}` }, '192.0.2.30')).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const flood = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`f${i}`, 'x']));
    expect((await form('/feedback', flood, '192.0.2.40')).statusCode).toBe(400);
  });

  it('refuses a post from another site', async () => {
    const reply = await h.app.inject({ method: 'POST', url: '/feedback', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' }, payload: 'kind=praise&category=other&text=x' });
    expect(reply.statusCode).toBe(403);
  });
});
