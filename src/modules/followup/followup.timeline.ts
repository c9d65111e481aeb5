import type { Tx } from '../../../db/client.js';
import type { TimelineEntry } from '../patients/patients.schemas.js';
import type { TimelineProvider, TimelineQuery } from '../patients/timeline.js';
import * as repo from './followup.repository.js';
import { titleOf, type QuestionnaireCatalog } from './questionnaire/catalog.js';

/**
 * Invitations and responses on the patient's timeline. An invitation is not clinical (it says a questionnaire was
 * sent); a response's scores are, so without clinical access its entry says only that the patient answered.
 * With clinical access `detail` names the questionnaire (its zh-CN title and version).
 */
export function followupTimelineProviders(catalog: QuestionnaireCatalog): TimelineProvider[] {
  const nameOf = (questionnaireId: string) => {
    const entry = catalog.byId(questionnaireId);
    return entry ? `${titleOf(entry.definition, 'zh-CN')}${entry.version ? ` v${entry.version}` : ''}` : questionnaireId;
  };
  return [
  {
    kind: 'questionnaire-invitation',
    entries(tx: Tx, patientId: string, query: TimelineQuery): TimelineEntry[] {
      return repo.invitationsOfPatient(tx, patientId, query.before, query.limit).map((i) => ({
        id: i.id,
        at: i.createdAt,
        kind: 'questionnaire-invitation',
        title: i.status === 'answered' ? 'questionnaire.invitation.answered' : 'questionnaire.invitation.sent',
        // A questionnaire's name can tell what the patient is treated for (post-surgery, diabetes).
        detail: query.clinical ? nameOf(i.questionnaireId) : null,
        departmentId: query.clinical ? i.departmentId : null,
        clinical: false,
      }));
    },
  },
  {
    kind: 'questionnaire-response',
    entries(tx: Tx, patientId: string, query: TimelineQuery): TimelineEntry[] {
      return repo.findResponses(tx, { patientId }, query.before, query.limit).map((r) => ({
        id: r.id,
        at: r.authoredAt,
        kind: 'questionnaire-response',
        title: `questionnaire.response.${r.source}`,
        detail: query.clinical ? `${nameOf(r.questionnaireId)} · score ${r.totalScore ?? '—'}${r.satisfaction !== null ? ` · satisfaction ${r.satisfaction}` : ''}${r.nps !== null ? ` · NPS ${r.nps}` : ''}` : null,
        departmentId: query.clinical ? r.departmentId : null,
        clinical: false,
      }));
    },
  },
];
}
