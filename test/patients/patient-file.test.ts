import { describe, expect, it } from 'vitest';
import { PatientFile, PatientPage, TimelinePage } from '../../src/modules/patients/patients.schemas.js';
import type { StaffSession } from '../helpers/app.js';
import { TEST_NOW, useTestHospital } from '../helpers/app.js';
import { aPatient, residentIdFor } from '../helpers/factories.js';

const h = await useTestHospital();
const cardiology = await h.department('CARD', '心内科');
const agent = await h.signIn('agent');
const doctor = await h.signIn('doctor', { departmentId: cardiology });
const admin = await h.signIn('admin');

async function openFile(session: StaffSession, body: object): Promise<PatientFile> {
  const reply = await h.app.inject({ method: 'POST', url: '/api/patients', headers: session.headers, payload: body });
  expect(reply.statusCode, reply.body).toBe(201);
  return PatientFile.parse(reply.json());
}

async function readFile(session: StaffSession, id: string): Promise<PatientFile> {
  const reply = await h.app.inject({ method: 'GET', url: `/api/patients/${id}`, headers: session.headers });
  expect(reply.statusCode, reply.body).toBe(200);
  return PatientFile.parse(reply.json());
}

function storedPatient(id: string): Record<string, unknown> {
  return h.db.$client.prepare('SELECT * FROM patients WHERE id = ?').get(id) as Record<string, unknown>;
}

