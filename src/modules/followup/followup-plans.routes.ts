import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Problem } from '../../lib/problem.js';
import { enrolByHand, getPlan, keepPlanVersion, listPlans, patientFollowup, retirePlan, savePlan } from './plans/plans.service.js';
import { EnrolBody, Enrolled, EnrolmentIdParams, KeptVersion, KeepVersionBody, PatientFollowup, PlanBody, PlanCodeParams, PlanList, PlanVersions, FollowupPlan, SavedPlan } from './plans/plans.schemas.js';
import { scheduleFollowupVisit } from './worklist/visits.js';
import { assignTask, claimTask, getTask, listWorklist, recordCallOutcome } from './worklist/worklist.service.js';
import { AssignTaskBody, CallOutcomeBody, ClaimTaskBody, FollowupTask, FollowupTaskDetail, FollowupVisit, ScheduleVisitBody, TaskIdParams, WorklistPage, WorklistQuery } from './worklist/worklist.schemas.js';

const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem };
const PatientIdParams = z.object({ id: z.string().min(1).max(64) });

/** Follow-up plans (随访方案), enrolments, the task worklists (随访任务) and follow-up visits (复诊). */
export const followupPlanRoutes: FastifyPluginAsyncZod = async (app) => {
  const plans = ['followup plans'];
  app.get('/api/followup-plans', { schema: { tags: plans, summary: 'Every follow-up plan in its newest version', 'x-permission': 'followup.plans.read', response: { 200: PlanList, ...errors } } }, async (request) => listPlans(request.ctx()));
  app.get(
    '/api/followup-plans/:code',
    { schema: { tags: plans, summary: 'One plan: its newest version, every earlier one, and how many steps it still has scheduled', 'x-permission': 'followup.plans.read', params: PlanCodeParams, response: { 200: PlanVersions, ...errors } } },
    async (request) => getPlan(request.ctx(), request.params.code),
  );
  app.post(
    '/api/followup-plans',
    {
      schema: {
        tags: plans,
        summary: 'Write a plan, or the next version of one; patients on earlier versions follow it unless kept on theirs',
        'x-permission': 'followup.plans.manage',
        body: PlanBody,
        response: { 201: SavedPlan, ...errors },
      },
    },
    async (request, reply) => reply.code(201).send(await savePlan(request.ctx(), request.body)),
  );
  app.post(
    '/api/followup-plans/:code/retire',
    { schema: { tags: plans, summary: 'Retire a plan: new visits no longer enrol; scheduled steps still run', 'x-permission': 'followup.plans.manage', params: PlanCodeParams, response: { 200: FollowupPlan, ...errors } } },
    async (request) => retirePlan(request.ctx(), request.params.code),
  );

  app.get(
    '/api/patients/:id/followup',
    { schema: { tags: plans, summary: 'What is scheduled for a patient, by which plan and why; their follow-up tasks and visits', 'x-permission': 'followup.tasks.read', params: PatientIdParams, response: { 200: PatientFollowup, ...errors } } },
    async (request) => patientFollowup(request.ctx(), request.params.id),
  );
  app.post(
    '/api/patients/:id/followup-enrolments',
    { schema: { tags: plans, summary: 'Put a patient on a follow-up plan by hand', 'x-permission': 'followup.enrol', params: PatientIdParams, body: EnrolBody, response: { 201: Enrolled, ...errors, 409: Problem } } },
    async (request, reply) => reply.code(201).send(await enrolByHand(request.ctx(), request.params.id, request.body)),
  );
  app.post(
    '/api/followup-enrolments/:id/keep-version',
    { schema: { tags: plans, summary: 'Keep a patient on their plan version, or let them follow new versions again', 'x-permission': 'followup.enrol', params: EnrolmentIdParams, body: KeepVersionBody, response: { 200: KeptVersion, ...errors } } },
    async (request) => keepPlanVersion(request.ctx(), request.params.id, request.body),
  );
  app.post(
    '/api/patients/:id/followup-visits',
    { schema: { tags: plans, summary: 'Ask for a follow-up visit (复诊) on a date or after an interval; booked or reminded', 'x-permission': 'followup.visits.schedule', params: PatientIdParams, body: ScheduleVisitBody, response: { 201: FollowupVisit, ...errors } } },
    async (request, reply) => reply.code(201).send(await scheduleFollowupVisit(request.ctx(), request.params.id, request.body)),
  );

  const tasks = ['followup tasks'];
  app.get(
    '/api/followup-tasks',
    { schema: { tags: tasks, summary: 'A worklist: mine or my department’s; due today, overdue or upcoming', 'x-permission': 'followup.tasks.read', querystring: WorklistQuery, response: { 200: WorklistPage, ...errors } } },
    async (request) => listWorklist(request.ctx(), request.query),
  );
  app.get(
    '/api/followup-tasks/:id',
    { schema: { tags: tasks, summary: 'One task with every call attempt', 'x-permission': 'followup.tasks.read', params: TaskIdParams, response: { 200: FollowupTaskDetail, ...errors } } },
    async (request) => getTask(request.ctx(), request.params.id),
  );
  app.post(
    '/api/followup-tasks/:id/claim',
    { schema: { tags: tasks, summary: 'Take an open task onto your own worklist', 'x-permission': 'followup.tasks.work', params: TaskIdParams, body: ClaimTaskBody, response: { 200: FollowupTask, ...errors, 409: Problem } } },
    async (request) => claimTask(request.ctx(), request.params.id, request.body),
  );
  app.post(
    '/api/followup-tasks/:id/assign',
    { schema: { tags: tasks, summary: 'Give a task to a doctor or nurse of its department', 'x-permission': 'followup.tasks.assign', params: TaskIdParams, body: AssignTaskBody, response: { 200: FollowupTask, ...errors, 409: Problem } } },
    async (request) => assignTask(request.ctx(), request.params.id, request.body),
  );
  app.post(
    '/api/followup-tasks/:id/outcome',
    {
      schema: {
        tags: tasks,
        summary: 'Record a call: reached (with the questionnaire answered on the patient’s behalf), not reached (retried), wrong number, refused, deceased',
        'x-permission': 'followup.tasks.work',
        params: TaskIdParams,
        body: CallOutcomeBody,
        response: { 200: FollowupTask, ...errors, 409: Problem },
      },
    },
    async (request) => recordCallOutcome(request.ctx(), request.params.id, request.body),
  );
};
