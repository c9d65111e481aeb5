import { describe, expect, it } from 'vitest';
import { useTestHospital } from '../helpers/app.js';
import { satisfactionHospital } from './fixture.js';

/*
 * The dashboard computes its first screen only; every further table is a section whose content the page fetches from
 * /app/stats/fragment/<name>, with the same figures, checks and scope as the table's own page and CSV.
 */
const h = await useTestHospital();
const f = await satisfactionHospital(h);
const admin = await h.signIn('admin');
const cardManager = await h.signIn('manager', { departmentId: f.card });
const PERIOD = 'from=2026-11-01&to=2026-11-21';
const get = (url: string, headers: Record<string, string> = admin.headers) => h.app.inject({ method: 'GET', url, headers });

describe('tables loaded on demand', () => {
  it('the page names each further table and where to fetch it, without computing it', async () => {
    const page = (await get(`/app/stats?${PERIOD}`)).body;
    expect(page).toContain(`data-lazy-table="/app/stats/fragment/pyramid?from=2026-11-01&amp;to=2026-11-21`);
    expect(page).toContain(`href="/app/stats/table/pyramid?from=2026-11-01&amp;to=2026-11-21`);
    expect(page).not.toContain('data-table="pyramid"');
    // Satisfaction's tables stay on the first screen.
    expect(page).toContain('data-table="aspects"');
  });

  it('a fragment is the table its own page shows', async () => {
    const fragment = await get(`/app/stats/fragment/pyramid?${PERIOD}&lang=en`);
    expect(fragment.statusCode).toBe(200);
    expect(fragment.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(fragment.body.startsWith('<')).toBe(true);
    expect(fragment.body).not.toContain('<html');
    const own = (await get(`/app/stats/table/pyramid?${PERIOD}&lang=en`)).body;
    const table = (body: string) => body.slice(body.indexOf('<table'), body.indexOf('</table>') + 8);
    expect(table(fragment.body)).toContain('data-table="pyramid"');
    expect(table(fragment.body)).toBe(table(own));
  });

  it('keeps the checks: signed in, hospital-wide tables for administrators, managers in their department, known names', async () => {
    expect((await get(`/app/stats/fragment/messages?${PERIOD}`, {})).statusCode).toBeGreaterThanOrEqual(300);
    expect((await get(`/app/stats/fragment/messages?${PERIOD}`, cardManager.headers)).statusCode).toBe(403);
    expect((await get(`/app/stats/fragment/pyramid?${PERIOD}&departmentId=${f.orth}`, cardManager.headers)).statusCode).toBe(403);
    expect((await get(`/app/stats/fragment/pyramid?${PERIOD}`, cardManager.headers)).statusCode).toBe(200);
    expect((await get(`/app/stats/fragment/patients?${PERIOD}`)).statusCode).toBe(404);
    expect((await get(`/app/stats/fragment/pyramid?from=2026-13-01`)).statusCode).toBe(400);
  });

  it('the RFM page shows the from → to matrix and says what it is as of', async () => {
    const rfm = (await get(`/app/stats/table/rfm?${PERIOD}&lang=en`)).body;
    expect(rfm).toContain('Segments as of 2026-11-21, computed now; movement from 2026-10-31.');
    expect(rfm).toContain('<th scope="col">→ Champions</th>');
    expect(rfm).toContain('Not seen before');
  });

  it('refuses a bad channel or status on a table, its fragment and its CSV: 400, the field named, nothing computed', async () => {
    for (const [url, field] of [
      [`/app/stats/table/appointment-list?${PERIOD}&channel=fax`, 'channel'],
      [`/app/stats/table/appointment-list?${PERIOD}&status=lost`, 'status'],
      [`/app/stats/fragment/appointments?${PERIOD}&channel=WEB`, 'channel'],
      [`/app/stats/fragment/appointment-channels?${PERIOD}&channel=web&channel=phone`, 'channel'],
      [`/app/stats/export/appointment-list.csv?${PERIOD}&status=${encodeURIComponent('<script>alert(1)</script>')}`, 'status'],
      [`/app/stats/export/appointments.csv?${PERIOD}&channel=${'w'.repeat(5000)}`, 'channel'],
    ] as const) {
      const reply = await get(url);
      expect(reply.statusCode, url).toBe(400);
      expect(reply.headers['content-type']).toContain('text/html');
      expect(reply.body).toContain(`<li data-field="${field}"><code>${field}</code>: `);
      expect(reply.body).not.toContain('<script>alert(1)</script>');
      expect(reply.body).not.toContain('data-table=');
    }
    // The same filters with good values: the table and its CSV.
    expect((await get(`/app/stats/table/appointment-list?${PERIOD}&channel=phone&status=cancelled`)).statusCode).toBe(200);
    const csv = await get(`/app/stats/export/appointment-list.csv?${PERIOD}&channel=web&status=no_show`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
  });

  it('serves fragments of the lazy sections only: a table on the first screen or with a page of its own answers 404 there', async () => {
    for (const name of ['rfm', 'appointment-list', 'responses', 'comments', 'aspects', 'breakdown']) {
      const fragment = await get(`/app/stats/fragment/${name}?${PERIOD}`);
      expect(fragment.statusCode, name).toBe(404);
      expect(fragment.body).toContain('data-code="stats.not_a_section"');
      expect(fragment.body).not.toContain('data-table=');
      expect((await get(`/app/stats/table/${name}?${PERIOD}`)).statusCode, name).toBe(200);
    }
  });
});