describe('opening and reading a patient file', () => {
  it('keeps every demographic field an agent enters and shows them back', async () => {
    const residentId = residentIdFor('1972-09-03', 'female', '310104', 45);
    const created = await openFile(
      agent,
      aPatient({
        name: '王秀兰',
        gender: 'female',
        birthDate: '1972-09-03',
        residentId,
        phone: '+86 138-1234-5678',
        email: 'wang.xiulan@example.cn',
        address: { province: '上海市', city: '上海市', district: '徐汇区', detail: '漕溪北路398号' },
        occupation: '会计',
        employer: '上海申通地铁集团',
        source: 'referral',
        emergencyContacts: [
          { name: '王强', relationship: '儿子', phone: '139 1000 2222' },
          { name: 'Anna Wang', relationship: 'daughter', phone: '+1 415 555 2671' },
        ],
        preferredLanguage: 'en',
        preferredChannel: 'email',
        consent: [
          { channel: 'sms', purpose: 'care', granted: true, method: 'written' },
          { channel: 'email', purpose: 'marketing', granted: false, method: 'web' },
        ],
        tags: ['糖尿病', 'VIP'],
        identifiers: [
          { system: 'his-mrn', value: 'MRN-20261123-001' },
          { system: 'insurance', value: 'SH310104197209034522' },
        ],
      }),
    );

    const file = await readFile(agent, created.id);
    expect(file).toMatchObject({
      name: '王秀兰',
      namePinyin: 'wangxiulan',
      gender: 'female',
      birthDate: '1972-09-03',
      age: 54,
      residentId: `310104********${residentId.slice(-4)}`,
      phone: '+8613812345678',
      email: 'wang.xiulan@example.cn',
      address: { province: '上海市', city: '上海市', district: '徐汇区', detail: '漕溪北路398号' },
      occupation: '会计',
      employer: '上海申通地铁集团',
      source: 'referral',
      emergencyContacts: [
        { name: '王强', relationship: '儿子', phone: '+8613910002222' },
        { name: 'Anna Wang', relationship: 'daughter', phone: '+14155552671' },
      ],
      preferredLanguage: 'en',
      preferredChannel: 'email',
      tags: ['糖尿病', 'VIP'],
      active: true,
      version: 1,
      createdAt: TEST_NOW,
    });
    expect(file.identifiers).toEqual(
      expect.arrayContaining([
        { system: 'his-mrn', value: 'MRN-20261123-001' },
        { system: 'insurance', value: 'SH310104197209034522' },
      ]),
    );
    expect(file.consent).toEqual(
      expect.arrayContaining([
        { channel: 'sms', purpose: 'care', granted: true, method: 'written', recordedAt: TEST_NOW, recordedBy: `staff:${agent.id}` },
        { channel: 'email', purpose: 'marketing', granted: false, method: 'web', recordedAt: TEST_NOW, recordedBy: `staff:${agent.id}` },
      ]),
    );
  });

  it('stores the resident ID encrypted with a keyed hash for lookup, never in plain text', async () => {
    const residentId = residentIdFor('1980-01-15', 'male', '440305', 7);
    const created = await openFile(agent, aPatient({ birthDate: '1980-01-15', residentId }));
    const row = storedPatient(created.id);
    expect(JSON.stringify(row)).not.toContain(residentId);
    expect(h.deps.cipher.decrypt(row['resident_id_sealed'] as string)).toBe(residentId);
    expect(row['resident_id_hash']).toBe(h.deps.cipher.lookupHash(residentId));
  });

  it('upgrades a legacy 15-digit resident ID to its 18-digit form', async () => {
    const created = await openFile(agent, aPatient({ gender: 'female', birthDate: '1949-12-31', residentId: '110105491231002', identifiers: [] }));
    expect(created.residentId).toBe('110105********002X');
    expect(h.deps.cipher.decrypt(storedPatient(created.id)['resident_id_sealed'] as string)).toBe('11010519491231002X');
  });

  it('takes the birth date from the resident ID when none is given', async () => {
    const created = await openFile(agent, aPatient({ gender: 'male', birthDate: null, residentId: residentIdFor('1990-06-01', 'male'), identifiers: [] }));
    expect(created.birthDate).toBe('1990-06-01');
  });

  it('refuses a resident ID that disagrees with the birth date or the gender', async () => {
    const reply = await h.app.inject({
      method: 'POST',
      url: '/api/patients',
      headers: agent.headers,
      payload: aPatient({ gender: 'female', birthDate: '1968-04-13', residentId: residentIdFor('1968-04-12', 'male'), identifiers: [] }),
    });
    expect(reply.statusCode).toBe(400);
    expect(reply.json().errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'residentId', code: 'resident_id_birth_mismatch' }),
        expect.objectContaining({ field: 'residentId', code: 'resident_id_gender_mismatch' }),
      ]),
    );
  });

  it('keeps a mainland mobile, a landline with area code and a foreign number in E.164', async () => {
    const mobile = await openFile(agent, aPatient({ phone: '139 1000 7919', identifiers: [] }));
    const landline = await openFile(agent, aPatient({ phone: '010-8888 6666', identifiers: [] }));
    const foreign = await openFile(agent, aPatient({ phone: '+44 20 7946 0958', identifiers: [] }));
    expect([mobile.phone, landline.phone, foreign.phone]).toEqual(['+8613910007919', '+861088886666', '+442079460958']);
    expect(storedPatient(landline.id)).toMatchObject({ phone: '+861088886666', phone_last4: '6666' });
  });

  it('opens a file with only a name and a gender', async () => {
    const created = await openFile(agent, { name: 'Maria Rossi', gender: 'unknown' });
    expect(created).toMatchObject({ name: 'Maria Rossi', birthDate: null, residentId: null, phone: null, identifiers: [], consent: [], tags: [], preferredLanguage: 'zh-CN' });
  });
});

