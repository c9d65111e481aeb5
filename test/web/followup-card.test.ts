import { describe, expect, it } from 'vitest';
import { carryOutDueSteps } from '../../src/modules/followup/plans/steps.js';
import { addEncounter, createPatient } from '../../src/modules/patients/patients.service.js';
import { useTestHospital, type StaffSession } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';

/* The patient page shows what follow-up plans scheduled, by which plan and why, to clinical staff of the department. */
const h = await useTestHospital({ now: '2026-11-23T02:00:00.000Z' });
const cardiology = await h.department('CARD', '心内科');
const admin = await h.signIn('admin');
const plan = {
  code: 'htn',
  definition: {
    name: { 'zh-CN': '高血压随访', en: 'Hypertension follow-up' },
    trigger: 'outpatient-visit',
    conditions: { diagnosisPrefixes: ['I10'] },
    steps: [
      { key: 'call', day: 0, kind: 'call', assignee: { role: 'nurse' }, title: '高血压电话随访' },
      { key: 'q', day: 7, kind: 'questionnaire', questionnaire: { url: 'https://hcrm.example/fhir/Questionnaire/hypertension-followup' } },
    ],
  },
};
expect((await h.app.inject({ method: 'POST', url: '/api/followup-plans', headers: admin.headers, payload: plan })).statusCode).toBe(201);
const patient = await createPatient(h.system(), aPatient({ name: '钱玉梅', identifiers: [] }));
await addEncounter(h.system(), patient.id, { class: 'outpatient', status: 'finished', departmentId: cardiology, startAt: '2026-11-23T01:00:00Z', chargesCents: 0, diagnoses: [{ code: 'I10', text: '原发性高血压', primary: true }], procedures: [] });
await carryOutDueSteps(h.system());

const page = (s: StaffSession, lang = 'zh-CN') => h.app.inject({ method: 'GET', url: `/app/patients/${patient.id}?lang=${lang}`, headers: { cookie: `hcrm_session=${s.token}` } });

describe('the follow-up card', () => {
  it('shows a cardiology nurse the plan, why, its steps and the open call', async () => {
    const nurse = await h.signIn('nurse', { departmentId: cardiology });
    const zh = await page(nurse);
    expect(zh.statusCode).toBe(200);
    expect(zh.body).toContain('高血压随访（第1版）');
    expect(zh.body).toContain('原因: outpatient-visit 2026-11-23 · diagnosis I10<');
    expect(zh.body).toContain('第7天');
    expect(zh.body).toContain('2026-11-30 09:00');
    expect(zh.body).toContain('高血压电话随访');
    const en = await page(nurse, 'en');
    expect(en.body).toContain('Hypertension follow-up (version 1)');
    expect(en.body).toContain('Scheduled');
  });

  it('puts the patient on a plan by hand from the card', async () => {
    const manual = { code: 'manual-recheck', definition: { ...plan.definition, name: { 'zh-CN': '手动复查随访', en: 'Manual re-check' }, trigger: 'manual', conditions: {} } };
    expect((await h.app.inject({ method: 'POST', url: '/api/followup-plans', headers: admin.headers, payload: manual })).statusCode).toBe(201);
    const nurse = await h.signIn('nurse', { departmentId: cardiology });
    expect((await page(nurse)).body).toContain('<option value="manual-recheck">手动复查随访</option>');
    const reply = await h.app.inject({
      method: 'POST',
      url: `/app/patients/${patient.id}/followup-enrolments`,
      headers: { cookie: `hcrm_session=${nurse.token}`, origin: 'http://localhost:80', 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ planCode: 'manual-recheck' }).toString(),
    });
    expect(reply.statusCode, reply.body).toBe(303);
    expect((await page(nurse)).body).toContain('手动复查随访（第1版）');
  });

  it('is not shown to an agent, nor to a nurse of a department that has not seen the patient', async () => {
    for (const session of [await h.signIn('agent'), await h.signIn('nurse', { departmentId: await h.department('ORTH', '骨科') })]) {
      const reply = await page(session);
      expect(reply.statusCode).toBe(200);
      expect(reply.body).not.toContain('id="followup"');
    }
  });
});

describe('the follow-up page', () => {
  const ORIGIN = 'http://localhost:80';
  const postForm = (s: StaffSession, fields: Record<string, string>) =>
    h.app.inject({ method: 'POST', url: '/app/followup/plans', headers: { cookie: `hcrm_session=${s.token}`, origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });

  it('lists the department’s calls of the day and the plans for a nurse, without the editor', async () => {
    const nurse = await h.signIn('nurse', { departmentId: cardiology });
    const reply = await h.app.inject({ method: 'GET', url: '/app/followup', headers: { cookie: `hcrm_session=${nurse.token}` } });
    expect(reply.statusCode).toBe(200);
    expect(reply.body).toContain('高血压电话随访');
    expect(reply.body).toContain('htn');
    expect(reply.body).not.toContain('action="/app/followup/plans"');
  });

  it('lets an admin save a new version from the editor, and shows JSON and plan mistakes at the field', async () => {
    const editor = await h.app.inject({ method: 'GET', url: '/app/followup?edit=htn', headers: { cookie: `hcrm_session=${admin.token}` } });
    expect(editor.body).toContain('action="/app/followup/plans"');
    expect(editor.body).toContain('&quot;trigger&quot;: &quot;outpatient-visit&quot;');
    const notJson = await postForm(admin, { code: 'htn', definition: '{ nope' });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.body).toContain('error-summary');
    const badPlan = await postForm(admin, { code: 'htn', definition: JSON.stringify({ ...plan.definition, steps: [] }) });
    expect(badPlan.statusCode).toBe(400);
    const saved = await postForm(admin, { code: 'htn', definition: JSON.stringify({ ...plan.definition, maxAttempts: 5 }) });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe('/app/followup?saved=htn');
    const after = await h.app.inject({ method: 'GET', url: '/app/followup?saved=htn&lang=en', headers: { cookie: `hcrm_session=${admin.token}` } });
    expect(after.body).toContain('Saved plan htn, version 2.');
  });
});
