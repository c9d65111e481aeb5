import { describe, expect, it } from 'vitest';
import { nextMondayMorning, useBrowserHospital } from '../web/browser.js';
import { residentIdFor } from '../helpers/factories.js';
import { cardiologyClinic, messagesOf } from './clinic.js';

/*
 * 陈静 books her father’s first cardiology visit on her phone (375 pixels), then signs in with the SMS code to move
 * it to a later time and, when plans change, cancels it. Everything on real HTTP in Debian's Chromium.
 */
// On a Monday morning, so the Tuesday clinic is tomorrow and the one after: online moves are open for both.
const { h, context } = await useBrowserHospital({ now: nextMondayMorning() });
const clinic = await cardiologyClinic(h, { capacity: 2, reserve: { web: 1, phone: 0, desk: 0 } });

describe('the booking page on a phone', () => {
  it('books, signs in with the SMS code, reschedules and cancels', async () => {
    const page = await (await context({ width: 375, height: 740 })).newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    const fits = async () => expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);

    await page.goto('/book');
    expect(await page.textContent('h1')).toBe('请选择科室');
    await page.click('text=心内科');
    expect(await page.textContent('h1')).toBe('心内科');
    await fits();
    await page.locator('.book-session a').last().click();
    expect(await page.textContent('h1')).toBe('李明');
    await page.locator('.book-slots a').first().click();
    await page.fill('input[name="name"]', '陈国华');
    await page.fill('input[name="phone"]', '139 1234 0001');
    await page.fill('input[name="residentId"]', residentIdFor('1952-09-10', 'male', '110105', 66));
    await fits();
    await page.click('button[type="submit"]');
    await page.waitForURL(/\/book\/done\//);
    expect(await page.textContent('h1')).toBe('预约成功');

    await page.click('text=我的预约');
    await page.waitForURL(/\/book\/signin/);
    await page.fill('input[name="phone"]', '13912340001');
    await page.click('button[type="submit"]');
    const patient = h.db.$client.prepare("SELECT id FROM patients WHERE phone = '+8613912340001'").get() as { id: string };
    const code = /(\d{6})/.exec(messagesOf(h, patient.id).find((m) => m.purpose === 'appointment-code')!.body)![1]!;
    await page.fill('input[name="code"]', code);
    await page.click('button[type="submit"]');
    await page.waitForURL(/\/book\/mine$/);
    expect(await page.textContent('.book-status')).toBe('已预约');
    await fits();

    await page.click('text=改约');
    await page.locator('input[name="slotId"]').last().check();
    await page.click('button[type="submit"]');
    await page.waitForURL(/\/book\/mine$/);
    const statuses = await page.locator('.book-status').allTextContents();
    expect(statuses.sort()).toEqual(['已取消', '已预约']);

    await page.click('button:has-text("取消预约")');
    await page.waitForURL(/\/book\/mine$/);
    expect(await page.locator('.book-status').allTextContents()).toEqual(['已取消', '已取消']);
    expect(errors).toEqual([]);
  });

  it('reads in English too', async () => {
    const page = await (await context({ width: 375, height: 740 })).newPage();
    await page.goto(`/book?department=${clinic.departmentId}&lang=en`);
    expect(await page.textContent('h1')).toBe('CARD'); // the test hospital's English department name
    expect(await page.textContent('.book-nav')).toContain('My appointments');
  });
});
