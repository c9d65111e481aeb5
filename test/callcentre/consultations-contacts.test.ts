import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { askFromWeb } from '../../src/modules/consultations/consultations.service.js';
import { receiveInboundSms } from '../../src/modules/messaging/messaging.inbound.js';
import { addEncounter, createPatient } from '../../src/modules/patients/patients.service.js';
import { useTestHospital } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';
import { aWav } from '../helpers/security.js';

const h = await useTestHospital({ now: '2026-11-23T02:00:00.000Z' });
const agent = await h.signIn('agent');
const admin = await h.signIn('admin');
const manager = await h.signIn('manager');
const department = await h.department('GEN');
const patient = await createPatient(h.system(), aPatient({ name: '周桂英', phone: '13912340001', consent: [{ channel: 'sms', purpose: 'care', granted: true, method: 'written' }] }));
const post = (url: string, payload: object, session = agent) => h.app.inject({ method: 'POST', url, headers: session.headers, payload });

describe('consultations', () => {
  it('logs a call with question, answer and duration, and refuses an unknown category', async () => {
    const ok = await post('/api/consultations', { channel: 'phone', category: 'prices', question: '核磁共振多少钱？', answer: '平扫约600元', patientId: patient.id, durationSeconds: 95 });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ status: 'answered', agentId: agent.id, conversion: 'pending' });
    const bad = await post('/api/consultations', { channel: 'phone', category: 'lottery', question: '?' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'consultations.unknown_category', errors: [{ field: 'category' }] });
  });

  it('keeps every version of a standard answer and searches the current ones', async () => {
    const first = (await post('/api/knowledge', { category: 'address_route', title: '医院地址', body: '建国路88号，地铁1号线国贸站B口', keywords: '地址 怎么走 地铁' }, admin)).json();
    const revised = await post(`/api/knowledge/${first.articleId}/versions`, { version: 1, category: 'address_route', title: '医院地址', body: '建国路88号，地铁1号线、10号线国贸站', keywords: '地址 怎么走 地铁' }, admin);
    expect(revised.json()).toMatchObject({ version: 2, current: true });
    expect((await post(`/api/knowledge/${first.articleId}/versions`, { version: 1, category: 'address_route', title: 'x', body: 'y' }, admin)).statusCode).toBe(409);
    const found = await h.app.inject({ method: 'GET', url: `/api/knowledge?q=${encodeURIComponent('地铁')}`, headers: agent.headers });
    expect(found.json().items.map((a: { version: number }) => a.version)).toEqual([2]);
    const history = await h.app.inject({ method: 'GET', url: `/api/knowledge/${first.articleId}/versions`, headers: agent.headers });
    expect(history.json().items.map((a: { version: number }) => a.version)).toEqual([2, 1]);
  });

  it('answers a hospital-information question from the web form at once, marked automatic, through the outbox', async () => {
    const answer = await askFromWeb(h.system(), { category: 'address_route', question: '医院怎么走？', phone: '139 1234 0001', replyChannel: 'sms' }, '203.0.113.7');
    expect(answer).toMatchObject({ automatic: true, answer: expect.stringContaining('国贸站') });
    const sms = h.db.$client.prepare("SELECT body FROM messages WHERE about_type = 'consultation' AND about_id = ?").get(answer.id) as { body: string };
    expect(sms.body).toContain('国贸站');
    const other = await askFromWeb(h.system(), { category: 'results', question: '我的化验结果出来了吗？', phone: '13912340001', replyChannel: 'sms' }, '203.0.113.7');
    expect(other).toMatchObject({ automatic: false, answer: null });
  });

  it('answers a question texted to the hospital at once when a standard answer covers it, and takes each SMS once', async () => {
    receiveInboundSms(h.system(), { messageSid: 'SMq1', from: '+8613912340001', body: '请问医院怎么走？地铁几号线', idempotencyToken: undefined });
    receiveInboundSms(h.system(), { messageSid: 'SMq2', from: '+8613912340001', body: '我妈妈的化验单什么时候能取', idempotencyToken: undefined });
    for (let i = 0; i < 2; i++) expect((await h.scheduler.runNow('consultations.sms-questions', h.system())).status).toBe('succeeded');
    const rows = h.db.$client.prepare("SELECT category, automatic, status, reply_message_id AS reply FROM consultations WHERE channel = 'sms' ORDER BY created_at, id").all() as { category: string; automatic: number; status: string; reply: string | null }[];
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.automatic === 1)).toMatchObject({ category: 'address_route', status: 'answered', reply: expect.any(String) });
    expect(rows.find((r) => r.automatic === 0)).toMatchObject({ category: 'other', status: 'open' });
  });

  it('limits the public form per address', async () => {
    for (let i = 0; i < 5; i++) await askFromWeb(h.system(), { category: 'other', question: `问题${i}`, email: 'a@example.cn', replyChannel: 'email' }, '198.51.100.9');
    await expect(askFromWeb(h.system(), { category: 'other', question: '再问', email: 'a@example.cn', replyChannel: 'email' }, '198.51.100.9')).rejects.toMatchObject({ status: 429 });
  });

  it('puts a consultation not followed by a visit on the call-back list, and counts conversion', async () => {
    const visitor = await createPatient(h.system(), aPatient({ name: '吴志强' }));
    const c1 = (await post('/api/consultations', { channel: 'phone', category: 'doctor_sessions', question: '李主任哪天出诊？', patientId: visitor.id })).json();
    const c2 = (await post('/api/consultations', { channel: 'phone', category: 'doctor_sessions', question: '王主任哪天出诊？', patientId: patient.id })).json();
    await addEncounter(h.system(), visitor.id, { class: 'outpatient', status: 'finished', departmentId: department, startAt: '2026-11-25T01:00:00Z', chargesCents: 0, diagnoses: [], procedures: [] });
    h.clock.advance(15 * 86_400_000);
    const run = await h.scheduler.runNow('consultations.conversion', h.system());
    expect(run.status).toBe('succeeded');
    const read = (id: string) => h.db.$client.prepare('SELECT conversion, callback_reason AS reason FROM consultations WHERE id = ?').get(id);
    expect(read(c1.id)).toEqual({ conversion: 'converted', reason: null });
    expect(read(c2.id)).toEqual({ conversion: 'not_converted', reason: 'not_converted' });
    h.clock.set('2026-11-23T02:00:00.000Z');
  });
});

