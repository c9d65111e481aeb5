import { describe, expect, it } from 'vitest';
import { recordResponseForPatient } from '../../src/modules/followup/followup.service.js';
import { createPatient } from '../../src/modules/patients/patients.service.js';
import { useTestHospital } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';

/*
 * Each rule lists only its first `limit` patients. 王芳 has an open complaint and answered 2; 陈刚 and 杨丽 answered
 * 1 (杨丽 later, so first), so at a limit of 2 the low-score rule's own list is 杨丽 and 陈刚 and never reaches 王芳: her low score must still
 * be found and shown beside her complaint.
 */
const h = await useTestHospital();
const card = await h.department('CARD', '心内科');
const OUTPATIENT = 'https://hcrm.example/fhir/Questionnaire/outpatient-satisfaction';

async function answer(patientId: string, at: string, overall: string) {
  h.clock.set(at);
  await recordResponseForPatient(h.system(), { patientId, questionnaire: { url: OUTPATIENT }, departmentId: card, answers: { doctor: '5', explanation: '4', nursing: '5', waiting: '3', environment: '4', cost: '3', overall, nps: '9' } });
}
h.clock.set('2026-11-01T02:00:00.000Z');
const [wang, chen, yang] = await Promise.all(['王芳', '陈刚', '杨丽'].map(async (name) => (await createPatient(h.system(), aPatient({ name, identifiers: [], residentId: null }))).id));
const agent = await h.signIn('agent');
const complaint = await h.app.inject({ method: 'POST', url: '/api/feedback', headers: agent.headers, payload: { text: '候诊太久', kind: 'complaint', category: 'waiting_time', severity: 'medium', departmentId: card, patientId: wang } });
expect(complaint.statusCode, complaint.body).toBe(201);
await answer(wang!, '2026-11-08T03:00:00.000Z', '2');
await answer(chen!, '2026-11-09T03:00:00.000Z', '1');
await answer(yang!, '2026-11-10T03:00:00.000Z', '1');
h.clock.set('2026-11-26T02:00:00.000Z');
const admin = await h.signIn('admin');

const atRisk = async (limit: number) => {
  const reply = await h.app.inject({ method: 'GET', url: `/api/stats/patients/at-risk?from=2026-11-01&to=2026-11-21&limit=${limit}`, headers: admin.headers });
  expect(reply.statusCode, reply.body).toBe(200);
  return (reply.json() as { items: { name: string; reasons: string[]; satisfaction: number | null }[] }).items.map((i) => [i.name, i.reasons, i.satisfaction]);
};

describe('the at-risk list cut to a limit', () => {
  it('shows the open complaint first and still gives that patient the low score her rule did not reach', async () => {
    expect(await atRisk(2)).toEqual([
      ['王芳', ['open_complaint', 'low_satisfaction'], 2],
      ['杨丽', ['low_satisfaction'], 1],
    ]);
  });

  it('uncut, lists every patient once with every reason', async () => {
    expect(await atRisk(10)).toEqual([
      ['王芳', ['open_complaint', 'low_satisfaction'], 2],
      ['杨丽', ['low_satisfaction'], 1],
      ['陈刚', ['low_satisfaction'], 1],
    ]);
  });
});
