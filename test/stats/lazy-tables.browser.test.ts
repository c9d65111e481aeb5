import { describe, expect, it } from 'vitest';
import { useBrowserHospital } from '../web/browser.js';
import { satisfactionHospital } from './fixture.js';

/*
 * An administrator scrolls down the dashboard: the tables past the first screen arrive as they come into view, and
 * printing first fetches every one still missing, so the printout is complete.
 */
const { h, signedIn } = await useBrowserHospital();
await satisfactionHospital(h);
h.clock.set(new Date());

describe('the dashboard loads its further tables on demand', () => {
  it('fetches a table when it scrolls into view, and all of them before printing', async () => {
    const { context } = await signedIn('admin');
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.setViewportSize({ width: 1200, height: 700 });

    await page.goto('/app/stats?from=2026-11-01&to=2026-11-21');
    const lazy = page.locator('[data-lazy-table]');
    const total = await lazy.count();
    expect(total).toBeGreaterThan(5);
    const loaded = () => page.locator('[data-lazy-table][data-loaded="true"]').count();
    // Far below the first screen: not fetched yet.
    expect(await page.locator('#t-campaigns').evaluate((el) => el.closest('section')!.querySelector('[data-loaded]'))).toBeNull();

    await page.locator('#t-pyramid').scrollIntoViewIfNeeded();
    await expect.poll(() => page.locator('table[data-table="pyramid"] tbody tr').count()).toBe(10);

    await page.evaluate(() => {
      window.print = () => document.body.setAttribute('data-printed', String(document.querySelectorAll('[data-lazy-table]:not([data-loaded])').length));
    });
    await page.locator('[data-print]').first().click();
    await expect.poll(() => page.locator('body').getAttribute('data-printed')).toBe('0');
    expect(await loaded()).toBe(total);
    expect(errors).toEqual([]);
  });

  it('says when a table could not be fetched and fetches it again when asked', async () => {
    const { context } = await signedIn('admin');
    const page = await context.newPage();
    await page.setViewportSize({ width: 1200, height: 700 });
    // The first fetch of the pyramid meets a server that is restarting; the next one gets through.
    let refused = 0;
    await page.route('**/app/stats/fragment/pyramid?*', async (route) => {
      if (refused++ === 0) return route.fulfill({ status: 503, contentType: 'application/problem+json', body: '{"status":503}' });
      return route.continue();
    });
    await page.goto('/app/stats?from=2026-11-01&to=2026-11-21');
    const box = page.locator('#t-pyramid').locator('xpath=ancestor::section').locator('[data-lazy-table]');
    await page.locator('#t-pyramid').scrollIntoViewIfNeeded();
    const failed = box.locator('.lazy-failed');
    await expect.poll(() => failed.isVisible()).toBe(true);
    expect(await failed.textContent()).toContain('此表未能加载');
    expect(await box.locator('.lazy-loading').isVisible()).toBe(false);

    await box.locator('[data-lazy-retry]').click();
    await expect.poll(() => page.locator('table[data-table="pyramid"] tbody tr').count()).toBe(10);
    expect(await box.getAttribute('data-loaded')).toBe('true');
    expect(refused).toBe(2);
  });
});
