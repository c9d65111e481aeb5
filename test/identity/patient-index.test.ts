import { beforeAll, describe, expect, it } from 'vitest';
import { DecisionList } from '../../src/modules/identity/identity.schemas.js';
import { PatientIndex } from '../../src/modules/identity/patient-index.js';
import { ImportReport, QuarantinePage } from '../../src/modules/imports/imports.schemas.js';
import { PatientPage } from '../../src/modules/patients/patients.schemas.js';
import { useTestHospital, type StaffSession } from '../helpers/app.js';

/*
 * The index must hold exactly the files the table holds: a file whose import rolled back half-way is not a
 * candidate for the next record, and a service that starts again finds every file it had.
 */
const h = await useTestHospital();
let admin: StaffSession;
beforeAll(async () => {
  admin = await h.signIn('admin');
  await h.department('CARD', '心内科');
});

const HEADER = '病案号,姓名,性别,出生日期,身份证号,手机号,就诊号,就诊类型,科室代码,主治医生,入院时间,出院时间,诊断编码,诊断名称,更新时间';
async function send(lines: string[]) {
  const reply = await h.app.inject({ method: 'POST', url: '/api/imports/csv?source=his-v&mapping=his-visits', headers: { ...admin.headers, 'content-type': 'text/csv' }, payload: `${HEADER}\n${lines.join('\n')}\n` });
  expect(reply.statusCode, reply.body).toBe(200);
  return ImportReport.parse(reply.json());
}
async function decisionsOf(mrn: string) {
  const page = PatientPage.parse((await h.app.inject({ method: 'GET', url: `/api/patients?q=${mrn}`, headers: admin.headers })).json());
  expect(page.items).toHaveLength(1);
  return DecisionList.parse((await h.app.inject({ method: 'GET', url: `/api/identity/patients/${page.items[0]!.id}/decisions`, headers: admin.headers })).json()).items;
}

describe('the patient index and the patients table', () => {
  it('forgets a file whose record rolled back (an unknown department), so the next record finds no phantom', async () => {
    const failed = await send(['P-1,冯雪,女,1972-08-08,,13811110000,V1,门诊,NOPE,,2026-11-20 09:00,,,,2026-11-20 10:00']);
    expect(failed).toMatchObject({ quarantined: 1, created: 0 });
    const again = await send(['P-2,冯雪,女,1972-08-08,,13811110000,V2,门诊,CARD,,2026-11-20 09:00,,,,2026-11-20 10:00']);
    expect(again).toMatchObject({ created: 1, linked: 0, review: 0 });
    const [decision] = await decisionsOf('P-2');
    expect(decision).toMatchObject({ decision: 'created', candidatePatientId: null });
    expect(decision!.explanation.candidatesCompared).toBe(0);
  });

  it('forgets the files of a retry whose whole transaction rolled back', async () => {
    const list = QuarantinePage.parse((await h.app.inject({ method: 'GET', url: '/api/imports/quarantine?status=open&source=his-v', headers: admin.headers })).json());
    const item = list.items[0]!;
    // Another person this time, still with the unknown department: the retry fails and nothing stays.
    const raw = item.raw.replace('P-1,冯雪,女,1972-08-08', 'P-3,蒋涛,男,1966-06-06').replace('13811110000', '13822220000');
    const retry = await h.app.inject({ method: 'POST', url: `/api/imports/quarantine/${item.id}/retry`, headers: admin.headers, payload: { raw } });
    expect(retry.statusCode).toBe(422);
    const next = await send(['P-4,蒋涛,男,1966-06-06,,13822220000,V4,门诊,CARD,,2026-11-20 09:00,,,,2026-11-20 10:00']);
    expect(next).toMatchObject({ created: 1, linked: 0 });
    expect((await decisionsOf('P-4'))[0]!.explanation.candidatesCompared).toBe(0);
  });

  it('is built again from the table when the service starts, and finds the files it had', async () => {
    h.deps.patientIndex.invalidate();
    const restarted = new PatientIndex(h.deps.patientIndex.config);
    // Immediate: building the index records its reader, and a deferred transaction that reads before it writes
    // fails when the audit writer commits between the two (reads' rows reach the log after their answers).
    const index = h.db.transaction((tx) => restarted.current(tx, h.deps), { behavior: 'immediate' });
    const active = (h.db.$client.prepare('SELECT count(*) AS n FROM patients WHERE active = 1').get() as { n: number }).n;
    expect(index.size).toBe(active);
    const linked = await send(['P-5,冯雪,女,1972-08-08,,+86 138 1111 0000,V5,门诊,CARD,,2026-11-21 09:00,,,,2026-11-21 10:00']);
    expect(linked).toMatchObject({ linked: 1, created: 0 });
    expect(h.deps.patientIndex.builds).toBeGreaterThanOrEqual(1);
  });
});
