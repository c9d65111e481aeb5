import { beforeAll, describe, expect, it } from 'vitest';
import { DecisionList, ReviewDetail, ReviewPage } from '../../src/modules/identity/identity.schemas.js';
import { ImportReport } from '../../src/modules/imports/imports.schemas.js';
import { PatientFile, PatientPage } from '../../src/modules/patients/patients.schemas.js';
import { useTestHospital, type StaffSession } from '../helpers/app.js';
import { residentIdFor } from '../helpers/factories.js';

/*
 * Two registration systems send their patient lists. The second one spells names by sound, swaps a birth day and
 * month, leaves out resident IDs: the patient index links what is the same person, opens a review for what may
 * be (twins), and creates what is new, and keeps its reasons. Patients entered or corrected by staff are found too.
 */
const h = await useTestHospital();
let admin: StaffSession;
beforeAll(async () => {
  admin = await h.signIn('admin');
});

const HEADER = '病案号,姓名,性别,出生日期,身份证号,手机号,电子邮箱,省,市,区县,详细地址,职业,更新时间';
interface Row { mrn: string; name: string; gender: '男' | '女'; birth: string; rid?: string; phone?: string; city?: [string, string, string]; street?: string }
const line = (r: Row) =>
  [r.mrn, r.name, r.gender, r.birth, r.rid ?? '', r.phone ?? '', '', ...(r.city ?? ['', '', '']), r.street ?? '', '', '2026-11-01 09:00:00'].join(',');

async function importCsv(source: string, rows: Row[]) {
  const reply = await h.app.inject({ method: 'POST', url: `/api/imports/csv?source=${source}&mapping=his-patients`, headers: { ...admin.headers, 'content-type': 'text/csv' }, payload: `${HEADER}\n${rows.map(line).join('\n')}\n` });
  expect(reply.statusCode, reply.body).toBe(200);
  return ImportReport.parse(reply.json());
}

async function fileByMrn(mrn: string) {
  const page = PatientPage.parse((await h.app.inject({ method: 'GET', url: `/api/patients?q=${mrn}`, headers: admin.headers })).json());
  expect(page.items, mrn).toHaveLength(1);
  return PatientFile.parse((await h.app.inject({ method: 'GET', url: `/api/patients/${page.items[0]!.id}`, headers: admin.headers })).json());
}

const beijing: [string, string, string] = ['北京市', '北京市', '朝阳区'];
const guangzhou: [string, string, string] = ['广东省', '广州市', '天河区'];

