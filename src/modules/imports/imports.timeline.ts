import type { TimelineProvider } from '../patients/timeline.js';
import { observationsOf } from './imports.repository.js';

/** Imported laboratory and exam results on the patient's timeline; clinical, so only clinical readers see them. */
export const importTimelineProviders: TimelineProvider[] = [
  {
    kind: 'observation',
    entries(tx, patientId, query) {
      if (!query.clinical) return [];
      return observationsOf(tx, patientId, query.before, query.limit).map((o) => ({
        id: o.id,
        at: o.observedAt,
        kind: 'observation',
        title: 'observation.result',
        detail: [o.text, [o.value, o.unit].filter(Boolean).join(' '), o.flag ? `(${o.flag})` : ''].filter(Boolean).join(' '),
        departmentId: null,
        clinical: true,
      }));
    },
  },
];
