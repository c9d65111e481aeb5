import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { afterAll } from 'vitest';
import type { Role } from '../../src/lib/context.js';
import { useTestHospital, type StaffSession, type TestHospital } from '../helpers/app.js';

/** Debian's Chromium, never a downloaded one; no network beyond the test server. */
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface BrowserHospital {
  h: TestHospital;
  browser: Browser;
  /** http://127.0.0.1:<port> of the real HTTP server. */
  base: string;
  /** A fresh browser context, closed after the file. */
  context(options?: { width?: number; height?: number }): Promise<BrowserContext>;
  /** A context already signed in as a new staff member of this role (the session cookie set directly). */
  signedIn(role: Role, options?: { width?: number; height?: number; departmentId?: string | null }): Promise<{ context: BrowserContext; staff: StaffSession }>;
}

/** One hospital on a loopback port and one headless Chromium for a test file; both close after its tests. */
export async function useBrowserHospital(options: { now?: string } = {}): Promise<BrowserHospital> {
  // Chromium judges cookie expiry by the real clock, so the hospital's clock starts at real time here (or later,
  // never earlier): a fixed past instant would make the session cookie arrive already expired.
  const h = await useTestHospital({ now: options.now ?? new Date().toISOString() });
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const address = h.app.server.address();
  if (!address || typeof address === 'string') throw new Error('the test server has no TCP address');
  const base = `http://127.0.0.1:${address.port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  afterAll(() => browser.close());

  const context = async (options: { width?: number; height?: number } = {}) =>
    browser.newContext({ baseURL: base, viewport: { width: options.width ?? 1280, height: options.height ?? 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });

  return {
    h,
    browser,
    base,
    context,
    async signedIn(role, options = {}) {
      const staff = await h.signIn(role, options.departmentId === undefined ? {} : { departmentId: options.departmentId });
      const ctx = await context(options);
      await ctx.addCookies([{ name: 'hcrm_session', value: staff.token, url: base, httpOnly: true, sameSite: 'Strict' }]);
      return { context: ctx, staff };
    },
  };
}

/**
 * The next Monday, 10:00 in Beijing, after the real now: for a browser test whose story depends on the day of the
 * week (a Tuesday clinic booked and moved online), at any real time. Ahead of the real clock, so cookies stay valid.
 */
export function nextMondayMorning(real = new Date()): string {
  const monday = new Date(Date.UTC(real.getUTCFullYear(), real.getUTCMonth(), real.getUTCDate(), 2));
  while (monday.getUTCDay() !== 1 || monday <= real) monday.setUTCDate(monday.getUTCDate() + 1);
  return monday.toISOString();
}
