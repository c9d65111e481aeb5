import type { Task } from '../../../jobs/task.js';
import { rollUpFinishedDays } from '../rollup.service.js';

/** 01:30 local: yesterday's satisfaction joins the rollups (and any day a missed run left behind). */
export const statsRollupTask: Task = {
  name: 'stats.rollup',
  schedule: '30 1 * * *',
  run: async (ctx) => {
    const report = await rollUpFinishedDays(ctx);
    return { days: report.days, responses: report.responses };
  },
};
