import type { CallerCardSection } from '../consultations/callcentre.deps.js';
import type { TimelineProvider } from '../patients/timeline.js';
import * as repo from './contacts.repository.js';

/** The last contacts on the caller card; an invalid number is flagged. */
export const lastContactsSection: CallerCardSection = {
  key: 'contacts',
  title: 'callcentre.card.contacts',
  items: (tx, patientId) =>
    repo.lastContactsOf(tx, patientId, 5).map((c) => ({ id: c.id, at: c.at, text: `${c.kind} · ${c.outcome}${c.summary ? ` · ${c.summary.slice(0, 60)}` : ''}`, flagged: c.outcome === 'number_invalid' })),
};

/** Every logged contact on the patient's timeline (outbox messages have their own provider in messaging). */
export const contactTimelineProvider: TimelineProvider = {
  kind: 'contact',
  entries: (tx, patientId, query) =>
    repo.searchContacts(tx, { patientId }, query.before, query.limit).map((c) => ({
      id: c.id,
      at: c.at,
      kind: 'contact',
      title: `contact.${c.kind}`,
      detail: `${c.outcome}${c.summary ? ` · ${c.summary.slice(0, 80)}` : ''}`,
      departmentId: null,
      clinical: false,
    })),
};
