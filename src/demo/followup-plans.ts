import type { ServiceContext } from '../lib/context.js';
import type { PlanBody } from '../modules/followup/plans/plans.schemas.js';
import { savePlan } from '../modules/followup/plans/plans.service.js';
import { PlanDefinition } from '../modules/followup/plans/plan-definition.js';

const Q = (name: string) => ({ url: `https://hcrm.example/fhir/Questionnaire/${name}` });

/** The follow-up plans a new hospital starts with (随访方案); staff change them into new versions. */
export const DEFAULT_PLANS: { code: string; definition: unknown }[] = [
  {
    code: 'inpatient-discharge',
    definition: {
      name: { 'zh-CN': '出院患者随访', en: 'After discharge' },
      trigger: 'discharge',
      steps: [
        { key: 'day3-call', day: 3, kind: 'call', assignee: { role: 'nurse' }, title: '出院第3天电话随访' },
        { key: 'day7-satisfaction', day: 7, kind: 'questionnaire', questionnaire: Q('inpatient-satisfaction'), purpose: 'satisfaction' },
        { key: 'day30-recheck', day: 30, kind: 'care-reminder', reminder: 'recheck', visitAfterDays: 7 },
      ],
    },
  },
  {
    code: 'post-surgery',
    definition: {
      name: { 'zh-CN': '术后随访', en: 'After surgery' },
      trigger: 'surgery',
      steps: [
        { key: 'day3-call', day: 3, kind: 'call', assignee: { role: 'nurse' }, title: '术后第3天电话随访', questionnaire: Q('post-surgery-followup') },
        { key: 'day14-questionnaire', day: 14, kind: 'questionnaire', questionnaire: Q('post-surgery-followup') },
        { key: 'day30-recheck', day: 30, kind: 'care-reminder', reminder: 'recheck', visitAfterDays: 7 },
      ],
    },
  },
  {
    code: 'hypertension',
    definition: {
      name: { 'zh-CN': '高血压慢病随访', en: 'Hypertension follow-up' },
      trigger: 'outpatient-visit',
      conditions: { diagnosisPrefixes: ['I10', 'I11', 'I12', 'I13', 'I15'], minAge: 18 },
      steps: [
        { key: 'day7-questionnaire', day: 7, kind: 'questionnaire', questionnaire: Q('hypertension-followup') },
        { key: 'day30-call', day: 30, kind: 'call', assignee: { role: 'nurse' }, title: '高血压月度电话随访', questionnaire: Q('hypertension-followup') },
        { key: 'day90-research', day: 90, kind: 'questionnaire', questionnaire: Q('hypertension-followup'), purpose: 'research' },
      ],
    },
  },
  {
    code: 'diabetes',
    definition: {
      name: { 'zh-CN': '糖尿病慢病随访', en: 'Diabetes follow-up' },
      trigger: 'outpatient-visit',
      conditions: { diagnosisPrefixes: ['E10', 'E11', 'E13', 'E14'], minAge: 18 },
      steps: [
        { key: 'day14-questionnaire', day: 14, kind: 'questionnaire', questionnaire: Q('diabetes-followup') },
        { key: 'day90-call', day: 90, kind: 'call', assignee: { role: 'doctor' }, title: '糖尿病季度随访', questionnaire: Q('diabetes-followup') },
      ],
    },
  },
  {
    code: 'tcm-outpatient',
    definition: {
      name: { 'zh-CN': '中医门诊随访', en: 'TCM outpatient follow-up' },
      trigger: 'outpatient-visit',
      conditions: { departments: ['TCM'] },
      steps: [{ key: 'day7-questionnaire', day: 7, kind: 'questionnaire', questionnaire: Q('tcm-followup') }],
    },
  },
];

/** Writes the default plans that the hospital does not have yet. Departments named must exist. */
export async function seedFollowupPlans(ctx: ServiceContext, existingCodes: Set<string> = new Set()): Promise<number> {
  let n = 0;
  for (const plan of DEFAULT_PLANS) {
    if (existingCodes.has(plan.code)) continue;
    const body: PlanBody = { code: plan.code, status: 'active', definition: PlanDefinition.parse(plan.definition) };
    await savePlan(ctx, body);
    n++;
  }
  return n;
}
