import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkAnswers } from '../../src/modules/followup/questionnaire/answers.js';
import type { Questionnaire } from '../../src/modules/followup/questionnaire/fhir.js';
import { flattenAnswers } from '../../src/modules/followup/questionnaire/response.js';
import { scoreResponse } from '../../src/modules/followup/questionnaire/scoring.js';

const load = (name: string) => JSON.parse(readFileSync(new URL(`../../questionnaires/${name}.json`, import.meta.url), 'utf8')) as Questionnaire;

function scored(q: Questionnaire, raw: Record<string, unknown>) {
  const { answers, errors } = checkAnswers(q, raw, { disabledAnswers: 'refuse' });
  expect(errors).toEqual([]);
  return { answers, scores: scoreResponse(q, answers) };
}

describe('scoring', () => {
  it('adds PHQ-9 item scores (ordinalValue on the LOINC Coding) into the total and the group sub-score', () => {
    const phq = load('phq-9');
    const codes = ['LA6568-5', 'LA6569-3', 'LA6570-1', 'LA6571-9']; // 0, 1, 2, 3 points
    const items = ['44250-9', '44255-8', '44259-0', '44254-1', '44251-7', '44258-2', '44252-5', '44253-3', '44260-8'];
    const raw = Object.fromEntries(items.map((code, i) => [`/44249-1/${code}`, { system: 'http://loinc.org', code: codes[i % 4] }]));
    const { scores } = scored(phq, raw);
    // 0+1+2+3+0+1+2+3+0
    expect(scores.total).toBe(12);
    expect(scores.byGroup['/44249-1']).toBe(12);
  });

  it('computes sub-scores per group and per tag, and reads overall satisfaction and NPS for the statistics', () => {
    const { scores } = scored(load('outpatient-satisfaction'), { doctor: '5', explanation: '4', nursing: '3', waiting: '2', environment: '4', cost: '3', overall: '4', nps: 9, 'wait-minutes': 45 });
    expect(scores.byGroup['care']).toBe(5 + 4 + 3 + 2 + 4 + 3);
    expect(scores.total).toBe(21 + 4);
    expect(scores.byTag).toMatchObject({ 'aspect-doctor': 5, 'aspect-waiting': 2, 'satisfaction-overall': 4, nps: 9 });
    expect(scores.satisfaction).toBe(4);
    expect(scores.nps).toBe(9);
    expect(scores.complaint).toBe(false);
  });

  it('sums the weights of every option chosen on a repeating item (itemWeight or ordinalValue)', () => {
    const { scores } = scored(load('post-surgery-followup'), { 'pain-score': 2, wound: 'red', fever: false, symptoms: ['nausea', 'bleeding'] });
    expect(scores.byItem['symptoms']).toBe(4);
    expect(scores.byItem['wound']).toBe(2);
    expect(scores.total).toBe(6);
  });

  it('marks a complaint from the complaint question or complaint words in free text', () => {
    const base = { doctor: '5', explanation: '4', nursing: '3', waiting: '2', environment: '4', cost: '3', overall: '2', nps: 3 };
    expect(scored(load('outpatient-satisfaction'), { ...base, 'has-complaint': true, 'complaint-text': '挂号排队太久' }).scores.complaint).toBe(true);
    expect(scored(load('outpatient-satisfaction'), { ...base, suggestion: '我要投诉收费处' }).scores.complaint).toBe(true);
    expect(scored(load('outpatient-satisfaction'), { ...base, suggestion: '环境很好' }).scores.complaint).toBe(false);
  });

  it('flattens answers into typed rows with the item score and tags', () => {
    const q = load('outpatient-satisfaction');
    const { answers, scores } = scored(q, { doctor: '5', explanation: '4', nursing: '3', waiting: '2', environment: '4', cost: '3', overall: '4', nps: 9 });
    const rows = flattenAnswers(q, answers, scores);
    expect(rows.find((r) => r.linkId === 'overall')).toMatchObject({ valueType: 'coding', valueCode: '4', valueText: '满意', score: 4, tags: 'satisfaction-overall' });
    expect(rows.find((r) => r.linkId === 'nps')).toMatchObject({ valueType: 'number', valueNumber: 9, score: null, tags: 'nps' });
  });
});
