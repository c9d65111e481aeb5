import { describe, expect, it } from 'vitest';
import { ClinicSession } from '../../src/modules/appointments/appointments.schemas.js';
import { createPatient } from '../../src/modules/patients/patients.service.js';
import { useTestHospital } from '../helpers/app.js';
import { aPatient, residentIdFor } from '../helpers/factories.js';
import { testSettings } from '../helpers/messaging.js';
import { cardiologyClinic, messagesOf } from './clinic.js';

/*
 * The patients' page without a browser: what each form answers, the SMS-code flow with its limits, links that were
 * tampered with, and the rules patients are held to (cut-off, no-show limit) that staff are not.
 */
const h = await useTestHospital({ now: '2026-11-23T02:00:00.000Z', messaging: { settings: testSettings() } });
const clinic = await cardiologyClinic(h, { capacity: 3, reserve: { web: 1, phone: 0, desk: 0 } });
const [tuesday] = await clinic.week('web');
const slots = (await clinic.session(tuesday!.id, 'web')).slots!;

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const post = (url: string, fields: Record<string, string>, cookie?: string) =>
  h.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:80', ...(cookie ? { cookie } : {}) }, payload: form(fields) });
const get = (url: string, cookie?: string) => h.app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });

/** The code as the patient reads it in the SMS the outbox holds. */
function lastCode(patientId: string): string {
  const sms = messagesOf(h, patientId).filter((m) => m.purpose === 'appointment-code').at(-1);
  return /(\d{6})/.exec(sms?.body ?? '')?.[1] ?? '';
}

async function signIn(phone: string, patientId: string): Promise<string> {
  const sent = await post('/book/signin', { phone, next: '/book/mine' });
  expect(sent.statusCode, sent.body).toBe(200);
  const verified = await post('/book/verify', { phone, code: lastCode(patientId), next: '/book/mine' });
  expect(verified.statusCode, verified.body).toBe(303);
  const cookie = String(verified.headers['set-cookie']).split(';')[0]!;
  expect(cookie).toMatch(/^hcrm_book=/);
  return cookie;
}

describe('choosing a department, a doctor and a time', () => {
  it('lists departments, the week’s clinics with free places for the web, and the slots', async () => {
    expect((await get('/book')).body).toContain(`/book?department=${clinic.departmentId}`);
    const week = await get(`/book?department=${clinic.departmentId}`);
    expect(week.statusCode).toBe(200);
    expect(week.body).toContain('李明');
    expect(week.body).toContain('主任医师 · 专家号');
    expect(week.body).toContain('余号 12'); // 4 slots × 3 places: the web may take its reserve too
    const session = await get(`/book/session/${tuesday!.id}?lang=en`);
    expect(session.body).toContain('08:00 · 3 free');
  });

  it('answers a tampered department or slot link with a page that says so, not an error', async () => {
    expect((await get('/book?department=nope')).statusCode).toBe(404);
    const slot = await get('/book/slot/%3Cscript%3E');
    expect(slot.statusCode).toBe(404);
    expect(slot.body).not.toContain('<script>');
    expect((await get('/book/session/nope')).statusCode).toBe(404);
    expect((await get('/book/done/nope')).statusCode).toBe(404);
  });

  it('shows a view-only department’s slots without a way to book them', async () => {
    const setMode = (mode: string) => h.app.inject({ method: 'PUT', url: `/api/departments/${clinic.departmentId}/booking-mode`, headers: clinic.admin.headers, payload: { mode } });
    expect((await setMode('view_only')).statusCode).toBe(200);
    try {
      const shown = await get(`/book/session/${tuesday!.id}`);
      expect(shown.statusCode).toBe(200);
      expect(shown.body).not.toContain('href="/book/slot/');
      expect(shown.body).toContain('aria-disabled="true"');
    } finally {
      expect((await setMode('direct')).statusCode).toBe(200);
    }
    expect((await get(`/book/session/${tuesday!.id}`)).body).toContain(`href="/book/slot/${slots[0]!.id}"`);
  });
});

