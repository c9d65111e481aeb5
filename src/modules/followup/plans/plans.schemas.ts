import { z } from 'zod';
import { FollowupTask, FollowupVisit } from '../worklist/worklist.schemas.js';
import { PlanDefinition } from './plan-definition.js';

export const PlanBody = z
  .strictObject({
    code: z.string().trim().regex(/^[a-z0-9][a-z0-9-]{1,63}$/, 'is not a plan code (a-z, 0-9, -)'),
    status: z.enum(['active', 'retired']).default('active'),
    definition: PlanDefinition,
  })
  .meta({ id: 'FollowupPlanBody' });
export type PlanBody = z.infer<typeof PlanBody>;

export const FollowupPlan = z
  .object({
    id: z.string(),
    code: z.string(),
    version: z.number().int(),
    status: z.enum(['active', 'retired']),
    definition: PlanDefinition,
    createdAt: z.string(),
    createdBy: z.string(),
    scheduledSteps: z.number().int().optional().describe('Steps of this plan still scheduled, across patients'),
  })
  .meta({ id: 'FollowupPlan' });
export type FollowupPlan = z.infer<typeof FollowupPlan>;

export const SavedPlan = FollowupPlan.extend({ replanned: z.number().int().describe('Patients moved onto this version') }).meta({ id: 'SavedFollowupPlan' });
export const PlanList = z.object({ items: z.array(FollowupPlan) }).meta({ id: 'FollowupPlanList' });
export const PlanVersions = z.object({ current: FollowupPlan, versions: z.array(FollowupPlan) }).meta({ id: 'FollowupPlanVersions' });
export const PlanCodeParams = z.object({ code: z.string().min(1).max(64) });

export const EnrolBody = z
  .strictObject({
    planCode: z.string().min(1).max(64),
    encounterId: z.string().min(1).max(64).optional().describe('The visit the follow-up is about'),
    fromDate: z.iso.date().optional().describe('Day the step offsets count from; default today'),
    note: z.string().trim().max(200).optional(),
  })
  .meta({ id: 'EnrolBody' });
export type EnrolBody = z.infer<typeof EnrolBody>;
export const Enrolled = z.object({ enrolmentId: z.string(), scheduledSteps: z.number().int() }).meta({ id: 'Enrolled' });

export const KeepVersionBody = z.strictObject({ keep: z.boolean() }).meta({ id: 'KeepVersionBody' });
export type KeepVersionBody = z.infer<typeof KeepVersionBody>;
export const KeptVersion = z.object({ id: z.string(), planVersion: z.number().int(), keepVersion: z.boolean() }).meta({ id: 'KeptVersion' });
export const EnrolmentIdParams = z.object({ id: z.string().min(1).max(64) });

export const PatientFollowup = z
  .object({
    enrolments: z.array(
      z.object({
        id: z.string(),
        plan: z.object({ code: z.string(), version: z.number().int(), latestVersion: z.number().int(), name: z.object({ 'zh-CN': z.string(), en: z.string() }) }),
        trigger: z.enum(['discharge', 'outpatient-visit', 'surgery', 'manual']),
        encounterId: z.string().nullable(),
        departmentId: z.string().nullable(),
        anchorDate: z.string(),
        reason: z.string().describe('Why the patient is on the plan'),
        keepVersion: z.boolean(),
        status: z.enum(['active', 'stopped']),
        stopReason: z.string().nullable(),
        steps: z.array(
          z.object({
            id: z.string(),
            key: z.string(),
            kind: z.enum(['call', 'questionnaire', 'care-reminder']),
            day: z.number().int(),
            planVersion: z.number().int(),
            dueAt: z.string(),
            status: z.enum(['scheduled', 'done', 'cancelled']),
            result: z.string().nullable(),
            doneAt: z.string().nullable(),
          }),
        ),
      }),
    ),
    tasks: z.array(FollowupTask),
    visits: z.array(FollowupVisit),
  })
  .meta({ id: 'PatientFollowup' });
export type PatientFollowup = z.infer<typeof PatientFollowup>;
