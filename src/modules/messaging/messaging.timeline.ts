import type { Tx } from '../../../db/client.js';
import type { TimelineEntry } from '../patients/patients.schemas.js';
import type { TimelineProvider, TimelineQuery } from '../patients/timeline.js';
import * as repo from './messaging.repository.js';

/**
 * Every message on the patient's timeline, at the time it was queued: what for, which channel, where it stands.
 * The text itself stays in the outbox (it may name a drug or a diagnosis), so the entry is not clinical.
 */
export const messagingTimelineProviders: TimelineProvider[] = [
  {
    kind: 'message',
    entries(tx: Tx, patientId: string, query: TimelineQuery): TimelineEntry[] {
      return repo.messagesOfPatient(tx, patientId, query.before, query.limit).map((m) => ({
        id: m.id,
        at: m.createdAt,
        kind: 'message',
        title: `message.${m.status}`,
        detail: [m.purpose, m.channel, m.error].filter(Boolean).join(' · '),
        departmentId: null,
        clinical: false,
      }));
    },
  },
];