describe('changing a patient file', () => {
  it('applies the changes sent with the current version and moves the version on', async () => {
    const created = await openFile(agent, aPatient({ identifiers: [{ system: 'his-mrn', value: 'MRN-UPD-1' }] }));
    const reply = await h.app.inject({
      method: 'PATCH',
      url: `/api/patients/${created.id}`,
      headers: agent.headers,
      payload: {
        version: 1,
        phone: '0755-1234-5678',
        address: { province: '广东省', city: '深圳市', district: '南山区', detail: '科技园' },
        occupation: '退休',
        tags: ['复诊提醒'],
        identifiers: [
          { system: 'his-mrn', value: 'MRN-UPD-1' },
          { system: 'emr', value: 'EMR-778' },
        ],
        consent: [{ channel: 'sms', purpose: 'care', granted: false, method: 'verbal' }],
        preferredChannel: 'phone',
      },
    });
    expect(reply.statusCode, reply.body).toBe(200);
    const file = PatientFile.parse(reply.json());
    expect(file).toMatchObject({
      version: 2,
      phone: '+8675512345678',
      address: { province: '广东省', city: '深圳市', district: '南山区', detail: '科技园' },
      occupation: '退休',
      tags: ['复诊提醒'],
      preferredChannel: 'phone',
      name: created.name,
    });
    expect(file.identifiers).toHaveLength(2);
    expect(file.consent).toEqual([expect.objectContaining({ channel: 'sms', purpose: 'care', granted: false, method: 'verbal' })]);
    const tags = h.db.$client.prepare('SELECT tag FROM patient_tags WHERE patient_id = ?').all(created.id);
    expect(tags).toEqual([{ tag: '复诊提醒' }]);
  });

  it('refuses a change made on a stale version with 409 and leaves the file as it was', async () => {
    const created = await openFile(agent, aPatient({ identifiers: [] }));
    await h.app.inject({ method: 'PATCH', url: `/api/patients/${created.id}`, headers: agent.headers, payload: { version: 1, occupation: '工程师' } });
    const stale = await h.app.inject({ method: 'PATCH', url: `/api/patients/${created.id}`, headers: agent.headers, payload: { version: 1, occupation: '司机' } });
    expect(stale.statusCode).toBe(409);
    expect(stale.headers['content-type']).toContain('application/problem+json');
    expect(stale.json()).toMatchObject({ status: 409, code: 'patients.version_conflict' });
    expect(storedPatient(created.id)).toMatchObject({ occupation: '工程师', version: 2 });
  });

  it('answers 404 for a patient id that does not exist', async () => {
    for (const request of [
      { method: 'GET' as const, url: '/api/patients/0190aaaa-0000-7000-8000-000000000000' },
      { method: 'PATCH' as const, url: '/api/patients/0190aaaa-0000-7000-8000-000000000000', payload: { version: 1, occupation: '农民' } },
      { method: 'GET' as const, url: '/api/patients/0190aaaa-0000-7000-8000-000000000000/timeline' },
    ]) {
      const reply = await h.app.inject({ ...request, headers: agent.headers });
      expect(reply.statusCode).toBe(404);
      expect(reply.json()).toMatchObject({ code: 'patients.not_found', status: 404 });
    }
  });

  it('checks a changed birth date or gender against the resident ID on file', async () => {
    const created = await openFile(agent, aPatient({ gender: 'male', birthDate: '1968-04-12', residentId: residentIdFor('1968-04-12', 'male'), identifiers: [] }));
    const reply = await h.app.inject({ method: 'PATCH', url: `/api/patients/${created.id}`, headers: agent.headers, payload: { version: 1, birthDate: '1970-01-01', gender: 'female' } });
    expect(reply.statusCode).toBe(400);
    expect(reply.json().errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'residentId', code: 'resident_id_birth_mismatch' }),
        expect.objectContaining({ field: 'residentId', code: 'resident_id_gender_mismatch' }),
      ]),
    );
  });
});

describe('identifiers', () => {
  it('lets a patient hold many identifiers but each system value only once across patients', async () => {
    await openFile(agent, aPatient({ identifiers: [{ system: 'his-mrn', value: 'MRN-CLASH' }, { system: 'emr', value: 'E-1' }] }));
    const clash = await h.app.inject({ method: 'POST', url: '/api/patients', headers: agent.headers, payload: aPatient({ identifiers: [{ system: 'his-mrn', value: 'MRN-CLASH' }] }) });
    expect(clash.statusCode).toBe(409);
    expect(clash.json()).toMatchObject({ code: 'patients.identifier_taken', errors: [expect.objectContaining({ field: 'identifiers', code: 'taken' })] });

    const otherSystem = await openFile(agent, aPatient({ identifiers: [{ system: 'insurance', value: 'MRN-CLASH' }] }));
    const patchClash = await h.app.inject({
      method: 'PATCH',
      url: `/api/patients/${otherSystem.id}`,
      headers: agent.headers,
      payload: { version: 1, identifiers: [{ system: 'emr', value: 'E-1' }] },
    });
    expect(patchClash.statusCode).toBe(409);
    const holders = h.db.$client.prepare("SELECT count(*) AS n FROM patient_identifiers WHERE system = 'his-mrn' AND value = 'MRN-CLASH'").get();
    expect(holders).toEqual({ n: 1 });
  });
});