describe('matching decisions through a real import', () => {
  it('creates the first system\'s patients', async () => {
    const report = await importCsv('his-a', [
      { mrn: 'A001', name: '张伟', gender: '男', birth: '1975-03-14', rid: residentIdFor('1975-03-14', 'male', '110105', 1), phone: '13812345678', city: beijing, street: '建国路88号' },
      { mrn: 'A002', name: '王芳', gender: '女', birth: '1982-07-05', rid: residentIdFor('1982-07-05', 'female', '440106', 2), phone: '13900002222', city: guangzhou, street: '体育西路1号' },
      { mrn: 'A003', name: '李娜', gender: '女', birth: '1990-11-20', rid: residentIdFor('1990-11-20', 'female', '110105', 3), phone: '13700003333', city: beijing, street: '朝阳路5号' },
    ]);
    expect(report).toMatchObject({ received: 3, created: 3, linked: 0, review: 0 });
  });

  it('links a homophone name, a swapped birth day and month, and a shared resident ID; reviews a possible twin; creates a stranger', async () => {
    const report = await importCsv('his-b', [
      // 章 for 张, no resident ID: the score links it.
      { mrn: 'B001', name: '章伟', gender: '男', birth: '1975-03-14', phone: '13812345678', city: beijing, street: '建国路88号' },
      // Day and month swapped, another phone format, no resident ID.
      { mrn: 'B002', name: '王芳', gender: '女', birth: '1982-05-07', phone: '+86 139 0000 2222', city: guangzhou, street: '体育西路1号' },
      // The same resident ID: linked without a score.
      { mrn: 'B003', name: '李娜', gender: '女', birth: '1990-11-20', rid: residentIdFor('1990-11-20', 'female', '110105', 3) },
      // Same family, birth date, phone and address, another given name: twins, a person decides.
      { mrn: 'B004', name: '张强', gender: '男', birth: '1975-03-14', phone: '13812345678', city: beijing, street: '建国路88号' },
      { mrn: 'B005', name: '刘洋', gender: '男', birth: '2001-01-09', phone: '13600005555', city: guangzhou, street: '天河路9号' },
    ]);
    expect(report).toMatchObject({ received: 5, linked: 3, review: 1, created: 1, quarantined: 0 });

    const zhang = await fileByMrn('A001');
    expect(zhang.identifiers).toContainEqual({ system: 'his-mrn', value: 'B001' });
    expect((await fileByMrn('A002')).identifiers).toContainEqual({ system: 'his-mrn', value: 'B002' });
    expect((await fileByMrn('A003')).identifiers).toContainEqual({ system: 'his-mrn', value: 'B003' });
    expect((await fileByMrn('B004')).id).not.toBe(zhang.id);
  });

  it('keeps each decision with its explanation: method, score, agreement and weight per field', async () => {
    const zhang = await fileByMrn('A001');
    const reply = await h.app.inject({ method: 'GET', url: `/api/identity/patients/${zhang.id}/decisions`, headers: admin.headers });
    expect(reply.statusCode, reply.body).toBe(200);
    const { items } = DecisionList.parse(reply.json());
    const linked = items.find((d) => d.decision === 'linked')!;
    expect(linked).toMatchObject({ method: 'probabilistic', source: 'his-b' });
    expect(linked.score).toBeGreaterThanOrEqual(20);
    expect(linked.explanation.fields.find((f) => f.field === 'familyName')).toMatchObject({ level: 'close', note: 'homophone' });
    expect(linked.explanation.fields.find((f) => f.field === 'phone')).toMatchObject({ level: 'exact' });
    expect(linked.explanation.fields.find((f) => f.field === 'residentId')).toMatchObject({ level: 'missing', weight: 0 });
    const sum = linked.explanation.fields.reduce((total, f) => total + f.weight, 0);
    expect(sum).toBeCloseTo(linked.score!, 1);

    const wang = DecisionList.parse((await h.app.inject({ method: 'GET', url: `/api/identity/patients/${(await fileByMrn('A002')).id}/decisions`, headers: admin.headers })).json());
    expect(wang.items[0]!.explanation.fields.find((f) => f.field === 'birthDate')).toMatchObject({ level: 'close', note: 'day and month swapped' });
    const li = DecisionList.parse((await h.app.inject({ method: 'GET', url: `/api/identity/patients/${(await fileByMrn('A003')).id}/decisions`, headers: admin.headers })).json());
    expect(li.items[0]).toMatchObject({ decision: 'linked', method: 'resident_id', score: null });
  });

  it('puts the possible twin in the review queue with both files and the reason', async () => {
    const page = ReviewPage.parse((await h.app.inject({ method: 'GET', url: '/api/identity/reviews?source=his-b', headers: admin.headers })).json());
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ status: 'open', patientName: '张强', candidateName: '张伟' });
    const detail = ReviewDetail.parse((await h.app.inject({ method: 'GET', url: `/api/identity/reviews/${page.items[0]!.id}`, headers: admin.headers })).json());
    expect(detail.explanation.heldForReview).toMatch(/twins/);
    expect(detail.record.identifiers).toContainEqual({ system: 'his-mrn', value: 'B004' });
    expect(detail.candidate.identifiers).toContainEqual({ system: 'his-mrn', value: 'A001' });
  });

  it('changes nothing when the same file is sent again', async () => {
    const again = await importCsv('his-b', [{ mrn: 'B005', name: '刘洋', gender: '男', birth: '2001-01-09', phone: '13600005555', city: guangzhou, street: '天河路9号' }]);
    expect(again).toMatchObject({ received: 1, unchanged: 1, created: 0, linked: 0 });
  });
});

describe('patients entered or corrected by staff', () => {
  it('finds a patient a nurse registered at the desk', async () => {
    const created = await h.app.inject({ method: 'POST', url: '/api/patients', headers: admin.headers, payload: { name: '陈静', gender: 'female', birthDate: '1968-09-30', phone: '13511112222', address: { province: '广东省', city: '广州市', district: '天河区', detail: '林和西路3号' } } });
    expect(created.statusCode, created.body).toBe(201);
    const report = await importCsv('his-c', [{ mrn: 'C001', name: '陈静', gender: '女', birth: '1968-09-30', phone: '13511112222', city: guangzhou }]);
    expect(report).toMatchObject({ linked: 1, created: 0 });
    expect((await fileByMrn('C001')).id).toBe(PatientFile.parse(created.json()).id);
  });

  it('finds a patient by the phone staff corrected a moment ago, not the old one', async () => {
    const created = PatientFile.parse((await h.app.inject({ method: 'POST', url: '/api/patients', headers: admin.headers, payload: { name: '周敏', gender: 'female', phone: '13522223333' } })).json());
    const edited = await h.app.inject({ method: 'PATCH', url: `/api/patients/${created.id}`, headers: admin.headers, payload: { version: created.version, phone: '13544445555', birthDate: '1979-02-02' } });
    expect(edited.statusCode, edited.body).toBe(200);
    const report = await importCsv('his-c', [{ mrn: 'C002', name: '周敏', gender: '女', birth: '1979-02-02', phone: '13544445555' }]);
    expect(report).toMatchObject({ linked: 1, created: 0 });
    expect((await fileByMrn('C002')).id).toBe(created.id);
  });

  it('does not link to a file staff deactivated', async () => {
    const created = PatientFile.parse((await h.app.inject({ method: 'POST', url: '/api/patients', headers: admin.headers, payload: { name: '吴刚', gender: 'male', birthDate: '1955-05-05', phone: '13533334444' } })).json());
    const off = await h.app.inject({ method: 'POST', url: `/api/patients/${created.id}/deactivate`, headers: admin.headers, payload: { version: created.version, reason: '重复建档' } });
    expect(off.statusCode, off.body).toBe(200);
    const report = await importCsv('his-c', [{ mrn: 'C003', name: '吴刚', gender: '男', birth: '1955-05-05', phone: '13533334444' }]);
    expect(report).toMatchObject({ created: 1, linked: 0 });
  });
});
