import type { Role } from '../../src/lib/context.js';
import { recordResponseForPatient } from '../../src/modules/followup/followup.service.js';
import { addEncounter, createPatient } from '../../src/modules/patients/patients.service.js';
import type { TestHospital } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';

export const OUTPATIENT = 'https://hcrm.example/fhir/Questionnaire/outpatient-satisfaction';

type Answers = Record<string, string | boolean>;
const base = { doctor: '5', explanation: '4', nursing: '5', waiting: '3', environment: '4', cost: '3', overall: '4', nps: '9' };

/**
 * The hand-computed hospital of the statistics tests (local days, Asia/Shanghai; the clock stands at 2026-11-23 10:00):
 *
 * | response | local day  | dept | doctor | class      | overall | nps | doctor | explanation | waiting |
 * | r1       | 2026-11-02 | CARD | A      | outpatient | 5       | 10  | 5      | 1           | 2       |
 * | r2       | 2026-11-02 | CARD | A      | —          | 4       | 8   | 4      | 4           | 3       |
 * | r3       | 2026-11-10 | CARD | A      | inpatient  | 2       | 3   | 3      | 2           | 1       |
 * | r4       | 2026-11-10 | ORTH | B      | —          | 4       | 9   | 5      | 3           | 4       |
 * | r5       | 2026-10-20 | CARD | A      | —          | 3       | 6   | 5      | 4           | 3       |
 *
 * nursing 5, environment 4 and cost 3 in every response. EYE (眼科) has no data at all. r1 suggests, r3 complains.
 */
export async function satisfactionHospital(h: TestHospital) {
  const card = await h.department('CARD', '心内科');
  const orth = await h.department('ORTH', '骨科');
  const eye = await h.department('EYE', '眼科');
  const doctorA = await h.signIn('doctor', { departmentId: card, username: 'zhangwei' });
  const doctorB = await h.signIn('doctor', { departmentId: orth, username: 'lina' });

  async function respond(day: string, departmentId: string, doctorId: string, encounterClass: 'outpatient' | 'inpatient' | null, answers: Answers): Promise<{ id: string; patientId: string }> {
    h.clock.set(`${day}T02:00:00.000Z`);
    const patient = await createPatient(h.system(), aPatient({ identifiers: [], residentId: null }));
    let encounterId: string | undefined;
    if (encounterClass) {
      await addEncounter(h.system(), patient.id, { class: encounterClass, status: 'finished', departmentId, attendingDoctorId: doctorId, startAt: `${day}T01:00:00.000Z`, chargesCents: 0, diagnoses: [], procedures: [] });
      encounterId = (h.db.$client.prepare('SELECT id FROM encounters WHERE patient_id = ?').get(patient.id) as { id: string }).id;
    }
    const { id } = await recordResponseForPatient(h.system(), { patientId: patient.id, questionnaire: { url: OUTPATIENT }, departmentId, doctorId, ...(encounterId ? { encounterId } : {}), answers: { ...base, ...answers } });
    return { id, patientId: patient.id };
  }

  const r1 = await respond('2026-11-02', card, doctorA.id, 'outpatient', { overall: '5', nps: '10', doctor: '5', explanation: '1', waiting: '2', suggestion: '希望增加停车位' });
  const r2 = await respond('2026-11-02', card, doctorA.id, null, { overall: '4', nps: '8', doctor: '4', explanation: '4', waiting: '3' });
  const r3 = await respond('2026-11-10', card, doctorA.id, 'inpatient', { overall: '2', nps: '3', doctor: '3', explanation: '2', waiting: '1', 'has-complaint': true, 'complaint-text': '等候时间太长，"医生"没解释' });
  const r4 = await respond('2026-11-10', orth, doctorB.id, null, { overall: '4', nps: '9', doctor: '5', explanation: '3', waiting: '4' });
  const r5 = await respond('2026-10-20', card, doctorA.id, null, { overall: '3', nps: '6', doctor: '5', explanation: '4', waiting: '3' });
  h.clock.set('2026-11-23T02:00:00.000Z');
  return { card, orth, eye, doctorA, doctorB, responses: { r1, r2, r3, r4, r5 } };
}

export async function staffOf(h: TestHospital, role: Role, departmentId: string | null) {
  return h.signIn(role, { departmentId });
}
