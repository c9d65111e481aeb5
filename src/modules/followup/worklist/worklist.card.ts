import type { CallerCardSection } from '../../consultations/callcentre.deps.js';
import { openTasksOfPatient } from './worklist.repository.js';

/**
 * Open follow-up calls on the caller card, so an agent can tell a patient who rings that a nurse will call, or that
 * a call is overdue (flagged). The task's title only: its questionnaire and notes stay with clinical staff.
 */
export const openFollowupTasksSection: CallerCardSection = {
  key: 'followup-tasks',
  title: 'callcentre.card.followupTasks',
  items: (tx, patientId) =>
    openTasksOfPatient(tx, patientId)
      .sort((a, b) => (a.dueAt < b.dueAt ? -1 : 1))
      .slice(0, 5)
      .map((task) => ({ id: task.id, at: task.dueAt, text: task.title, flagged: task.overdueSince !== null })),
};