describe('clinical records', () => {
  it('records an encounter with ICD-10 diagnoses, procedures and charges and updates the visit summary', async () => {
    const created = await openFile(agent, aPatient({ identifiers: [] }));
    const reply = await h.app.inject({
      method: 'POST',
      url: `/api/patients/${created.id}/encounters`,
      headers: doctor.headers,
      payload: {
        class: 'outpatient',
        departmentId: cardiology,
        attendingDoctorName: '李医生',
        startAt: '2026-11-20T01:30:00Z',
        endAt: '2026-11-20T02:00:00+00:00',
        chargesCents: 35_050,
        summary: '血压控制欠佳',
        diagnoses: [
          { code: 'I10', text: '原发性高血压', primary: true },
          { code: 'e11.9', text: '2型糖尿病' },
        ],
        procedures: [{ code: '89.52', text: '心电图', performedAt: '2026-11-20T01:45:00Z' }],
      },
    });
    expect(reply.statusCode, reply.body).toBe(201);
    const file = PatientFile.parse(reply.json());
    expect(file.summary).toEqual({ visitCount: 1, lastVisitAt: '2026-11-20T01:30:00.000Z' });
    expect(file.clinical?.totalSpendCents).toBe(35_050);
    expect(file.clinical?.encounters).toEqual([
      expect.objectContaining({
        class: 'outpatient',
        status: 'finished',
        departmentId: cardiology,
        chargesCents: 35_050,
        diagnoses: [
          { code: 'I10', text: '原发性高血压', primary: true },
          { code: 'E11.9', text: '2型糖尿病', primary: false },
        ],
        procedures: [{ code: '89.52', text: '心电图', performedAt: '2026-11-20T01:45:00.000Z' }],
      }),
    ]);
    const codes = h.db.$client.prepare('SELECT code FROM diagnoses WHERE patient_id = ? ORDER BY code').all(created.id);
    expect(codes).toEqual([{ code: 'E11.9' }, { code: 'I10' }]);
  });

  it('does not count planned or cancelled encounters as visits', async () => {
    const created = await openFile(agent, aPatient({ identifiers: [] }));
    for (const status of ['planned', 'cancelled']) {
      const reply = await h.app.inject({
        method: 'POST',
        url: `/api/patients/${created.id}/encounters`,
        headers: doctor.headers,
        payload: { class: 'outpatient', status, departmentId: cardiology, startAt: '2026-11-25T01:00:00Z', chargesCents: 1000 },
      });
      expect(reply.statusCode, reply.body).toBe(201);
    }
    expect(storedPatient(created.id)).toMatchObject({ visit_count: 0, last_visit_at: null });
  });

  it('refuses an encounter that ends before it starts or names an unknown department', async () => {
    const created = await openFile(agent, aPatient({ identifiers: [] }));
    const backwards = await h.app.inject({
      method: 'POST',
      url: `/api/patients/${created.id}/encounters`,
      headers: admin.headers,
      payload: { class: 'inpatient', departmentId: cardiology, startAt: '2026-11-20T08:00:00Z', endAt: '2026-11-19T08:00:00Z' },
    });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().errors).toEqual([expect.objectContaining({ field: 'endAt' })]);
    const unknown = await h.app.inject({
      method: 'POST',
      url: `/api/patients/${created.id}/encounters`,
      headers: admin.headers,
      payload: { class: 'inpatient', departmentId: 'no-such-department', startAt: '2026-11-20T08:00:00Z' },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors).toEqual([expect.objectContaining({ field: 'departmentId' })]);
  });

  it('records allergies and past and family history for a patient the department has seen', async () => {
    const created = await openFile(agent, aPatient({ identifiers: [] }));
    await h.app.inject({
      method: 'POST',
      url: `/api/patients/${created.id}/encounters`,
      headers: doctor.headers,
      payload: { class: 'outpatient', departmentId: cardiology, startAt: '2026-11-21T01:00:00Z' },
    });
    const allergy = await h.app.inject({
      method: 'POST',
      url: `/api/patients/${created.id}/allergies`,
      headers: doctor.headers,
      payload: { substance: '青霉素', reaction: '皮疹', severity: 'severe' },
    });
    expect(allergy.statusCode, allergy.body).toBe(201);
    const history = await h.app.inject({
      method: 'PATCH',
      url: `/api/patients/${created.id}`,
      headers: doctor.headers,
      payload: { version: 1, pastHistory: '2015年阑尾切除术', familyHistory: '父亲高血压' },
    });
    expect(history.statusCode, history.body).toBe(200);
    const file = await readFile(doctor, created.id);
    expect(file.clinical).toMatchObject({
      pastHistory: '2015年阑尾切除术',
      familyHistory: '父亲高血压',
      allergies: [expect.objectContaining({ substance: '青霉素', reaction: '皮疹', severity: 'severe', recordedAt: TEST_NOW })],
    });
  });

  it('does not let an agent change the medical history', async () => {
    const created = await openFile(agent, aPatient({ identifiers: [] }));
    const reply = await h.app.inject({ method: 'PATCH', url: `/api/patients/${created.id}`, headers: agent.headers, payload: { version: 1, pastHistory: '无' } });
    expect(reply.statusCode).toBe(403);
    expect(storedPatient(created.id)).toMatchObject({ past_history: null, version: 1 });
  });

  it('shows the file, encounters and allergies on the timeline, newest first, page by page', async () => {
    const created = await openFile(agent, aPatient({ identifiers: [] }));
    for (const startAt of ['2026-10-01T01:00:00Z', '2026-11-01T01:00:00Z', '2026-11-10T01:00:00Z']) {
      await h.app.inject({ method: 'POST', url: `/api/patients/${created.id}/encounters`, headers: doctor.headers, payload: { class: 'outpatient', departmentId: cardiology, startAt, diagnoses: [{ code: 'I10', text: '高血压' }] } });
    }
    await h.app.inject({ method: 'POST', url: `/api/patients/${created.id}/allergies`, headers: doctor.headers, payload: { substance: '花粉' } });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const reply = await h.app.inject({ method: 'GET', url: `/api/patients/${created.id}/timeline${query}`, headers: doctor.headers });
      expect(reply.statusCode, reply.body).toBe(200);
      const page = TimelinePage.parse(reply.json());
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((e) => `${e.kind}@${e.at.slice(0, 10)}`));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['allergy@2026-11-23', 'patient@2026-11-23', 'encounter@2026-11-10', 'encounter@2026-11-01', 'encounter@2026-10-01']);
  });
});

