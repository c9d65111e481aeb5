import { z } from 'zod';
import { PageQuery } from '../../../lib/pagination.js';

export const WorklistQuery = PageQuery.extend({
  scope: z.enum(['mine', 'department']).default('department').describe('mine: assigned to you; department: your department’s (admins: any, or departmentId)'),
  due: z.enum(['today', 'overdue', 'upcoming', 'all']).default('today'),
  status: z.enum(['open', 'done', 'failed', 'cancelled']).optional().describe('Default: open (all: every status)'),
  departmentId: z.string().min(1).max(64).optional().describe('Admins only; others always see their own department'),
});
export type WorklistQuery = z.infer<typeof WorklistQuery>;

const OUTCOMES = ['reached', 'not-reached', 'wrong-number', 'refused', 'deceased'] as const;

export const FollowupTask = z
  .object({
    id: z.string(),
    patientId: z.string(),
    encounterId: z.string().nullable(),
    departmentId: z.string(),
    kind: z.enum(['call']),
    title: z.string(),
    questionnaire: z.string().nullable().describe('url|version filled in on the patient’s behalf'),
    assigneeRole: z.enum(['doctor', 'nurse']),
    assigneeId: z.string().nullable(),
    status: z.enum(['open', 'done', 'failed', 'cancelled']),
    dueAt: z.string(),
    hours: z.object({ from: z.string(), to: z.string() }),
    attempts: z.number().int(),
    maxAttempts: z.number().int(),
    overdue: z.boolean(),
    outcome: z.enum(OUTCOMES).nullable(),
    responseId: z.string().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
    closedAt: z.string().nullable(),
  })
  .meta({ id: 'FollowupTask' });
export type FollowupTask = z.infer<typeof FollowupTask>;

export const FollowupTaskDetail = FollowupTask.extend({
  history: z.array(z.object({ at: z.string(), staffId: z.string(), outcome: z.string(), notes: z.string().nullable() })),
}).meta({ id: 'FollowupTaskDetail' });
export type FollowupTaskDetail = z.infer<typeof FollowupTaskDetail>;

export const WorklistPage = z.object({ items: z.array(FollowupTask), nextCursor: z.string().nullable(), overdue: z.number().int().describe('Open overdue tasks in scope') }).meta({ id: 'WorklistPage' });

export const TaskIdParams = z.object({ id: z.string().min(1).max(64) });

export const ClaimTaskBody = z.strictObject({ version: z.number().int().min(1) }).meta({ id: 'ClaimTaskBody' });
export type ClaimTaskBody = z.infer<typeof ClaimTaskBody>;

export const AssignTaskBody = z.strictObject({ version: z.number().int().min(1), staffId: z.string().min(1).max(64) }).meta({ id: 'AssignTaskBody' });
export type AssignTaskBody = z.infer<typeof AssignTaskBody>;

export const CallOutcomeBody = z
  .strictObject({
    version: z.number().int().min(1),
    outcome: z.enum(OUTCOMES),
    notes: z.string().trim().max(2000).optional(),
    answers: z
      .record(z.string().max(200), z.union([z.string().max(10_000), z.number(), z.boolean(), z.object({ system: z.string().max(500).optional(), code: z.string().max(200) }), z.array(z.unknown()).max(50)]))
      .optional()
      .describe('The task’s questionnaire, answered on the patient’s behalf (only with outcome reached)'),
  })
  .refine((b) => !b.answers || b.outcome === 'reached', { path: ['answers'], message: 'only a reached patient can have answered' })
  .meta({ id: 'CallOutcomeBody' });
export type CallOutcomeBody = z.infer<typeof CallOutcomeBody>;

export const ScheduleVisitBody = z
  .strictObject({
    departmentId: z.string().min(1).max(64).optional().describe('Default: yours'),
    date: z.iso.date().optional().describe('The day of the visit (YYYY-MM-DD), or'),
    inDays: z.number().int().min(1).max(366).optional().describe('days from today'),
    taskId: z.string().min(1).max(64).optional().describe('The follow-up task the visit was decided on'),
  })
  .meta({ id: 'ScheduleVisitBody' });
export type ScheduleVisitBody = z.infer<typeof ScheduleVisitBody>;

export const FollowupVisit = z
  .object({
    id: z.string(),
    patientId: z.string(),
    departmentId: z.string(),
    dueDate: z.string(),
    taskId: z.string().nullable(),
    enrolmentId: z.string().nullable(),
    status: z.enum(['planned', 'booked', 'attended', 'missed', 'cancelled']),
    appointmentId: z.string().nullable(),
    attendedEncounterId: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'FollowupVisit' });
