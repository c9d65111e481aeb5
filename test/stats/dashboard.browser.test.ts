import { describe, expect, it } from 'vitest';
import { useBrowserHospital } from '../web/browser.js';
import { satisfactionHospital } from './fixture.js';

/*
 * An administrator opens the dashboard: Chart.js (served by HCRM itself) draws satisfaction by department; a click on
 * the lowest bar (心内科, 3 responses) opens the responses behind it. Nothing is fetched from anywhere else.
 */
const { h, base, signedIn } = await useBrowserHospital();
const f = await satisfactionHospital(h);
// The fixture moves the clock through November; sessions are judged by the browser's real clock.
h.clock.set(new Date());

describe('the statistics dashboard in a browser', () => {
  it('renders the chart and drills down from a bar to the list behind it', async () => {
    const { context } = await signedIn('admin');
    const page = await context.newPage();
    const errors: string[] = [];
    const elsewhere: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('request', (r) => !r.url().startsWith(base) && elsewhere.push(r.url()));

    await page.goto('/app/stats?from=2026-11-01&to=2026-11-21');
    expect(await page.textContent('h1')).toBe('统计分析');
    const canvas = page.locator('#chart-breakdown');
    await expect.poll(() => canvas.getAttribute('data-drawn')).toBe('2');
    expect(await page.locator('[data-figure="responses"]').textContent()).toBe('4');

    // Where Chart.js drew the first bar, in viewport pixels.
    await canvas.scrollIntoViewIfNeeded();
    const point = await page.evaluate(() => {
      const el = document.getElementById('chart-breakdown') as HTMLCanvasElement;
      const chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { getDatasetMeta(i: number): { data: { x: number; y: number; base: number }[] } } } }).Chart.getChart(el);
      const bar = chart.getDatasetMeta(0).data[0]!;
      const box = el.getBoundingClientRect();
      return { x: box.left + bar.x, y: box.top + (bar.y + bar.base) / 2 };
    });
    await page.mouse.click(point.x, point.y);
    await page.waitForURL(/\/app\/stats\/responses\?/, { timeout: 5000 });
    expect(new URL(page.url()).searchParams.get('departmentId')).toBe(f.card);
    const rows = page.locator('table[data-table="responses"] tbody tr');
    expect(await rows.count()).toBe(3);
    expect(await rows.first().locator('td').nth(2).textContent()).toBe('心内科');

    expect(errors).toEqual([]);
    expect(elsewhere).toEqual([]);
  });
});
