import { describe, expect, it } from 'vitest';
import { RoutingRuleList } from '../../src/modules/feedback/feedback.schemas.js';
import { useBrowserHospital } from '../web/browser.js';

const { h, signedIn } = await useBrowserHospital();
await h.department('QUALITY', '质控办');
const admin = await h.signIn('admin');
const rules = async () => RoutingRuleList.parse((await h.app.inject({ method: 'GET', url: '/api/feedback/rules', headers: admin.headers })).json()).items;

describe('the routing-rule page', () => {
  it('lets an admin add a rule, change it in place, and see why a rule that routes nowhere is refused', async () => {
    const { context } = await signedIn('admin');
    const page = await context.newPage();
    await page.goto('/app/feedback');
    await page.getByRole('link', { name: '反馈路由规则' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('反馈路由规则');

    const form = page.locator('form[action="/app/feedback/rules"]');
    await form.locator('input[name=name]').fill('收费投诉<script>alert(1)</script>');
    await form.locator('select[name=category]').selectOption('billing');
    await form.locator('select[name=severity]').selectOption('high');
    await form.locator('input[name=assigneeGroup]').fill('QUALITY');
    await form.locator('input[name=deadlineHours]').fill('2');
    await form.locator('button').click();
    await expect.poll(() => page.locator('.banner-success').textContent()).toContain('路由规则已保存');
    const [rule] = await rules();
    expect(rule).toMatchObject({ name: '收费投诉<script>alert(1)</script>', category: 'billing', severity: 'high', assigneeGroup: 'QUALITY', deadlineHours: 2, active: true, version: 1 });
    expect(await page.locator(`[data-rule="${rule!.id}"] h2`).textContent()).toContain('收费投诉<script>alert(1)</script>');

    const card = page.locator(`[data-rule="${rule!.id}"]`);
    await card.locator('input[name=deadlineHours]').fill('4');
    await card.locator('input[name=active]').uncheck();
    await card.locator('button').click();
    await expect.poll(() => page.locator('.banner-success').textContent()).toContain('路由规则已保存');
    expect((await rules())[0]).toMatchObject({ deadlineHours: 4, active: false, version: 2 });
    expect(await page.locator(`[data-rule="${rule!.id}"] .badge`).textContent()).toBe('未启用');

    await form.locator('input[name=name]').fill('没有负责人的规则');
    await form.locator('input[name=deadlineHours]').fill('8');
    const [refused] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/app/feedback/rules') && r.request().method() === 'POST'), form.locator('button').click()]);
    expect(refused.status()).toBe(400);
    expect(await page.locator('.banner-error').textContent()).toContain('assigneeId');
    expect(await rules()).toHaveLength(1);
    await context.close();
  });
});