describe('booking as a new patient', () => {
  it('books with name, mobile and resident ID and confirms in the same transaction', async () => {
    const booked = await post(`/book/slot/${slots[0]!.id}`, { name: '陈晓', phone: '13966667777', residentId: residentIdFor('1990-05-06', 'female', '110105', 41) });
    expect(booked.statusCode, booked.body).toBe(303);
    const done = await get(String(booked.headers.location));
    expect(done.body).toContain('预约成功');
    const patient = h.db.$client.prepare("SELECT id FROM patients WHERE phone = '+8613966667777'").get() as { id: string };
    expect(messagesOf(h, patient.id).map((m) => m.purpose)).toEqual(['appointment-confirmation', 'appointment-reminder', 'appointment-reminder']);
  });

  it('shows each bad field at its place and books nothing', async () => {
    const before = h.db.$client.prepare('SELECT count(*) AS n FROM appointments').get();
    const reply = await post(`/book/slot/${slots[1]!.id}`, { name: '陈晓', phone: '0101234', residentId: '123' });
    expect(reply.statusCode).toBe(400);
    expect(reply.body).toContain('请输入正确的手机号码。');
    expect(reply.body).toContain('请输入正确的18位身份证号。');
    expect(h.db.$client.prepare('SELECT count(*) AS n FROM appointments').get()).toEqual(before);
  });

  it('refuses someone else’s resident ID with another mobile: they must sign in with a code', async () => {
    const residentId = residentIdFor('1961-07-07', 'male', '110105', 42);
    await createPatient(h.system(), aPatient({ name: '杨伟', residentId, birthDate: '1961-07-07', phone: '13955554444', identifiers: [] }));
    const reply = await post(`/book/slot/${slots[1]!.id}`, { name: '杨伟', phone: '13900001234', residentId });
    expect(reply.statusCode).toBe(409);
    expect(reply.body).toContain('该身份证号已登记其他手机号');
  });

  it('refuses a form with a field sent twice or a flood of fields', async () => {
    const twice = await h.app.inject({ method: 'POST', url: `/book/slot/${slots[1]!.id}`, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:80' }, payload: 'name=a&name=b' });
    expect(twice.statusCode).toBe(400);
    const flood = await post(`/book/slot/${slots[1]!.id}`, Object.fromEntries(Array.from({ length: 50 }, (_v, i) => [`f${i}`, 'x'])));
    expect(flood.statusCode).toBe(400);
  });

  it('refuses a post from another site', async () => {
    const reply = await h.app.inject({ method: 'POST', url: `/book/slot/${slots[1]!.id}`, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' }, payload: form({ name: 'x' }) });
    expect(reply.statusCode).toBe(403);
  });
});

describe('the SMS code', async () => {
  const patient = await createPatient(h.system(), aPatient({ name: '林芳', phone: '13977778888', identifiers: [] }));

  it('is sent through the outbox at once, even in quiet hours, and only its hash is stored', async () => {
    const reply = await post('/book/signin', { phone: '139 7777 8888', next: '/book/mine' });
    expect(reply.statusCode).toBe(200);
    const code = lastCode(patient.id);
    expect(code).toMatch(/^\d{6}$/);
    const stored = JSON.stringify(h.db.$client.prepare('SELECT * FROM booking_codes').all());
    expect(stored).not.toContain(code);
    expect(stored).not.toContain('13977778888');
    const sms = h.db.$client.prepare("SELECT urgent, channel FROM messages WHERE purpose = 'appointment-code' AND patient_id = ?").get(patient.id);
    expect(sms).toEqual({ urgent: 1, channel: 'sms' });
  });

  it('answers an unknown number exactly like a known one, and sends nothing', async () => {
    const reply = await post('/book/signin', { phone: '13800000001', next: '/book/mine' });
    expect(reply.statusCode).toBe(200);
    expect(reply.body).toContain('如该号码已在本院登记');
  });

  it('locks after five wrong tries, even with the right code afterwards', async () => {
    h.clock.advance(61_000);
    await post('/book/signin', { phone: '13977778888', next: '/book/mine' });
    const right = lastCode(patient.id);
    const wrong = right === '000000' ? '111111' : '000000';
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await post('/book/verify', { phone: '13977778888', code: wrong, next: '/book/mine' })).statusCode);
    expect(statuses).toEqual([400, 400, 400, 400, 403]);
    const late = await post('/book/verify', { phone: '13977778888', code: right, next: '/book/mine' });
    expect(late.statusCode).toBe(403);
    expect(late.body).toContain('验证码错误次数过多');
  });

  it('expires after five minutes', async () => {
    h.clock.advance(61_000);
    await post('/book/signin', { phone: '13977778888', next: '/book/mine' });
    h.clock.advance(5 * 60_000 + 1);
    const reply = await post('/book/verify', { phone: '13977778888', code: lastCode(patient.id), next: '/book/mine' });
    expect(reply.statusCode).toBe(410);
  });

  it('is rate-limited per phone: one a minute, five an hour', async () => {
    h.clock.advance(61_000);
    expect((await post('/book/signin', { phone: '13977778888', next: '/book/mine' })).statusCode).toBe(200);
    const soon = await post('/book/signin', { phone: '13977778888', next: '/book/mine' });
    expect(soon.statusCode).toBe(429);
    expect(soon.headers['retry-after']).toBeDefined();
    h.clock.advance(61_000);
    expect((await post('/book/signin', { phone: '13977778888', next: '/book/mine' })).statusCode).toBe(200); // the fifth within the hour
    h.clock.advance(61_000);
    const sixth = await post('/book/signin', { phone: '13977778888', next: '/book/mine' });
    expect(sixth.statusCode).toBe(429);
    expect(sixth.body).toContain('验证码发送过于频繁');
  });

  it('never redirects outside the booking page after sign-in', async () => {
    const other = await createPatient(h.system(), aPatient({ name: '何静', phone: '13988887777', identifiers: [] }));
    await post('/book/signin', { phone: '13988887777', next: 'https://evil.example/' });
    const verified = await post('/book/verify', { phone: '13988887777', code: lastCode(other.id), next: 'https://evil.example/' });
    expect(verified.headers.location).toBe('/book/mine');
  });
});

describe('a signed-in patient', async () => {
  const patient = await createPatient(h.system(), aPatient({ name: '罗敏', phone: '13911113333', identifiers: [] }));
  const cookie = await signIn('13911113333', patient.id);

  it('books for their file, sees, moves and cancels the booking', async () => {
    const form = await get(`/book/slot/${slots[2]!.id}`, cookie);
    expect(form.body).toContain('罗敏');
    const booked = await post(`/book/slot/${slots[2]!.id}`, { patientId: patient.id }, cookie);
    expect(booked.statusCode, booked.body).toBe(303);
    let mine = await get('/book/mine', cookie);
    expect(mine.body).toContain('已预约');
    const id = /\/book\/mine\/([^/]+)\/move/.exec(mine.body)![1]!;
    const move = await get(`/book/mine/${id}/move`, cookie);
    expect(move.statusCode).toBe(200);
    const moved = await post(`/book/mine/${id}/move`, { slotId: slots[3]!.id }, cookie);
    expect(moved.statusCode, moved.body).toBe(303);
    mine = await get('/book/mine', cookie);
    const newId = /\/book\/mine\/([^/]+)\/move/.exec(mine.body)![1]!;
    expect(newId).not.toBe(id);
    expect((await post(`/book/mine/${newId}/cancel`, {}, cookie)).statusCode).toBe(303);
    expect((await get('/book/mine', cookie)).body).not.toContain('>已预约<');
  });

  it('is offered to move only into the doctor’s open clinics within the booking window', async () => {
    const addClinic = async (date: string) => {
      const reply = await h.app.inject({ method: 'POST', url: '/api/schedules', headers: clinic.admin.headers, payload: { doctorId: clinic.doctor.id, date, halfDay: 'afternoon', startTime: '14:00', endTime: '15:00', slotMinutes: 30, slotCapacity: 2 } });
      expect(reply.statusCode, reply.body).toBe(201);
      return ClinicSession.parse(reply.json());
    };
    const thursday = await addClinic('2026-11-26');
    const stopped = await addClinic('2026-11-27');
    expect((await h.app.inject({ method: 'POST', url: `/api/schedules/${stopped.id}/stop`, headers: clinic.admin.headers, payload: { reason: '医生外出会诊' } })).statusCode).toBe(200);
    const beyond = await addClinic('2026-12-08'); // the window of 14 days ends on 7 December
    const booked = await post(`/book/slot/${slots[1]!.id}`, { patientId: patient.id }, cookie);
    expect(booked.statusCode, booked.body).toBe(303);
    const id = /\/book\/mine\/([^/]+)\/move/.exec((await get('/book/mine', cookie)).body)![1]!;

    const move = await get(`/book/mine/${id}/move`, cookie);
    expect(move.statusCode).toBe(200);
    const offered = [...move.body.matchAll(/name="slotId" value="([^"]+)"/g)].map((m) => m[1]);
    expect(offered).toEqual(expect.arrayContaining([...thursday.slots!.map((x) => x.id), slots[0]!.id]));
    expect(offered).not.toContain(slots[1]!.id);
    for (const slot of [...stopped.slots!, ...beyond.slots!]) expect(offered).not.toContain(slot.id);
    const audited = h.db.$client.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'appointment.read' AND entity_id = ? AND patient_id = ?").get(id, patient.id) as { n: number };
    expect(audited.n).toBeGreaterThan(0);
    expect((await post(`/book/mine/${id}/cancel`, {}, cookie)).statusCode).toBe(303);
  });

  it('cannot book for, see or cancel another patient’s booking', async () => {
    const stranger = await createPatient(h.system(), aPatient({ name: '外人', identifiers: [] }));
    expect((await post(`/book/slot/${slots[2]!.id}`, { patientId: stranger.id }, cookie)).statusCode).toBe(404);
    const theirs = await h.app.inject({ method: 'POST', url: '/api/appointments', headers: clinic.agent.headers, payload: { slotId: slots[2]!.id, patientId: stranger.id } });
    expect((await post(`/book/mine/${theirs.json().id}/cancel`, {}, cookie)).statusCode).toBe(404);
    expect((await get(`/book/mine/${theirs.json().id}/move`, cookie)).statusCode).toBe(404);
  });

  it('is held to the cancellation cut-off, which staff are not', async () => {
    const booked = await post(`/book/slot/${slots[0]!.id}`, { patientId: patient.id }, cookie);
    expect(booked.statusCode, booked.body).toBe(303);
    h.clock.set('2026-11-23T22:30:00.000Z'); // 06:30 on the day: 90 minutes before 08:00, cut-off 2 hours
    const fresh = await signIn('13911113333', patient.id);
    const id = /\/book\/mine\/([^/]+)\/move/.exec((await get('/book/mine', fresh)).body)![1]!;
    const refused = await post(`/book/mine/${id}/cancel`, {}, fresh);
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('距就诊时间太近');
    const agent = await h.signIn('agent');
    const byStaff = await h.app.inject({ method: 'POST', url: `/api/appointments/${id}/cancel`, headers: agent.headers, payload: { reason: '患者来电' } });
    expect(byStaff.statusCode).toBe(200);
  });

  it('is sent to sign in again once the visit has ended', async () => {
    h.clock.advance(31 * 60_000);
    const reply = await get('/book/mine', cookie);
    expect(reply.statusCode).toBe(303);
    expect(reply.headers.location).toBe('/book/signin?next=%2Fbook%2Fmine');
  });
});
