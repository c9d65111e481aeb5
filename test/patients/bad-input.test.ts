import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { Problem } from '../../src/lib/problem.js';
import { PatientFile, PatientPage } from '../../src/modules/patients/patients.schemas.js';
import { useTestHospital } from '../helpers/app.js';
import { aPatient, residentIdFor } from '../helpers/factories.js';

const h = await useTestHospital();
const agent = await h.signIn('agent');
const json = { ...agent.headers, 'content-type': 'application/json' };

/** Asserts an RFC 9457 problem with our fields, whose requestId is the one the reply header carries. */
function expectProblem(reply: LightMyRequestResponse, status: number, code?: string): Problem {
  expect(reply.statusCode, reply.body).toBe(status);
  expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = Problem.parse(reply.json());
  expect(problem).toMatchObject({ status, type: expect.stringMatching(/^https:\/\//), title: expect.any(String), detail: expect.any(String) });
  expect(problem.requestId).toBe(reply.headers['x-request-id']);
  if (code) expect(problem.code).toBe(code);
  return problem;
}

const fieldsOf = (problem: Problem) => (problem.errors ?? []).map((e) => e.field).sort();

async function post(payload: unknown) {
  return h.app.inject({ method: 'POST', url: '/api/patients', headers: agent.headers, payload: payload as object });
}

describe('malformed requests', () => {
  it('answers malformed JSON with a 400 problem that says so', async () => {
    const reply = await h.app.inject({ method: 'POST', url: '/api/patients', headers: json, payload: '{"name": "张三", "gender": ' });
    const problem = expectProblem(reply, 400, 'request.malformed');
    expect(problem.detail).toMatch(/JSON/);
  });

  it('answers an empty JSON body with a 400 problem', async () => {
    expectProblem(await h.app.inject({ method: 'POST', url: '/api/patients', headers: json, payload: '' }), 400);
  });

  it('refuses a body that tries to set __proto__', async () => {
    const reply = await h.app.inject({ method: 'POST', url: '/api/patients', headers: json, payload: '{"name":"张三","gender":"male","__proto__":{"admin":true}}' });
    expectProblem(reply, 400);
  });

  it('answers a body of another media type with 415', async () => {
    const reply = await h.app.inject({ method: 'POST', url: '/api/patients', headers: { ...agent.headers, 'content-type': 'application/xml' }, payload: '<patient><name>张三</name></patient>' });
    expectProblem(reply, 415, 'request.unsupported_media_type');
  });

  it('answers a body larger than 256 KiB with 413 and stores nothing', async () => {
    const before = h.db.$client.prepare('SELECT count(*) AS n FROM patients').get();
    const reply = await post(aPatient({ pastHistory: 'x'.repeat(300 * 1024) }));
    expectProblem(reply, 413, 'request.too_large');
    expect(h.db.$client.prepare('SELECT count(*) AS n FROM patients').get()).toEqual(before);
  });

  it('answers a JSON array or a bare value instead of an object with a 400 problem', async () => {
    for (const body of ['[]', '"张三"', '42', 'null']) {
      expectProblem(await h.app.inject({ method: 'POST', url: '/api/patients', headers: json, payload: body }), 400);
    }
  });
});

describe('validation problems name each field', () => {
  it('names every field of the wrong type', async () => {
    const problem = expectProblem(await post({ name: 123, gender: 'M', birthDate: 19680412, tags: '高血压', consent: [{ channel: 'fax', purpose: 'care', granted: 'yes', method: 'written' }] }), 400, 'request.invalid');
    expect(fieldsOf(problem)).toEqual(['birthDate', 'consent.0.channel', 'consent.0.granted', 'gender', 'name', 'tags']);
  });

  it('refuses unknown fields and names them, at the top level and inside objects', async () => {
    const problem = expectProblem(await post({ ...aPatient(), nickname: '老张', address: { province: '北京市', zip: '100000' } }), 400, 'request.invalid');
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        { field: 'nickname', code: 'unknown_field', message: expect.any(String) },
        { field: 'address.zip', code: 'unknown_field', message: expect.any(String) },
      ]),
    );
  });

  it('refuses unknown query parameters on search', async () => {
    const problem = expectProblem(await h.app.inject({ method: 'GET', url: '/api/patients?q=zhang&sort=name', headers: agent.headers }), 400);
    expect(problem.errors).toEqual([expect.objectContaining({ field: 'sort', code: 'unknown_field' })]);
  });

  it('refuses a resident ID with a wrong check character', async () => {
    const good = residentIdFor('1968-04-12', 'male');
    const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    const problem = expectProblem(await post(aPatient({ residentId: bad })), 400, 'patients.invalid');
    expect(problem.errors).toEqual([expect.objectContaining({ field: 'residentId', code: 'resident_id_checksum' })]);
  });

  it('refuses a birth date in the future, one that does not exist, and one in the wrong format', async () => {
    const future = expectProblem(await post(aPatient({ birthDate: '2027-01-01', residentId: null })), 400);
    expect(future.errors).toEqual([expect.objectContaining({ field: 'birthDate', code: 'future_date' })]);
    const impossible = expectProblem(await post(aPatient({ birthDate: '2023-02-30', residentId: null })), 400);
    expect(impossible.errors).toEqual([expect.objectContaining({ field: 'birthDate', code: 'invalid_date' })]);
    const format = expectProblem(await post(aPatient({ birthDate: '1968-4-12', residentId: null })), 400);
    expect(fieldsOf(format)).toEqual(['birthDate']);
  });

  it('refuses malformed phone numbers, including those of emergency contacts', async () => {
    for (const phone of ['12345', 'abc-defg', '1391000791', '+86 139 1000 79190']) {
      const problem = expectProblem(await post(aPatient({ phone })), 400);
      expect(problem.errors).toEqual([expect.objectContaining({ field: 'phone', code: 'invalid_phone' })]);
    }
    const contact = expectProblem(await post(aPatient({ emergencyContacts: [{ name: '李四', relationship: '朋友', phone: '000' }] })), 400);
    expect(contact.errors).toEqual([expect.objectContaining({ field: 'emergencyContacts.0.phone', code: 'invalid_phone' })]);
  });

  it('lists every invalid field of a request at once', async () => {
    const problem = expectProblem(await post(aPatient({ birthDate: '2023-02-30', phone: '123', residentId: '110105196804121230' })), 400);
    expect(fieldsOf(problem)).toEqual(['birthDate', 'phone', 'residentId']);
  });

  it('refuses an invalid e-mail address and an unknown gender', async () => {
    const problem = expectProblem(await post(aPatient({ email: 'zhang@', gender: 'M' as never })), 400);
    expect(fieldsOf(problem)).toEqual(['email', 'gender']);
  });

  it('refuses a non-ICD-10 diagnosis code on an encounter', async () => {
    const admin = await h.signIn('admin');
    const department = await h.department('CARD');
    const patient = PatientFile.parse((await post(aPatient({ identifiers: [] }))).json());
    const reply = await h.app.inject({
      method: 'POST',
      url: `/api/patients/${patient.id}/encounters`,
      headers: admin.headers,
      payload: { class: 'outpatient', departmentId: department, startAt: '2026-11-20T01:00:00Z', diagnoses: [{ code: '高血压', text: '高血压' }], chargesCents: -5 },
    });
    expect(fieldsOf(expectProblem(reply, 400))).toEqual(['chargesCents', 'diagnoses.0.code']);
  });
});

