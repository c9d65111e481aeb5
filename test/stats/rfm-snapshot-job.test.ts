import { describe, expect, it } from 'vitest';
import { JobRun } from '../../src/jobs/jobs.schemas.js';
import { rebuildRfmSnapshots, takeRfmSnapshots } from '../../src/modules/stats/rfm-snapshot.service.js';
import { useTestHospital } from '../helpers/app.js';

/*
 * The nightly RFM snapshot on a hospital with no visits yet (a fresh install): it succeeds with nothing to do and
 * writes nothing; and only administrators may start it, by the jobs API or the service verb.
 */
const h = await useTestHospital();
const admin = await h.signIn('admin');
const manager = await h.signIn('manager', { departmentId: await h.department('CARD', '心内科') });
const doctor = await h.signIn('doctor');
const snapshots = () => (h.db.$client.prepare('SELECT count(*) AS n FROM stats_rfm_snapshots').get() as { n: number }).n;
const runs = () => (h.db.$client.prepare("SELECT count(*) AS n FROM job_runs WHERE job = 'stats.rfm-snapshot'").get() as { n: number }).n;
const run = (headers: Record<string, string>) => h.app.inject({ method: 'POST', url: '/api/jobs/stats.rfm-snapshot/run', headers });

describe('the RFM snapshot job on an empty database', () => {
  it('refuses managers and doctors (403 problem+json) and runs nothing', async () => {
    for (const session of [manager, doctor]) {
      const refused = await run(session.headers);
      expect(refused.statusCode).toBe(403);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.json()).toMatchObject({ status: 403, code: 'auth.forbidden' });
    }
    expect(runs()).toBe(0);
    const asManager = { ...h.system(), actor: { kind: 'staff' as const, id: manager.id, role: 'manager' as const, departmentId: null, username: manager.username } };
    await expect(takeRfmSnapshots(asManager)).rejects.toMatchObject({ status: 403, code: 'auth.forbidden' });
    await expect(rebuildRfmSnapshots(asManager)).rejects.toMatchObject({ status: 403 });
    expect(snapshots()).toBe(0);
  });

  it('succeeds with nothing to snapshot, twice, and the RFM page shows every movement zero, computed live', async () => {
    for (let i = 0; i < 2; i++) {
      const reply = await run(admin.headers);
      expect(reply.statusCode, reply.body).toBe(200);
      expect(JobRun.parse(reply.json())).toMatchObject({ status: 'succeeded', counts: { snapshots: 0, patients: 0 }, error: null });
    }
    expect(snapshots()).toBe(0);
    expect(await rebuildRfmSnapshots(h.system())).toEqual({ snapshots: 0, from: null, to: null, patients: 0 });
    const page = await h.app.inject({ method: 'GET', url: '/app/stats/table/rfm?from=2026-11-01&to=2026-11-21', headers: admin.headers });
    expect(page.statusCode).toBe(200);
    // Computed live (no snapshot to read), every movement zero.
    expect(page.body).toContain('实时计算');
    const cells = page.body.match(/<td data-label="→ [^"]*">\d+<\/td>/g) ?? [];
    expect(cells.length).toBeGreaterThan(0);
    expect(cells.every((cell) => cell.endsWith('>0</td>'))).toBe(true);
  });
});
