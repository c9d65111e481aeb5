import type { Task } from '../../../jobs/task.js';
import { rollUpFinishedMonths } from '../month-rollup.service.js';
import { rollUpFinishedDays } from '../rollup.service.js';

/** 01:30 local: yesterday's satisfaction joins the rollups (and any day a missed run left behind); finished months join the service rollups. */
export const statsRollupTask: Task = {
  name: 'stats.rollup',
  schedule: '30 1 * * *',
  run: async (ctx) => {
    const report = await rollUpFinishedDays(ctx);
    const months = await rollUpFinishedMonths(ctx);
    return { days: report.days, responses: report.responses, monthlyRows: months.rows, appointmentMonths: months.months.appointments, dischargeMonths: months.months.discharges, callAttemptMonths: months.months['call-attempts'] };
  },
};
