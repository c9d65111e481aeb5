import type { Task } from '../../../jobs/task.js';
import { takeRfmSnapshots } from '../rfm-snapshot.service.js';

/** 01:45 local, after the rollups: the month's RFM snapshot as of yesterday (and any month a missed night left). */
export const statsRfmSnapshotTask: Task = {
  name: 'stats.rfm-snapshot',
  schedule: '45 1 * * *',
  run: async (ctx) => {
    const report = await takeRfmSnapshots(ctx);
    return { snapshots: report.snapshots, patients: report.patients };
  },
};
