import type { CallerCardSection } from '../consultations/callcentre.deps.js';
import type { TimelineProvider } from '../patients/timeline.js';
import * as repo from './feedback.repository.js';

/** Open complaints on the caller card, flagged until resolved. */
export const complaintsSection: CallerCardSection = {
  key: 'complaints',
  title: 'callcentre.card.complaints',
  items: (tx, patientId) =>
    repo
      .complaintsOfPatient(tx, patientId)
      .filter((c) => c.status !== 'closed')
      .slice(0, 5)
      .map((c) => ({ id: c.id, at: c.createdAt, text: `${c.category} · ${c.status}`, flagged: c.status !== 'resolved', href: `/app/feedback/${c.id}` })),
};

/** Feedback on the patient's timeline: kind, category and where it stands; the text stays in the case. */
export const feedbackTimelineProvider: TimelineProvider = {
  kind: 'feedback',
  entries: (tx, patientId, query) =>
    repo.feedbackOfPatient(tx, patientId, query.before, query.limit).map((f) => ({
      id: f.id,
      at: f.createdAt,
      kind: 'feedback',
      title: `feedback.${f.kind}`,
      detail: `${f.category} · ${f.status}`,
      departmentId: f.departmentId,
      clinical: false,
    })),
};