describe('deactivating instead of deleting', () => {
  it('hides a deactivated patient from search unless inactive files are asked for, and brings it back on reactivation', async () => {
    const created = await openFile(agent, aPatient({ name: '停用测试', identifiers: [] }));
    const search = async (extra = '') =>
      PatientPage.parse((await h.app.inject({ method: 'GET', url: `/api/patients?q=${encodeURIComponent('停用测试')}${extra}`, headers: agent.headers })).json()).items.map((p) => p.id);
    expect(await search()).toEqual([created.id]);

    const off = await h.app.inject({ method: 'POST', url: `/api/patients/${created.id}/deactivate`, headers: admin.headers, payload: { version: 1, reason: '重复建档' } });
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json()).toMatchObject({ active: false, deactivatedAt: TEST_NOW, deactivationReason: '重复建档', version: 2 });
    expect(await search()).toEqual([]);
    expect(await search('&includeInactive=true')).toEqual([created.id]);
    expect(storedPatient(created.id)).toMatchObject({ active: 0 });

    const on = await h.app.inject({ method: 'POST', url: `/api/patients/${created.id}/reactivate`, headers: admin.headers, payload: { version: 2 } });
    expect(on.statusCode, on.body).toBe(200);
    expect(on.json()).toMatchObject({ active: true, deactivatedAt: null, deactivationReason: null, version: 3 });
    expect(await search()).toEqual([created.id]);
  });

  it('refuses to deactivate on a stale version', async () => {
    const created = await openFile(agent, aPatient({ identifiers: [] }));
    const reply = await h.app.inject({ method: 'POST', url: `/api/patients/${created.id}/deactivate`, headers: admin.headers, payload: { version: 7, reason: '测试' } });
    expect(reply.statusCode).toBe(409);
    expect(storedPatient(created.id)).toMatchObject({ active: 1 });
  });
});