describe('hostile text is data', () => {
  it('keeps SQL and <script> verbatim in storage and in replies', async () => {
    const name = "Robert'); DROP TABLE patients;--";
    const occupation = '<script>alert("x")</script>';
    const detail = `1' OR '1'='1"; --`;
    const mrn = "MRN'; DELETE FROM patient_identifiers; --";
    const created = await post(aPatient({ name, occupation, address: { province: '北京市', detail }, tags: ['<img src=x onerror=alert(1)>'], identifiers: [{ system: 'his-mrn', value: mrn }] }));
    expect(created.statusCode, created.body).toBe(201);
    const file = PatientFile.parse(created.json());
    expect(file).toMatchObject({ name, occupation, address: { detail }, tags: ['<img src=x onerror=alert(1)>'], identifiers: [{ system: 'his-mrn', value: mrn }] });
    expect(created.body).toContain('<script>alert(\\"x\\")</script>');

    const stored = h.db.$client.prepare('SELECT name, occupation, address_detail FROM patients WHERE id = ?').get(file.id);
    expect(stored).toEqual({ name, occupation, address_detail: detail });

    const found = await h.app.inject({ method: 'GET', url: `/api/patients?q=${encodeURIComponent(mrn)}`, headers: agent.headers });
    expect(PatientPage.parse(found.json()).items.map((p) => p.name)).toEqual([name]);
    const byName = await h.app.inject({ method: 'GET', url: `/api/patients?q=${encodeURIComponent("' OR 1=1 --")}`, headers: agent.headers });
    expect(PatientPage.parse(byName.json()).items).toEqual([]);
    expect(h.db.$client.prepare('SELECT count(*) AS n FROM patient_identifiers').get()).not.toEqual({ n: 0 });
  });
});

