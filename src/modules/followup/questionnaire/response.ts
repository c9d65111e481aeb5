import { flattenItems, tagsOf, type AnswerValue, type Answers, type Questionnaire, type QuestionnaireItem } from './fhir.js';
import type { Scores } from './scoring.js';

/** HCRM's extension carrying the server-computed scores on a stored QuestionnaireResponse. */
export const SCORE_EXTENSION = 'https://hcrm.example/fhir/StructureDefinition/questionnaire-score';

export interface ResponseMeta {
  id: string;
  patientId: string;
  encounterId: string | null;
  authored: string;
  /** Who entered the answers: the patient through the link, or a staff member on their behalf. */
  source: { kind: 'patient' } | { kind: 'staff'; id: string };
}

type FhirAnswer = Record<string, unknown>;
interface FhirResponseItem {
  linkId: string;
  text?: string;
  answer?: FhirAnswer[];
  item?: FhirResponseItem[];
}

/** The FHIR R4 QuestionnaireResponse of checked answers, nested like the definition, answered items only. */
export function toQuestionnaireResponse(q: Questionnaire, version: string, answers: Answers, scores: Scores, meta: ResponseMeta): Record<string, unknown> {
  const build = (items: QuestionnaireItem[] | undefined): FhirResponseItem[] =>
    (items ?? []).flatMap((item): FhirResponseItem[] => {
      if (item.type === 'group') {
        const children = build(item.item);
        return children.length > 0 ? [{ linkId: item.linkId, ...(item.text ? { text: item.text } : {}), item: children }] : [];
      }
      const given = answers[item.linkId];
      if (!given || given.length === 0) return [];
      const answer = given.map((value) => fhirAnswer(item, value));
      // Items nested under a question (FHIR allows it) sit under its first answer.
      const nested = build(item.item);
      if (nested.length > 0) answer[0] = { ...answer[0], item: nested };
      return [{ linkId: item.linkId, ...(item.text ? { text: item.text } : {}), answer }];
    });
  return {
    resourceType: 'QuestionnaireResponse',
    id: meta.id,
    questionnaire: version ? `${q.url}|${version}` : q.url,
    status: 'completed',
    subject: { reference: `Patient/${meta.patientId}` },
    ...(meta.encounterId ? { encounter: { reference: `Encounter/${meta.encounterId}` } } : {}),
    authored: meta.authored,
    source: meta.source.kind === 'patient' ? { reference: `Patient/${meta.patientId}` } : { reference: `Practitioner/${meta.source.id}` },
    extension: [
      { url: SCORE_EXTENSION, extension: [...(scores.total === null ? [] : [{ url: 'total', valueDecimal: scores.total }]), ...Object.entries(scores.byGroup).map(([group, value]) => ({ url: `group:${group}`, valueDecimal: value })), ...Object.entries(scores.byTag).map(([tag, value]) => ({ url: `tag:${tag}`, valueDecimal: value }))] },
    ],
    item: build(q.item),
  };
}

function fhirAnswer(item: QuestionnaireItem, value: AnswerValue): FhirAnswer {
  if (typeof value === 'object') return { valueCoding: value };
  if (typeof value === 'boolean') return { valueBoolean: value };
  if (typeof value === 'number') return item.type === 'decimal' ? { valueDecimal: value } : { valueInteger: value };
  if (item.type === 'date') return { valueDate: value };
  if (item.type === 'dateTime') return { valueDateTime: value };
  const isDateOption = item.answerOption?.some((o) => o.valueDate === value);
  return isDateOption ? { valueDate: value } : { valueString: value };
}

/** One row per answer value, typed, for statistics and the CSV export. */
export interface FlatAnswer {
  linkId: string;
  position: number;
  valueType: 'boolean' | 'number' | 'string' | 'coding';
  valueNumber: number | null;
  valueText: string | null;
  valueCode: string | null;
  score: number | null;
  tags: string;
}

export function flattenAnswers(q: Questionnaire, answers: Answers, scores: Scores): FlatAnswer[] {
  const rows: FlatAnswer[] = [];
  for (const { item } of flattenItems(q.item)) {
    (answers[item.linkId] ?? []).forEach((value, position) => {
      const base = { linkId: item.linkId, position, score: position === 0 ? (scores.byItem[item.linkId] ?? null) : null, tags: tagsOf(item).join(',') };
      if (typeof value === 'object') rows.push({ ...base, valueType: 'coding', valueNumber: null, valueText: value.display ?? null, valueCode: value.code });
      else if (typeof value === 'boolean') rows.push({ ...base, valueType: 'boolean', valueNumber: value ? 1 : 0, valueText: null, valueCode: null });
      else if (typeof value === 'number') rows.push({ ...base, valueType: 'number', valueNumber: value, valueText: null, valueCode: null });
      else rows.push({ ...base, valueType: 'string', valueNumber: null, valueText: value, valueCode: null });
    });
  }
  return rows;
}
