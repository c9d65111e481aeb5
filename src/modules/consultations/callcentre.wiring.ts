import { dirname } from 'node:path';
import type { Db } from '../../../db/client.js';
import { contactsOfPatient, lastContactsOf } from '../contacts/contacts.service.js';
import * as feedbackRepo from '../feedback/feedback.repository.js';
import { hadEncounterSince } from '../patients/patients.service.js';
import type { TimelineRegistry } from '../patients/timeline.js';
import { createCallCentreDeps, defaultCallCentreSettings, type CallCentreDeps, type CallCentreSettings } from './callcentre.deps.js';
import * as consultationsRepo from './consultations.repository.js';

/**
 * The call centre's collaborators, and what exists on main today registered on the caller card: open complaints,
 * last contacts and open call-backs; visits (encounters) for conversion. Appointments and follow-up tasks register
 * their sections, the booking action and their visit source the same way.
 */
export function callCentreDeps(db: Db, timeZone: string, overrides: Partial<CallCentreSettings> | undefined, timeline: TimelineRegistry): CallCentreDeps {
  const settings = { ...defaultCallCentreSettings(dirname(db.$client.name)), ...overrides };
  const deps = createCallCentreDeps(settings, timeZone);
  deps.card.register({
    key: 'complaints',
    title: 'callcentre.card.complaints',
    items: (tx, patientId) =>
      feedbackRepo
        .complaintsOfPatient(tx, patientId)
        .filter((c) => c.status !== 'closed')
        .slice(0, 5)
        .map((c) => ({ id: c.id, at: c.createdAt, text: `${c.category} · ${c.status}`, flagged: c.status !== 'resolved', href: `/app/feedback/${c.id}` })),
  });
  deps.card.register({
    key: 'contacts',
    title: 'callcentre.card.contacts',
    items: (tx, patientId) => lastContactsOf(tx, patientId, 5).map((c) => ({ id: c.id, at: c.at, text: `${c.kind} · ${c.outcome}${c.summary ? ` · ${c.summary.slice(0, 60)}` : ''}`, flagged: c.outcome === 'number_invalid' })),
  });
  deps.card.register({
    key: 'callbacks',
    title: 'callcentre.card.callbacks',
    items: (tx, patientId) => consultationsRepo.openCallbacksOfPatient(tx, patientId).map((c) => ({ id: c.id, at: c.callbackDueAt, text: `${c.category} · ${c.question.slice(0, 60)}`, flagged: false })),
  });
  deps.visitSources.push({ kind: 'encounter', visitedOrBookedSince: hadEncounterSince });
  registerTimelines(timeline);
  return deps;
}

function registerTimelines(timeline: TimelineRegistry): void {
  timeline.register({
    kind: 'consultation',
    entries: (tx, patientId, query) =>
      consultationsRepo.consultationsOfPatient(tx, patientId, query.before, query.limit).map((c) => ({
        id: c.id,
        at: c.createdAt,
        kind: 'consultation',
        title: `consultation.${c.channel}`,
        detail: `${c.category} · ${c.question.slice(0, 80)}`,
        departmentId: null,
        clinical: false,
      })),
  });
  timeline.register({
    kind: 'feedback',
    entries: (tx, patientId, query) =>
      feedbackRepo.feedbackOfPatient(tx, patientId, query.before, query.limit).map((f) => ({
        id: f.id,
        at: f.createdAt,
        kind: 'feedback',
        title: `feedback.${f.kind}`,
        detail: `${f.category} · ${f.status}`,
        departmentId: f.departmentId,
        clinical: false,
      })),
  });
  timeline.register({
    kind: 'contact',
    entries: (tx, patientId, query) =>
      contactsOfPatient(tx, patientId, query.before, query.limit).map((c) => ({
        id: c.id,
        at: c.at,
        kind: 'contact',
        title: `contact.${c.kind}`,
        detail: `${c.outcome}${c.summary ? ` · ${c.summary.slice(0, 80)}` : ''}`,
        departmentId: null,
        clinical: false,
      })),
  });
}
