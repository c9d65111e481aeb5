import { describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/lib/transaction.js';
import { createInvitation } from '../../src/modules/followup/followup.service.js';
import { addEncounter, createPatient } from '../../src/modules/patients/patients.service.js';
import { aPatient } from '../helpers/factories.js';
import { useBrowserHospital } from '../web/browser.js';

/*
 * 李建国 had surgery; the plan's invitation (created through the service verb, as follow-up plans will) reaches
 * his phone. On a 375-pixel screen he answers; questions appear and disappear as his answers branch.
 */
const { h, context } = await useBrowserHospital();
const surgery = await h.department('SURG', '普外科');

async function linkFor(): Promise<string> {
  const patient = await createPatient(h.system(), aPatient({ name: '李建国', identifiers: [] }));
  await addEncounter(h.system(), patient.id, { class: 'surgery', status: 'finished', departmentId: surgery, startAt: new Date().toISOString(), chargesCents: 0, diagnoses: [], procedures: [] });
  const created = inTransaction(h.system(), (tx) =>
    createInvitation(tx, h.system(), { patientId: patient.id, questionnaire: { url: 'https://hcrm.example/fhir/Questionnaire/post-surgery-followup' }, departmentId: surgery, purpose: 'followup' }),
  );
  return new URL(created.link).pathname;
}

describe('the patient’s form on a phone', () => {
  it('branches as the patient answers, submits once and thanks them', async () => {
    const path = await linkFor();
    const page = await (await context({ width: 375, height: 740 })).newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(path);
    expect(await page.title()).toBe('术后随访问卷');
    const feverMax = page.locator('[data-link-id="fever-max"]');
    const warning = page.locator('[data-link-id="seek-care"]');
    await expect.poll(() => feverMax.isHidden()).toBe(true);

    await page.fill('input[name="q:pain-score"]', '3');
    await page.check('input[name="q:wound"][value="healed"]');
    await page.check('input[name="q:fever"][value="true"]');
    await expect.poll(() => feverMax.isVisible()).toBe(true);
    await page.fill('input[name="q:fever-max"]', '39.2');
    await expect.poll(() => warning.isVisible()).toBe(true);
    await page.check('input[name="q:fever"][value="false"]');
    await expect.poll(() => feverMax.isHidden()).toBe(true);
    await expect.poll(() => warning.isHidden()).toBe(true);
    await page.check('input[name="q:symptoms"][value="nausea"]');
    await page.check('input[name="q:symptoms"][value="bleeding"]');

    // The page fits the phone: nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.click('button[value="submit"]');
    await page.waitForURL(/\/q\/thanks/);
    expect(await page.textContent('h1')).toBe('感谢您的填写');
    expect(errors).toEqual([]);

    const stored = h.db.$client.prepare("SELECT link_id FROM questionnaire_answers a JOIN questionnaire_responses r ON r.id = a.response_id WHERE r.source = 'patient' ORDER BY link_id").all() as { link_id: string }[];
    expect(stored.map((r) => r.link_id)).toEqual(['fever', 'pain-score', 'symptoms', 'symptoms', 'wound']);

    await page.goto(path);
    expect(await page.textContent('h1')).toBe('问卷已提交');
  });

  it('works without its script: the server shows the branch and the missing answer after submitting', async () => {
    const path = await linkFor();
    const ctx = await h.app.inject({ method: 'GET', url: path });
    expect(ctx.statusCode).toBe(200);
    const page = await (await context({ width: 375, height: 740 })).browser()!.newContext({ javaScriptEnabled: false, viewport: { width: 375, height: 740 }, baseURL: `http://127.0.0.1:${(h.app.server.address() as { port: number }).port}` }).then((c) => c.newPage());
    await page.goto(`${path}?lang=en`);
    expect(await page.locator('[data-link-id="fever-max"]').isHidden()).toBe(true);
    await page.fill('input[name="q:pain-score"]', '2');
    await page.check('input[name="q:wound"][value="healed"]');
    await page.check('input[name="q:fever"][value="true"]');
    await page.click('button[value="submit"]');
    expect(await page.locator('[data-link-id="fever-max"]').isVisible()).toBe(true);
    expect(await page.textContent('[data-link-id="fever-max"] .field-error')).toBe('Please answer this question.');
    await page.fill('input[name="q:fever-max"]', '38.4');
    await page.click('button[value="submit"]');
    await page.waitForURL(/\/q\/thanks/);
    expect(await page.textContent('h1')).toBe('Thank you');
  });
});