describe('no request makes the service fail', () => {
  it('answers odd input on every patient route with a 4xx problem, never a 500', async () => {
    const patient = PatientFile.parse((await post(aPatient({ identifiers: [] }))).json());
    const odd: { method: 'GET' | 'POST' | 'PATCH'; url: string; payload?: unknown }[] = [
      { method: 'GET', url: '/api/patients?q=' + 'x'.repeat(65) },
      { method: 'GET', url: '/api/patients?q=a&q=b' },
      { method: 'GET', url: '/api/patients?minAge=-1' },
      { method: 'GET', url: '/api/patients?minSpend=NaN' },
      { method: 'GET', url: '/api/patients?lastVisitFrom=2026-13-45' },
      { method: 'GET', url: '/api/patients?lastVisitTo=2023-02-30' },
      { method: 'GET', url: '/api/patients?diagnosis=DROP%20TABLE' },
      { method: 'GET', url: '/api/patients?tag=' + Array.from({ length: 11 }, () => 'a').join('&tag=') },
      { method: 'GET', url: '/api/patients?includeInactive=yes' },
      { method: 'GET', url: `/api/patients/${'x'.repeat(65)}` },
      { method: 'GET', url: `/api/patients/${patient.id}/timeline?cursor=%00%01` },
      { method: 'GET', url: `/api/patients/${patient.id}/timeline?cursor=${Buffer.from('["2026-11-23"]').toString('base64url')}` },
      { method: 'PATCH', url: `/api/patients/${patient.id}`, payload: { version: '1' } },
      { method: 'PATCH', url: `/api/patients/${patient.id}`, payload: { version: 1.5 } },
      { method: 'PATCH', url: `/api/patients/${patient.id}`, payload: { version: 1, name: '' } },
      { method: 'PATCH', url: `/api/patients/${patient.id}`, payload: { version: 1, identifiers: [{ system: 'a' }] } },
      { method: 'PATCH', url: `/api/patients/${patient.id}`, payload: { version: Number.MAX_SAFE_INTEGER } },
      { method: 'POST', url: '/api/patients', payload: { name: 'a'.repeat(51), gender: 'male' } },
      { method: 'POST', url: '/api/patients', payload: { name: '张三', gender: 'male', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) } },
      { method: 'POST', url: '/api/patients', payload: { name: '张三', gender: 'male', residentId: '1'.repeat(19) } },
      { method: 'POST', url: '/api/patients', payload: { name: '张三', gender: 'male', phone: '1'.repeat(31) } },
      { method: 'POST', url: `/api/patients/${patient.id}/encounters`, payload: { class: 'outpatient', departmentId: 'x', startAt: 'yesterday' } },
      { method: 'POST', url: `/api/patients/${patient.id}/deactivate`, payload: { version: 1 } },
      { method: 'POST', url: `/api/patients/${patient.id}/allergies`, payload: {} },
    ];
    for (const request of odd) {
      const reply = await h.app.inject({ method: request.method, url: request.url, headers: agent.headers, ...(request.payload === undefined ? {} : { payload: request.payload as object }) });
      expect(reply.statusCode, `${request.method} ${request.url} → ${reply.body}`).toBeGreaterThanOrEqual(400);
      expect(reply.statusCode, `${request.method} ${request.url} → ${reply.body}`).toBeLessThan(500);
      expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
      Problem.parse(reply.json());
    }
  });

  it('answers an unknown route with a 404 problem', async () => {
    expectProblem(await h.app.inject({ method: 'GET', url: '/api/nothing-here', headers: agent.headers }), 404, 'route.not_found');
  });
});
