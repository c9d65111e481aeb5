import { z } from 'zod';

const HourMinute = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'is not a time of day HH:MM');

/** Who works a call task: a role in the encounter's department, or in a named one (by code). */
const Assignee = z.strictObject({
  role: z.enum(['doctor', 'nurse']),
  department: z.union([z.literal('encounter'), z.string().trim().min(1).max(32).describe('department code')]).default('encounter'),
});

const QuestionnaireRef = z.strictObject({ url: z.string().trim().min(1).max(500), version: z.string().max(64).optional() });

const StepBase = {
  key: z.string().trim().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'is not a step key (a-z, 0-9, -)'),
  day: z.number().int().min(0).max(730).describe('Days after the anchor (discharge day, visit day, enrolment day)'),
};

export const PlanStep = z.discriminatedUnion('kind', [
  z.strictObject({
    ...StepBase,
    kind: z.literal('call'),
    channel: z.literal('phone').default('phone'),
    assignee: Assignee,
    title: z.string().trim().min(1).max(200),
    questionnaire: QuestionnaireRef.optional().describe('Filled in on the patient’s behalf during the call'),
  }),
  z.strictObject({
    ...StepBase,
    kind: z.literal('questionnaire'),
    channel: z.enum(['sms', 'email', 'preferred']).default('preferred'),
    questionnaire: QuestionnaireRef,
    purpose: z.enum(['satisfaction', 'followup', 'research', 'screening']).default('followup'),
  }),
  z.strictObject({
    ...StepBase,
    kind: z.literal('care-reminder'),
    channel: z.enum(['sms', 'email', 'preferred']).default('preferred'),
    reminder: z.enum(['recheck', 'text']),
    /** recheck: the follow-up visit (复诊) is expected this many days after the reminder. */
    visitAfterDays: z.number().int().min(0).max(90).default(7),
    text: z.string().trim().min(1).max(300).optional(),
  }),
]);
export type PlanStep = z.infer<typeof PlanStep>;

export const PlanConditions = z.strictObject({
  departments: z.array(z.string().trim().min(1).max(32)).max(50).optional().describe('Department codes; absent: every department'),
  diagnosisPrefixes: z.array(z.string().trim().toUpperCase().min(1).max(10)).max(50).optional().describe('ICD-10 code prefixes (I10, E11)'),
  minAge: z.number().int().min(0).max(130).optional(),
  maxAge: z.number().int().min(0).max(130).optional(),
  encounterClasses: z.array(z.enum(['outpatient', 'emergency', 'inpatient', 'surgery', 'lab', 'exam'])).max(6).optional(),
});
export type PlanConditions = z.infer<typeof PlanConditions>;

export const TRIGGERS = ['discharge', 'outpatient-visit', 'surgery', 'manual'] as const;
export type Trigger = (typeof TRIGGERS)[number];

/** A follow-up plan as staff write it; every version is stored whole. */
export const PlanDefinition = z
  .strictObject({
    name: z.strictObject({ 'zh-CN': z.string().trim().min(1).max(100), en: z.string().trim().min(1).max(100) }),
    trigger: z.enum(TRIGGERS),
    conditions: PlanConditions.default({}),
    /** When calls and messages are allowed, local time; messaging's quiet hours apply on top. */
    hours: z.strictObject({ from: HourMinute, to: HourMinute }).default({ from: '09:00', to: '20:00' }),
    /** Calls not reached are retried up to this many attempts in all. */
    maxAttempts: z.number().int().min(1).max(10).default(3),
    steps: z.array(PlanStep).min(1).max(30),
  })
  .superRefine((plan, issue) => {
    if (plan.hours.from >= plan.hours.to) issue.addIssue({ code: 'custom', path: ['hours', 'to'], message: 'must be after hours.from' });
    const { minAge, maxAge } = plan.conditions;
    if (minAge !== undefined && maxAge !== undefined && minAge > maxAge) issue.addIssue({ code: 'custom', path: ['conditions', 'maxAge'], message: 'is below minAge' });
    const seen = new Set<string>();
    plan.steps.forEach((step, i) => {
      if (seen.has(step.key)) issue.addIssue({ code: 'custom', path: ['steps', i, 'key'], message: `repeats the key "${step.key}"` });
      seen.add(step.key);
      if (step.kind === 'care-reminder' && step.reminder === 'text' && !step.text) issue.addIssue({ code: 'custom', path: ['steps', i, 'text'], message: 'is required for a text reminder' });
    });
  })
  .meta({ id: 'FollowupPlanDefinition' });
export type PlanDefinition = z.infer<typeof PlanDefinition>;