describe('Idempotency-Key on opening a file', () => {
  const countByMrn = (mrn: string) => (h.db.$client.prepare('SELECT count(*) AS n FROM patient_identifiers WHERE value = ?').get(mrn) as { n: number }).n;

  it('replays the first reply for a retry with the same key and body and opens one file', async () => {
    const body = aPatient({ identifiers: [{ system: 'his-mrn', value: 'MRN-IDEM-1' }] });
    const headers = { ...agent.headers, 'idempotency-key': 'create-0001-wang' };
    const first = await h.app.inject({ method: 'POST', url: '/api/patients', headers, payload: body });
    const retry = await h.app.inject({ method: 'POST', url: '/api/patients', headers, payload: body });
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    expect(countByMrn('MRN-IDEM-1')).toBe(1);
  });

  it('refuses the same key with another body with 422', async () => {
    const headers = { ...agent.headers, 'idempotency-key': 'create-0002-li' };
    await h.app.inject({ method: 'POST', url: '/api/patients', headers, payload: aPatient({ identifiers: [{ system: 'his-mrn', value: 'MRN-IDEM-2' }] }) });
    const other = await h.app.inject({ method: 'POST', url: '/api/patients', headers, payload: aPatient({ identifiers: [{ system: 'his-mrn', value: 'MRN-IDEM-3' }] }) });
    expect(other.statusCode).toBe(422);
    expect(other.headers['content-type']).toContain('application/problem+json');
    expect(other.json()).toMatchObject({ code: 'request.idempotency_key_reused' });
    expect(countByMrn('MRN-IDEM-3')).toBe(0);
  });

  it('keeps each staff member’s keys apart', async () => {
    const nurse = await h.signIn('nurse', { departmentId: cardiology });
    const key = 'shared-key-0003';
    const a = await h.app.inject({ method: 'POST', url: '/api/patients', headers: { ...agent.headers, 'idempotency-key': key }, payload: aPatient({ identifiers: [] }) });
    const b = await h.app.inject({ method: 'POST', url: '/api/patients', headers: { ...nurse.headers, 'idempotency-key': key }, payload: aPatient({ identifiers: [] }) });
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
    expect(b.json().id).not.toBe(a.json().id);
  });

  it('refuses a key that is too short to be unique', async () => {
    const reply = await h.app.inject({ method: 'POST', url: '/api/patients', headers: { ...agent.headers, 'idempotency-key': 'abc' }, payload: aPatient({ identifiers: [] }) });
    expect(reply.statusCode).toBe(400);
    expect(reply.json()).toMatchObject({ code: 'request.bad_idempotency_key', errors: [expect.objectContaining({ field: 'Idempotency-Key' })] });
  });
});

describe('changing part of an address', () => {
  it('keeps the address parts the change leaves out and clears the ones sent as null', async () => {
    const created = (await h.app.inject({ method: 'POST', url: '/api/patients', headers: agent.headers, payload: aPatient({ identifiers: [] }) })).json() as PatientFile;
    const reply = await h.app.inject({
      method: 'PATCH',
      url: `/api/patients/${created.id}`,
      headers: agent.headers,
      payload: { version: created.version, address: { district: '海淀区', detail: null } },
    });
    expect(reply.statusCode).toBe(200);
    expect((reply.json() as PatientFile).address).toEqual({ province: '北京市', city: '北京市', district: '海淀区', detail: null });
  });
});

describe('a deactivated file', () => {
  it('refuses changes and new encounters until it is reactivated', async () => {
    const created = (await h.app.inject({ method: 'POST', url: '/api/patients', headers: admin.headers, payload: aPatient({ identifiers: [] }) })).json() as PatientFile;
    const deactivated = await h.app.inject({
      method: 'POST',
      url: `/api/patients/${created.id}/deactivate`,
      headers: admin.headers,
      payload: { version: created.version, reason: '重复建档' },
    });
    const version = (deactivated.json() as PatientFile).version;

    const change = await h.app.inject({ method: 'PATCH', url: `/api/patients/${created.id}`, headers: admin.headers, payload: { version, occupation: '工程师' } });
    expect(change.statusCode).toBe(409);
    expect(change.json()).toMatchObject({ code: 'patients.inactive' });

    const visit = await h.app.inject({
      method: 'POST',
      url: `/api/patients/${created.id}/encounters`,
      headers: admin.headers,
      payload: { class: 'outpatient', departmentId: cardiology, startAt: TEST_NOW },
    });
    expect(visit.statusCode).toBe(409);
  });
});
