import { describe, expect, it } from 'vitest';
import { recordResponseForPatient } from '../../src/modules/followup/followup.service.js';
import { createPatient } from '../../src/modules/patients/patients.service.js';
import { useTestHospital } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';

/*
 * The at-risk list ranks each patient's answers in the period and keeps those whose latest is low:
 * 周敏 answers 1 in CARD (11-08), then 5 in ORTH (11-09): her latest is good, in no department's list.
 * 吴强 answers 5 in CARD (11-08), then 2 in CARD (11-09) and 5 after the period (11-25): at risk in CARD.
 * 郑洁 answers 2 and 4 at the same instant: the later-recorded answer (4) counts, so she is not at risk.
 */
const h = await useTestHospital();
const card = await h.department('CARD', '心内科');
const orth = await h.department('ORTH', '骨科');
const OUTPATIENT = 'https://hcrm.example/fhir/Questionnaire/outpatient-satisfaction';

async function answer(patientId: string, departmentId: string, at: string, overall: string) {
  h.clock.set(at);
  await recordResponseForPatient(h.system(), { patientId, questionnaire: { url: OUTPATIENT }, departmentId, answers: { doctor: '5', explanation: '4', nursing: '5', waiting: '3', environment: '4', cost: '3', overall, nps: '9' } });
}
h.clock.set('2026-11-01T02:00:00.000Z');
const [zhou, wu, zheng] = [await createPatient(h.system(), aPatient({ name: '周敏' })), await createPatient(h.system(), aPatient({ name: '吴强' })), await createPatient(h.system(), aPatient({ name: '郑洁' }))];
await answer(zhou.id, card, '2026-11-08T03:00:00.000Z', '1');
await answer(zhou.id, orth, '2026-11-09T03:00:00.000Z', '5');
await answer(wu.id, card, '2026-11-08T03:00:00.000Z', '5');
await answer(wu.id, card, '2026-11-09T03:00:00.000Z', '2');
await answer(wu.id, card, '2026-11-25T03:00:00.000Z', '5');
await answer(zheng.id, card, '2026-11-10T03:00:00.000Z', '2');
await answer(zheng.id, card, '2026-11-10T03:00:00.000Z', '4');
h.clock.set('2026-11-26T02:00:00.000Z');
const admin = await h.signIn('admin');

const names = async (query: string) => {
  const reply = await h.app.inject({ method: 'GET', url: `/api/stats/patients/at-risk?from=2026-11-01&to=2026-11-21${query}`, headers: admin.headers });
  return (reply.json() as { items: { name: string; satisfaction: number }[] }).items.map((i) => [i.name, i.satisfaction]);
};

describe('the at-risk list', () => {
  it('keeps patients whose latest answer in the period is low, in the department of that answer', async () => {
    expect(await names('')).toEqual([['吴强', 2]]);
    expect(await names(`&departmentId=${card}`)).toEqual([['吴强', 2]]);
    expect(await names(`&departmentId=${orth}`)).toEqual([]);
  });
});
