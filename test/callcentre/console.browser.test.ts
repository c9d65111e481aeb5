import { describe, expect, it } from 'vitest';
import { createArticle } from '../../src/modules/consultations/knowledge.service.js';
import { createPatient } from '../../src/modules/patients/patients.service.js';
import { aPatient } from '../helpers/factories.js';
import { aWav } from '../helpers/security.js';
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

  it("takes the manager from the inbox to their staff's contacts: plays the recording, scores the call; the agent only sees that a recording exists", async () => {
    const deskAgent = await h.signIn('agent', { departmentId: department, username: 'agent.ent' });
    const call = await h.app.inject({ method: 'POST', url: '/api/contacts', headers: deskAgent.headers, payload: { patientId: patient.id, kind: 'call_out', outcome: 'reached', summary: '提醒复诊 <b>明天</b>' } });
    expect(call.statusCode, call.body).toBe(201);
    const wav = aWav();
    const up = await h.app.inject({ method: 'POST', url: `/api/contacts/${call.json().id}/recordings`, headers: { ...deskAgent.headers, 'content-type': 'audio/wav' }, payload: wav });
    expect(up.statusCode, up.body).toBe(201);

    const context = await newContext();
    await context.addCookies([{ name: 'hcrm_session', value: manager.token, url: base, httpOnly: true, sameSite: 'Strict' }]);
    const page = await context.newPage();
    await page.goto('/app/feedback');
    await page.getByRole('link', { name: '联络记录与质检' }).click();
    await page.selectOption('#c-staff', { label: 'agent.ent' });
    await page.click('form[action="/app/contacts"] button');
    const row = page.locator(`tr[data-contact="${call.json().id}"]`);
    expect(await row.textContent()).toContain('提醒复诊 <b>明天</b>');
    const audio = row.locator('audio');
    expect(await audio.getAttribute('src')).toBe(`/api/recordings/${up.json().id}`);
    // The player's address plays with the page's session.
    const played = await page.request.get(`/api/recordings/${up.json().id}`);
    expect(played.status()).toBe(200);
    expect(played.headers()['content-type']).toBe('audio/wav');
    expect((await played.body()).equals(wav)).toBe(true);

    await row.locator('select[name=score]').selectOption('4');
    await row.locator('input[name=note]').fill('语气友好');
    await row.locator('button').click();
    await expect.poll(() => page.locator('.banner-success').textContent()).toContain('评分已保存');
    expect(await page.locator(`tr[data-contact="${call.json().id}"] [data-score]`).getAttribute('data-score')).toBe('4');
    await context.close();

    const agentContext = await newContext();
    await agentContext.addCookies([{ name: 'hcrm_session', value: deskAgent.token, url: base, httpOnly: true, sameSite: 'Strict' }]);
    const agentPage = await agentContext.newPage();
    await agentPage.goto('/app/contacts');
    const own = agentPage.locator(`tr[data-contact="${call.json().id}"]`);
    expect(await own.locator('audio').count()).toBe(0);
    expect(await own.locator('[data-recording]').textContent()).toContain('已存录音');
    expect(await own.locator('form').count()).toBe(0);
    await agentContext.close();
  });
});
