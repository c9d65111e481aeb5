import type { Tx } from '../../../../db/client.js';
import type { ServiceContext } from '../../../lib/context.js';
import { newId } from '../../../lib/ids.js';
import { audit } from '../../audit/audit.service.js';
import * as repo from './worklist.repository.js';

export interface NewCallTask {
  patientId: string;
  departmentId: string;
  encounterId?: string | null;
  stepId?: string | null;
  title: string;
  questionnaire?: { url: string; version?: string | undefined } | undefined;
  assigneeRole: 'doctor' | 'nurse';
  dueAt: Date;
  hours: { from: string; to: string };
  maxAttempts: number;
}

/** Puts a call on the department's worklist, inside the caller's transaction. */
export function openCallTask(tx: Tx, ctx: ServiceContext, input: NewCallTask): repo.TaskRow {
  const now = ctx.now.toISOString();
  const row: repo.TaskRow = {
    id: newId(),
    patientId: input.patientId,
    stepId: input.stepId ?? null,
    encounterId: input.encounterId ?? null,
    departmentId: input.departmentId,
    kind: 'call',
    title: input.title,
    questionnaire: input.questionnaire ? `${input.questionnaire.url}|${input.questionnaire.version ?? ''}` : null,
    assigneeRole: input.assigneeRole,
    assigneeId: null,
    status: 'open',
    dueAt: input.dueAt.toISOString(),
    hoursFrom: input.hours.from,
    hoursTo: input.hours.to,
    attempts: 0,
    maxAttempts: input.maxAttempts,
    overdueSince: null,
    outcome: null,
    responseId: null,
    version: 1,
    createdAt: now,
    updatedAt: now,
    closedAt: null,
  };
  repo.insertTask(tx, row);
  audit(tx, ctx, { action: 'followup.task.create', entityType: 'followup_task', entityId: row.id, patientId: input.patientId, detail: { departmentId: input.departmentId, role: input.assigneeRole } });
  return row;
}