describe('contact log', () => {
  it('flags an invalid number on the patient and caps calls out per week', async () => {
    const p = await createPatient(h.system(), aPatient({ name: '郑海燕', phone: '13912340077' }));
    const invalid = await post('/api/contacts', { patientId: p.id, kind: 'call_out', address: '139-1234-0077', outcome: 'number_invalid' });
    expect(invalid.statusCode, invalid.body).toBe(201);
    const card = (await h.app.inject({ method: 'GET', url: '/api/consultations/lookup?phone=13912340077', headers: agent.headers })).json();
    expect(card.matches[0].invalidNumbers).toEqual(['+8613912340077']);
    await post('/api/contacts', { patientId: p.id, kind: 'call_out', outcome: 'no_answer' });
    await post('/api/contacts', { patientId: p.id, kind: 'call_out', outcome: 'busy' });
    const fourth = await post('/api/contacts', { patientId: p.id, kind: 'call_out', outcome: 'reached' });
    expect(fourth.statusCode).toBe(409);
    expect(fourth.json().code).toBe('contacts.weekly_cap');
  });

  it('lists logged contacts and outbox messages together for a patient', async () => {
    const list = await h.app.inject({ method: 'GET', url: `/api/contacts?patientId=${patient.id}&limit=50`, headers: agent.headers });
    const sources = new Set(list.json().items.map((c: { source: string }) => c.source));
    expect(sources).toEqual(new Set(['outbox']));
    await post('/api/contacts', { patientId: patient.id, kind: 'call_in', outcome: 'reached', summary: '问复诊' });
    const again = await h.app.inject({ method: 'GET', url: `/api/contacts?patientId=${patient.id}&limit=50`, headers: agent.headers });
    expect(new Set(again.json().items.map((c: { source: string }) => c.source))).toEqual(new Set(['outbox', 'log']));
  });

  it('lets a manager score the contacts of their own department\'s staff only, and finds contacts by staff and period', async () => {
    const nurse = await h.signIn('nurse', { departmentId: department });
    const logged = (await post('/api/contacts', { patientId: patient.id, kind: 'call_out', outcome: 'reached', summary: '术后随访电话' }, nurse)).json();
    const otherManager = await h.signIn('manager', { departmentId: await h.department('ORTH', '骨科') });
    expect((await post(`/api/contacts/${logged.id}/review`, { score: 2 }, otherManager)).statusCode).toBe(404);
    const scored = await post(`/api/contacts/${logged.id}/review`, { score: 5, note: '解释清楚' }, manager);
    expect(scored.json()).toMatchObject({ qualityScore: 5, qualityNote: '解释清楚' });
    const byStaff = await h.app.inject({ method: 'GET', url: `/api/contacts?staffId=${nurse.id}&from=2026-11-23T00:00:00Z&to=2026-11-24T00:00:00Z`, headers: manager.headers });
    expect(byStaff.json().items.map((c: { id: string }) => c.id)).toEqual([logged.id]);
    const before = await h.app.inject({ method: 'GET', url: `/api/contacts?staffId=${nurse.id}&to=2026-11-22T00:00:00Z`, headers: manager.headers });
    expect(before.json().items).toEqual([]);
  });

  it("shows an agent only their own contacts: another agent's are refused by name and left out of a search by period", async () => {
    const colleague = await h.signIn('agent', { departmentId: department });
    const mine = (await post('/api/contacts', { patientId: patient.id, kind: 'call_in', outcome: 'reached', summary: '问挂号' })).json();
    const theirs = (await post('/api/contacts', { patientId: patient.id, kind: 'call_out', outcome: 'reached', summary: '回访' }, colleague)).json();
    const list = (query: string, session = agent) => h.app.inject({ method: 'GET', url: `/api/contacts?${query}&limit=100`, headers: session.headers });

    const refused = await list(`staffId=${colleague.id}`);
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({ code: 'contacts.own_only', errors: [{ field: 'staffId', code: 'own_only' }] });

    const byPeriod = (await list('from=2026-11-01T00:00:00Z')).json().items.map((c: { id: string }) => c.id);
    expect(byPeriod).toContain(mine.id);
    expect(byPeriod).not.toContain(theirs.id);
    expect((await list(`staffId=${agent.id}`)).json().items.map((c: { staffId: string }) => c.staffId)).toEqual(expect.arrayContaining([agent.id]));
    expect(new Set((await list('from=2026-11-01T00:00:00Z')).json().items.map((c: { staffId: string }) => c.staffId))).toEqual(new Set([agent.id]));
    // The patient's log stays whole for whoever serves the patient, and managers see every staff member's work.
    expect((await list(`patientId=${patient.id}`)).json().items.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining([mine.id, theirs.id]));
    expect((await list(`staffId=${colleague.id}`, manager)).json().items.map((c: { id: string }) => c.id)).toEqual([theirs.id]);
  });

  it("holds a manager to their own department's staff: another's are refused by name and left out of a search by period", async () => {
    const eyeManager = await h.signIn('manager', { departmentId: await h.department('EYE', '眼科') });
    const eyeAgent = await h.signIn('agent', { departmentId: await h.department('EYE', '眼科') });
    const genAgent = await h.signIn('agent', { departmentId: department });
    const logged = async (session: typeof agent, summary: string) => {
      const reply = await post('/api/contacts', { patientId: patient.id, kind: 'call_in', outcome: 'reached', summary }, session);
      expect(reply.statusCode, reply.body).toBe(201);
      return reply.json() as { id: string };
    };
    const eyes = await logged(eyeAgent, '问复查');
    const gens = await logged(genAgent, '问挂号');
    const list = (query: string, session = eyeManager) => h.app.inject({ method: 'GET', url: `/api/contacts?${query}&limit=100`, headers: session.headers });

    const refused = await list(`staffId=${genAgent.id}`);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'contacts.other_department', errors: [{ field: 'staffId', code: 'other_department' }] });
    expect((await list(`staffId=${eyeAgent.id}`)).json().items.map((c: { id: string }) => c.id)).toEqual([eyes.id]);
    const byPeriod = (await list('from=2026-11-01T00:00:00Z')).json().items.map((c: { id: string }) => c.id);
    expect(byPeriod).toContain(eyes.id);
    expect(byPeriod).not.toContain(gens.id);
    // An administrator sees everyone's.
    expect((await list('from=2026-11-01T00:00:00Z', admin)).json().items.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining([eyes.id, gens.id]));
  });

  it('puts consultations and contacts on the patient\'s timeline, next to the outbox messages', async () => {
    const timeline = await h.app.inject({ method: 'GET', url: `/api/patients/${patient.id}/timeline?limit=100`, headers: agent.headers });
    const kinds = new Set(timeline.json().items.map((e: { kind: string }) => e.kind));
    for (const kind of ['consultation', 'contact', 'message']) expect(kinds).toContain(kind);
  });

  it('stores a recording with its checksum, plays it to managers only, and deletes it after retention', async () => {
    const call = (await post('/api/contacts', { patientId: patient.id, kind: 'call_in', outcome: 'reached' })).json();
    const wav = aWav();
    const up = await h.app.inject({ method: 'POST', url: `/api/contacts/${call.id}/recordings`, headers: { ...agent.headers, 'content-type': 'audio/wav' }, payload: wav });
    expect(up.statusCode, up.body).toBe(201);
    expect(up.json()).toMatchObject({ size: wav.length, mediaType: 'audio/wav', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect((await h.app.inject({ method: 'GET', url: `/api/recordings/${up.json().id}`, headers: agent.headers })).statusCode).toBe(403);
    const played = await h.app.inject({ method: 'GET', url: `/api/recordings/${up.json().id}`, headers: manager.headers });
    expect(played.statusCode).toBe(200);
    expect(played.rawPayload.equals(wav)).toBe(true);
    const file = (h.db.$client.prepare('SELECT file FROM call_recordings WHERE id = ?').get(up.json().id) as { file: string }).file;
    const path = join(h.deps.callcentre.settings.recordingsDir, file);
    expect(existsSync(path)).toBe(true);
    h.clock.advance(366 * 86_400_000);
    await h.scheduler.runNow('contacts.recording-retention', h.system());
    expect(existsSync(path)).toBe(false);
    h.clock.set('2026-11-23T02:00:00.000Z');
  });

  it('refuses mislabelled and oversized uploads with a problem that says why', async () => {
    const call = (await post('/api/contacts', { patientId: patient.id, kind: 'call_in', outcome: 'reached' })).json();
    const upload = (type: string, body: Buffer) => h.app.inject({ method: 'POST', url: `/api/contacts/${call.id}/recordings`, headers: { ...agent.headers, 'content-type': type }, payload: body });
    const mislabelled = await upload('audio/mpeg', aWav());
    expect(mislabelled.statusCode).toBe(400);
    expect(mislabelled.json().detail).toContain('labelled audio/mpeg but its content is audio/wav');
    const notAudio = await upload('audio/wav', Buffer.from('%PDF-1.7 this is not a call recording'));
    expect(notAudio.statusCode).toBe(400);
    const tooBig = await upload('audio/wav', Buffer.concat([aWav(), Buffer.alloc(h.deps.callcentre.settings.recordingMaxBytes)]));
    expect(tooBig.statusCode).toBe(413);
    expect(h.db.$client.prepare('SELECT count(*) AS n FROM call_recordings WHERE contact_id = ?').get(call.id)).toEqual({ n: 0 });
  });

  it('keeps recordings for calls only, and answers 404 for a recording that does not exist', async () => {
    const letter = (await post('/api/contacts', { patientId: patient.id, kind: 'letter', outcome: 'reached', summary: '寄送复诊通知' })).json();
    const upload = await h.app.inject({ method: 'POST', url: `/api/contacts/${letter.id}/recordings`, headers: { ...agent.headers, 'content-type': 'audio/wav' }, payload: aWav() });
    expect(upload.statusCode).toBe(409);
    expect(upload.json().code).toBe('contacts.not_a_call');
    expect(h.db.$client.prepare('SELECT count(*) AS n FROM call_recordings WHERE contact_id = ?').get(letter.id)).toEqual({ n: 0 });
    const missing = await h.app.inject({ method: 'GET', url: '/api/recordings/no-such-recording', headers: manager.headers });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('contacts.recording_not_found');
  });
});
