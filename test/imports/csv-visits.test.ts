import { beforeAll, describe, expect, it } from 'vitest';
import { ImportReport } from '../../src/modules/imports/imports.schemas.js';
import { PatientFile, PatientPage } from '../../src/modules/patients/patients.schemas.js';
import { useTestHospital, type StaffSession } from '../helpers/app.js';
import { residentIdFor } from '../helpers/factories.js';

/*
 * The HIS exports a day of visits as CSV (mapping his-visits): one row per visit, with the patient's details,
 * the visit class, department, admission and discharge times, and diagnoses. The visits land on the patients'
 * timelines; a discharge sent later completes the visit on file; a bad visit column quarantines the row.
 */
const h = await useTestHospital();
let admin: StaffSession;
beforeAll(async () => {
  admin = await h.signIn('admin');
  await h.department('CARD', '心内科');
  await h.department('ENDO', '内分泌科');
});

const HEADER = '病案号,姓名,性别,出生日期,身份证号,手机号,就诊号,就诊类型,科室代码,主治医生,入院时间,出院时间,诊断编码,诊断名称,更新时间';
const rid = residentIdFor('1958-02-17', 'male', '310101', 7);

async function send(lines: string[]) {
  const reply = await h.app.inject({ method: 'POST', url: '/api/imports/csv?source=his-visits&mapping=his-visits', headers: { ...admin.headers, 'content-type': 'text/csv' }, payload: `${HEADER}\n${lines.join('\n')}\n` });
  expect(reply.statusCode, reply.body).toBe(200);
  return ImportReport.parse(reply.json());
}
async function fileOf(mrn: string) {
  const page = PatientPage.parse((await h.app.inject({ method: 'GET', url: `/api/patients?q=${mrn}`, headers: admin.headers })).json());
  return PatientFile.parse((await h.app.inject({ method: 'GET', url: `/api/patients/${page.items[0]!.id}`, headers: admin.headers })).json());
}

describe('a HIS visit export', () => {
  it('imports the visits with class, department, times and diagnoses, on one patient file', async () => {
    const report = await send([
      `V-MRN1,钱学军,男,1958-02-17,${rid},13611112222,ZY2026001,住院,CARD,王医生,2026-11-10 08:30,2026-11-18 10:00,I21.9;I10,急性心肌梗死;原发性高血压,2026-11-18 12:00`,
      `V-MRN1,钱学军,男,1958-02-17,${rid},13611112222,MZ2026077,门诊,ENDO,李医生,2026-11-20 09:15,,E11.9,2型糖尿病,2026-11-20 10:00`,
    ]);
    expect(report).toMatchObject({ received: 2, created: 1, updated: 1, quarantined: 0 });
    const file = await fileOf('V-MRN1');
    const encounters = file.clinical!.encounters;
    expect(encounters).toHaveLength(2);
    const stay = encounters.find((e) => e.class === 'inpatient')!;
    expect(stay).toMatchObject({ status: 'finished', startAt: '2026-11-10T00:30:00.000Z', endAt: '2026-11-18T02:00:00.000Z', attendingDoctorName: '王医生' });
    expect(stay.diagnoses.map((d) => [d.code, d.text, d.primary])).toEqual([
      ['I21.9', '急性心肌梗死', true],
      ['I10', '原发性高血压', false],
    ]);
    expect(encounters.find((e) => e.class === 'outpatient')).toMatchObject({ status: 'in-progress', endAt: null });
    expect(file.summary.visitCount).toBe(2);
  });

  it('completes a visit on file when its discharge arrives in a later export, and changes nothing on a re-send', async () => {
    const line = `V-MRN1,钱学军,男,1958-02-17,${rid},13611112222,MZ2026077,门诊,ENDO,李医生,2026-11-20 09:15,2026-11-20 11:00,E11.9,2型糖尿病,2026-11-20 12:00`;
    expect(await send([line])).toMatchObject({ updated: 1 });
    expect(await send([line])).toMatchObject({ unchanged: 1, updated: 0 });
    const visit = (await fileOf('V-MRN1')).clinical!.encounters.find((e) => e.class === 'outpatient')!;
    expect(visit).toMatchObject({ status: 'finished', endAt: '2026-11-20T03:00:00.000Z' });
  });

  it('quarantines a row with an unknown visit class, a bad time, a bad ICD-10 code or mismatched diagnoses, naming the column', async () => {
    const person = `V-MRN2,孙悦,女,1990-01-01,,13622223333`;
    const report = await send([
      `${person},X1,门急诊,CARD,,2026-11-20 09:00,,,,2026-11-20 10:00`,
      `${person},X2,门诊,CARD,,昨天上午,,,,2026-11-20 10:00`,
      `${person},X3,门诊,CARD,,2026-11-20 09:00,,HTN,高血压,2026-11-20 10:00`,
      `${person},X4,门诊,CARD,,2026-11-20 09:00,,I10;E11.9,高血压,2026-11-20 10:00`,
      `${person},X5,门诊,NOPE,,2026-11-20 09:00,,,,2026-11-20 10:00`,
    ]);
    expect(report).toMatchObject({ received: 5, quarantined: 5, created: 0 });
    const reasons = report.problems.map((p) => p.reason);
    expect(reasons[0]).toContain('就诊类型');
    expect(reasons[1]).toContain('入院时间');
    expect(reasons[2]).toContain('诊断编码');
    expect(reasons[3]).toContain('诊断名称');
    expect(reasons[4]).toContain('NOPE');
    expect(PatientPage.parse((await h.app.inject({ method: 'GET', url: '/api/patients?q=V-MRN2', headers: admin.headers })).json()).items).toEqual([]);
  });
});
