import { describe, expect, it } from 'vitest';
import { createArticle } from '../../src/modules/consultations/knowledge.service.js';
import { createPatient } from '../../src/modules/patients/patients.service.js';
import { aPatient } from '../helpers/factories.js';
import { useBrowserHospital } from '../web/browser.js';

const { h, base, context: newContext, signedIn } = await useBrowserHospital();
const department = await h.department('ENT', '耳鼻喉科');
const manager = await h.signIn('manager', { departmentId: department });
const patient = await createPatient(h.system(), aPatient({ name: '黄美玲', phone: '13712345678' }));
await createArticle(h.system(), { category: 'address_route', title: '医院地址', body: '建国路88号，地铁国贸站B口', keywords: '地址' });

describe('the agent console', () => {
  it('takes a call from lookup to consultation, contact and complaint without leaving the caller\'s card', async () => {
    const { context } = await signedIn('agent');
    const page = await context.newPage();
    await page.goto('/app/callcentre');
    await page.fill('#f-phone', '+86 137-1234-5678');
    await page.click('form[role=search] button');
    await expect.poll(() => page.locator('.caller-card h2').first().textContent()).toContain('黄美玲');

    await page.selectOption('#f-category', 'address_route');
    await page.fill('#f-question', '医院怎么走？');
    await page.selectOption('#f-article', { label: '医院地址 (v1)' });
    await page.click('form[action="/app/callcentre/consultations"] button');
    await expect.poll(() => page.locator('.banner-success').textContent()).toContain('咨询已保存');
    expect(page.url()).toContain(`patient=${patient.id}`);

    await page.selectOption('#f-kind', 'call_in');
    await page.selectOption('#f-outcome', 'reached');
    await page.fill('#f-summary', '询问医院地址');
    await page.click('form[action="/app/callcentre/contacts"] button');
    await expect.poll(() => page.locator('.banner-success').textContent()).toContain('联络已记录');
    await expect.poll(() => page.locator('.caller-card').textContent()).toContain('询问医院地址');

    await page.selectOption('#f-fcategory', 'waiting_time');
    await page.selectOption('#f-severity', 'high');
    await page.selectOption('#f-department', department);
    await page.fill('#f-text', '<script>alert(1)</script>排队两小时');
    await page.click('form[action="/app/callcentre/complaints"] button');
    await expect.poll(() => page.locator('.banner-success').textContent()).toContain('投诉已登记');
    // The open complaint is flagged on the card and marks the caller at risk.
    await expect.poll(() => page.locator('.caller-card [data-flagged]').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-risk]').textContent()).toContain('有未结投诉');

    const consultation = h.db.$client.prepare('SELECT answer, article_version_id AS article FROM consultations WHERE patient_id = ?').get(patient.id) as { answer: string; article: string };
    expect(consultation.answer).toContain('国贸站');
    await context.close();
  });

  it('shows the manager the complaint with its countdown, the text escaped', async () => {
    const context = await newContext();
    await context.addCookies([{ name: 'hcrm_session', value: manager.token, url: base, httpOnly: true, sameSite: 'Strict' }]);
    const page = await context.newPage();
    let alerted = false;
    page.on('dialog', (dialog) => {
      alerted = true;
      void dialog.dismiss();
    });
    await page.goto('/app/feedback');
    const row = page.locator('tr[data-feedback]').first();
    expect(await row.textContent()).toContain('<script>alert(1)</script>排队两小时');
    expect(await row.locator('.badge').first().textContent()).toMatch(/剩余 \d+ 小时/);
    expect(alerted).toBe(false);
    await context.close();
  });
});
