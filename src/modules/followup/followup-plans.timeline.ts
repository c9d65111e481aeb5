import type { Tx } from '../../../db/client.js';
import type { TimelineEntry } from '../patients/patients.schemas.js';
import type { TimelineProvider, TimelineQuery } from '../patients/timeline.js';
import * as plansRepo from './plans/plans.repository.js';
import * as repo from './worklist/worklist.repository.js';

/**
 * Follow-up tasks and plan enrolments on the patient's timeline. That a patient is followed up is not clinical;
 * the task's title, the plan and why (a diagnosis) are, so they show only with clinical access.
 */
export const followupPlanTimelineProviders: TimelineProvider[] = [
  {
    kind: 'followup-task',
    entries(tx: Tx, patientId: string, query: TimelineQuery): TimelineEntry[] {
      return repo.tasksOfPatientBefore(tx, patientId, query.before, query.limit).map((t) => ({
        id: t.id,
        at: t.createdAt,
        kind: 'followup-task',
        title: `followup.task.${t.status}`,
        detail: query.clinical ? `${t.title}${t.outcome ? ` · ${t.outcome}` : ''} · ${t.attempts}/${t.maxAttempts}` : null,
        departmentId: query.clinical ? t.departmentId : null,
        clinical: false,
      }));
    },
  },
  {
    kind: 'followup-enrolment',
    entries(tx: Tx, patientId: string, query: TimelineQuery): TimelineEntry[] {
      return plansRepo.enrolmentsOfPatientBefore(tx, patientId, query.before, query.limit).map((e) => ({
        id: e.id,
        at: e.createdAt,
        kind: 'followup-enrolment',
        title: `followup.enrolment.${e.status}`,
        detail: query.clinical ? `${e.planCode} v${e.planVersion} · ${e.reason}` : null,
        departmentId: query.clinical ? e.departmentId : null,
        clinical: false,
      }));
    },
  },
];
