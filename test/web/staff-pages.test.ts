import { beforeAll, describe, expect, it } from 'vitest';
import { addEncounter, createPatient } from '../../src/modules/patients/patients.service.js';
import { CreateEncounterBody } from '../../src/modules/patients/patients.schemas.js';
import { localDateTime } from '../../src/web/format.js';
import { TEST_PASSWORD } from '../helpers/app.js';
import { aPatient, residentIdFor } from '../helpers/factories.js';
import { useBrowserHospital, type BrowserHospital } from './browser.js';

/** What a nurse, an agent and an admin do with the staff pages, in a real browser against a real HTTP server. */
describe('the staff pages in a browser', () => {
  let b: BrowserHospital;
  let zhang: { id: string; createdAt: string };
  let general: string;

  beforeAll(async () => {
    b = await useBrowserHospital();
    general = await b.h.department('GEN', '全科');
    zhang = await createPatient(b.h.system(), aPatient({ name: '张三丰', tags: ['高血压随访', '糖尿病'] }));
    await addEncounter(
      b.h.system(),
      zhang.id,
      CreateEncounterBody.parse({
        class: 'outpatient',
        departmentId: general,
        attendingDoctorName: '王医生',
        startAt: '2026-11-02T01:30:00Z',
        chargesCents: 12850,
        diagnoses: [{ code: 'I10', text: '原发性高血压', primary: true }],
      }),
    );
    await createPatient(b.h.system(), aPatient({ name: '李秀英', gender: 'female', birthDate: '1975-09-30' }));
  });

  it('a nurse signs in, types "zsf", sees 张三丰 appear without submitting, and opens the file with its timeline', async () => {
    const nurse = await b.h.signIn('nurse', { departmentId: general });
    const context = await b.context();
    const page = await context.newPage();

    await page.goto('/app/');
    expect(page.url()).toBe(`${b.base}/app/login?next=%2Fapp%2F`);
    await page.getByLabel('用户名').fill(nurse.username);
    await page.getByLabel('密码').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(`${b.base}/app/`);

    // A full page load would lose this marker; results that arrive with it still set came from typing alone.
    await page.evaluate(() => Object.assign(window, { stillThisPage: true }));
    await page.getByRole('searchbox').pressSequentially('zsf', { delay: 60 });
    const result = page.getByRole('link', { name: /张三丰/ });
    await expect.poll(() => result.count()).toBe(1);
    expect(await page.evaluate(() => (window as unknown as { stillThisPage?: boolean }).stillThisPage)).toBe(true);
    await expect.poll(() => result.textContent()).toContain('高血压随访');
    expect(await result.textContent()).toMatch(/139\*{4}\d{4}/);
    await page.screenshot({ path: '/tmp/hcrm-search-desktop.png', fullPage: true });

    await result.click();
    await page.waitForURL(`${b.base}/app/patients/${zhang.id}`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('张三丰');
    const timeline = page.locator('#timeline');
    expect(await timeline.getByRole('heading').textContent()).toBe('时间线');
    // Newest first: the file was opened now (the hospital's clock), after the visit of 2 November came in from the HIS.
    const entries = (await timeline.locator('.tl-item').allTextContents()).map((text) => text.replace(/\s+/g, ' ').trim());
    expect(entries).toHaveLength(2);
    expect(entries[0]).toBe(`${localDateTime(zhang.createdAt, b.h.deps.timeZone)} 建立档案`);
    expect(entries[1]).toBe('2026-11-02 09:30 门诊就诊 I10 原发性高血压 全科');
    await page.screenshot({ path: '/tmp/hcrm-patient-desktop.png', fullPage: true });
    await context.close();
  });

  it('an edit with an invalid resident ID shows the message next to the field and keeps the other input', async () => {
    const { context } = await b.signedIn('nurse', { departmentId: general });
    const page = await context.newPage();
    const valid = residentIdFor('1968-04-12', 'male', '110105', 7);
    const mistyped = `${valid.slice(0, 17)}${valid[17] === '1' ? '2' : '1'}`;

    await page.goto(`/app/patients/${zhang.id}/edit`);
    await page.getByLabel('职业').fill('退休教师');
    await page.getByLabel('身份证号').fill(mistyped);
    await page.getByRole('button', { name: '保存修改' }).click();
    await page.waitForLoadState();

    const residentId = page.getByLabel('身份证号');
    expect(await residentId.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await residentId.getAttribute('aria-describedby')) ?? '';
    expect(describedBy).toContain('f-residentId-error');
    expect(await page.locator('#f-residentId-error').textContent()).toContain('校验位');
    expect(await residentId.inputValue()).toBe(mistyped);
    expect(await page.getByLabel('职业').inputValue()).toBe('退休教师');
    expect(await page.getByRole('alert').textContent()).toContain('身份证号');
    await page.screenshot({ path: '/tmp/hcrm-edit-errors.png', fullPage: true });

    await residentId.fill('');
    await page.getByRole('button', { name: '保存修改' }).click();
    await page.waitForURL(`${b.base}/app/patients/${zhang.id}?notice=saved`);
    expect(await page.getByRole('status').first().textContent()).toContain('患者资料已保存');
    expect(await page.locator('.dl-row', { hasText: '职业' }).textContent()).toContain('退休教师');
    await context.close();
  });

  it('a name that is markup or SQL shows as text, in the results and on the file, and no dialog fires', async () => {
    const names = ['<script>alert(1)</script>', "'); DROP TABLE patients;--"];
    const ids: string[] = [];
    for (const [i, name] of names.entries()) {
      ids.push((await createPatient(b.h.system(), aPatient({ name, identifiers: [{ system: 'his-mrn', value: `XSS00${i}` }] }))).id);
    }
    const { context } = await b.signedIn('agent');
    const page = await context.newPage();
    let dialogs = 0;
    page.on('dialog', (dialog) => {
      dialogs++;
      void dialog.dismiss();
    });

    await page.goto('/app/');
    await page.getByRole('searchbox').pressSequentially('XSS000', { delay: 30 });
    await expect.poll(() => page.locator('.result-name').allTextContents()).toEqual([names[0]]);
    for (const [i, name] of names.entries()) {
      await page.goto(`/app/patients/${ids[i]}`);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(name);
      expect(await page.title()).toContain(name);
    }
    await page.goto(`/app/?q=XSS001`);
    expect(await page.locator('.result-name').allTextContents()).toEqual([names[1]]);
    expect(dialogs).toBe(0);
    await context.close();
  });

  it('switching to English shows English labels and stays English on the next page', async () => {
    const { context } = await b.signedIn('doctor', { departmentId: general });
    const page = await context.newPage();
    await page.goto('/app/');
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(/lang=en/);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Find a patient');
    expect(await page.getByRole('navigation').textContent()).toContain('Patients');

    await page.goto(`/app/patients/${zhang.id}`);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('#timeline h2').textContent()).toBe('Timeline');
    expect(await page.locator('#timeline').textContent()).toContain('Outpatient visit');
    expect(await page.getByRole('link', { name: 'Edit details' }).count()).toBe(1);

    await page.getByRole('link', { name: '中文' }).click();
    await page.waitForURL(/lang=zh-CN/);
    expect(await page.locator('#timeline h2').textContent()).toBe('时间线');
    await context.close();
  });

  it('an unauthenticated visit goes to the sign-in page and, after signing in, back to the page asked for', async () => {
    const nurse = await b.h.signIn('nurse', { departmentId: general });
    const context = await b.context();
    const page = await context.newPage();
    await page.goto(`/app/patients/${zhang.id}`);
    expect(page.url()).toBe(`${b.base}/app/login?next=${encodeURIComponent(`/app/patients/${zhang.id}`)}`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('员工登录');
    await page.screenshot({ path: '/tmp/hcrm-login.png' });

    await page.getByLabel('用户名').fill(nurse.username);
    await page.getByLabel('密码').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(`${b.base}/app/patients/${zhang.id}`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('张三丰');

    await page.getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL(/\/app\/login\?reason=signed-out/);
    await page.goto('/app/');
    expect(page.url()).toContain('/app/login');
    await context.close();
  });

  it('an agent cannot open staff management and is not offered it', async () => {
    const { context } = await b.signedIn('agent');
    const page = await context.newPage();
    await page.goto('/app/');
    expect(await page.getByRole('navigation').getByRole('link').allTextContents()).toEqual(['患者查询', '预约挂号', '呼叫中心', '反馈', '消息']);
    const response = await page.goto('/app/staff');
    expect(response?.status()).toBe(403);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('无权访问');
    await context.close();
  });

  it('an admin creates a staff account from the page, after fixing a password that is too short', async () => {
    const { context } = await b.signedIn('admin');
    const page = await context.newPage();
    await page.goto('/app/staff');
    await page.getByLabel('用户名').fill('wang.hushi');
    await page.getByLabel('姓名').fill('王护士');
    await page.getByLabel('角色').selectOption('nurse');
    await page.getByLabel('科室').selectOption(general);
    await page.getByLabel('初始密码').fill('short');
    await page.getByRole('button', { name: '创建账号' }).click();
    await page.waitForLoadState();

    expect(await page.locator('#f-password-error').textContent()).toContain('至少需要 10 个字符');
    expect(await page.getByLabel('用户名').inputValue()).toBe('wang.hushi');
    expect(await page.getByLabel('科室').inputValue()).toBe(general);

    await page.getByLabel('初始密码').fill('a long enough password');
    await page.getByRole('button', { name: '创建账号' }).click();
    await page.waitForURL(`${b.base}/app/staff?notice=created`);
    const row = page.locator('tr', { hasText: 'wang.hushi' });
    expect(await row.textContent()).toContain('王护士');
    expect(await row.textContent()).toContain('护士');
    expect(await row.textContent()).toContain('全科');
    await page.screenshot({ path: '/tmp/hcrm-staff.png', fullPage: true });

    const signIn = await b.h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'wang.hushi', password: 'a long enough password' } });
    expect(signIn.statusCode).toBe(200);

    await row.getByRole('button', { name: '停用' }).click();
    await page.waitForURL(`${b.base}/app/staff?notice=updated`);
    expect(await page.locator('tr', { hasText: 'wang.hushi' }).textContent()).toContain('已停用');
    await context.close();
  });

  it('the pages work at 375px width without scrolling sideways', async () => {
    const { context } = await b.signedIn('admin', { width: 375, height: 740 });
    const page = await context.newPage();
    const scrollWidth = () => page.evaluate(() => document.scrollingElement!.scrollWidth);
    for (const url of ['/app/?q=zsf', `/app/patients/${zhang.id}`, `/app/patients/${zhang.id}/edit`, '/app/staff']) {
      await page.goto(url);
      expect(await scrollWidth(), url).toBeLessThanOrEqual(375);
    }
    await page.goto('/app/');
    await page.getByRole('searchbox').pressSequentially('zsf', { delay: 30 });
    await expect.poll(() => page.locator('.result').count()).toBeGreaterThan(0);
    expect(await scrollWidth()).toBeLessThanOrEqual(375);
    await page.screenshot({ path: '/tmp/hcrm-search-mobile.png', fullPage: true });
    await page.goto(`/app/patients/${zhang.id}`);
    await page.screenshot({ path: '/tmp/hcrm-patient-mobile.png', fullPage: true });
    await context.close();
  });
});
