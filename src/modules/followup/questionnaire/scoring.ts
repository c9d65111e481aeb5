import { flattenItems, optionKey, optionScore, optionValue, tagsOf, type Answers, type Questionnaire, type QuestionnaireItem, type Tag } from './fhir.js';

export interface Scores {
  /** Sum of every answered option's score (ordinalValue or itemWeight); null when nothing answered carries one. */
  total: number | null;
  /** Per group linkId: the sum of its descendants' scores (only groups with a scored answer). */
  byGroup: Record<string, number>;
  /** Per statistics tag: the sum of the tagged items' scores (or numeric answers, for unscored number items). */
  byTag: Partial<Record<Tag, number>>;
  /** Per linkId: the item's score, or null when its answers carry none. */
  byItem: Record<string, number | null>;
  /** Overall satisfaction and NPS, as the statistics read them: the tagged item's score or numeric answer. */
  satisfaction: number | null;
  nps: number | null;
  complaint: boolean;
}

/** Words that mark free text as a complaint (投诉 complaint, 不满 dissatisfied); the feedback module reads it. */
const COMPLAINT_WORDS = [/投诉/, /不满/, /\bcomplain/i];

/** Scores are computed here, on the server, from the definition and the checked answers; never taken from a client. */
export function scoreResponse(q: Questionnaire, answers: Answers): Scores {
  const scores: Scores = { total: null, byGroup: {}, byTag: {}, byItem: {}, satisfaction: null, nps: null, complaint: false };
  for (const { item, ancestors } of flattenItems(q.item)) {
    const given = answers[item.linkId];
    if (!given || given.length === 0) continue;
    const score = itemScore(item, answers);
    scores.byItem[item.linkId] = score;
    const statValue = score ?? (typeof given[0] === 'number' ? given[0] : null);
    if (score !== null) {
      scores.total = (scores.total ?? 0) + score;
      for (const group of ancestors) scores.byGroup[group.linkId] = (scores.byGroup[group.linkId] ?? 0) + score;
    }
    for (const tag of tagsOf(item)) {
      if (tag === 'complaint') {
        if (given.some((v) => v === true || (typeof v === 'string' && v.trim() !== ''))) scores.complaint = true;
        continue;
      }
      if (statValue === null) continue;
      scores.byTag[tag] = (scores.byTag[tag] ?? 0) + statValue;
      if (tag === 'satisfaction-overall' && scores.satisfaction === null) scores.satisfaction = statValue;
      if (tag === 'nps' && scores.nps === null) scores.nps = statValue;
    }
    if ((item.type === 'text' || item.type === 'string' || item.type === 'open-choice') && given.some((v) => typeof v === 'string' && COMPLAINT_WORDS.some((w) => w.test(v)))) {
      scores.complaint = true;
    }
  }
  return scores;
}

export function itemScore(item: QuestionnaireItem, answers: Answers): number | null {
  const keys = new Set((answers[item.linkId] ?? []).map(optionKey));
  let score: number | null = null;
  for (const option of item.answerOption ?? []) {
    const value = optionValue(option);
    const points = optionScore(option);
    if (value === undefined || points === undefined || !keys.has(optionKey(value))) continue;
    score = (score ?? 0) + points;
  }
  return score;
}
