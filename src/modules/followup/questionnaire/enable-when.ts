import { flattenItems, type AnswerValue, type Answers, type EnableWhen, type Questionnaire, type QuestionnaireItem } from './fhir.js';

/**
 * FHIR R4 enableWhen, as HCRM reads it:
 * - an item is enabled when its own conditions hold (any or all, per enableBehavior) and every ancestor is enabled;
 * - a question that is itself disabled counts as unanswered, so a chain of branches switches off together;
 * - `exists` compares "has at least one answer" with answerBoolean; every other operator is true when at least one
 *   answer satisfies it, so with no answer `=` and `!=` are both false (the reading of SDC and most form engines);
 * - Codings are equal when their codes are and, when both name one, their systems; dates compare as ISO text.
 * The same function runs on the server (checking a submission) and, transcribed, in the served form script.
 */
export function enabledItems(q: Questionnaire, answers: Answers): Set<string> {
  const flat = flattenItems(q.item);
  const byLinkId = new Map(flat.map((f) => [f.item.linkId, f]));
  const memo = new Map<string, boolean>();
  const visiting = new Set<string>();

  const isEnabled = (linkId: string): boolean => {
    const known = memo.get(linkId);
    if (known !== undefined) return known;
    if (visiting.has(linkId)) throw new Error(`enableWhen forms a cycle through "${linkId}"`);
    visiting.add(linkId);
    const entry = byLinkId.get(linkId)!;
    const result = entry.ancestors.every((a) => isEnabled(a.linkId)) && ownConditionsHold(entry.item);
    visiting.delete(linkId);
    memo.set(linkId, result);
    return result;
  };

  const ownConditionsHold = (item: QuestionnaireItem): boolean => {
    const conditions = item.enableWhen ?? [];
    if (conditions.length === 0) return true;
    const results = conditions.map((c) => {
      const target = byLinkId.get(c.question);
      const given = target && isEnabled(c.question) ? (answers[c.question] ?? []) : [];
      return conditionHolds(c, given);
    });
    return item.enableBehavior === 'all' ? results.every(Boolean) : results.some(Boolean);
  };

  return new Set(flat.map((f) => f.item.linkId).filter(isEnabled));
}

export function conditionHolds(condition: EnableWhen, given: AnswerValue[]): boolean {
  if (condition.operator === 'exists') return (given.length > 0) === condition.answerBoolean;
  const expected = expectedOf(condition);
  if (expected === undefined) return false;
  return given.some((answer) => {
    const order = compare(answer, expected);
    if (order === undefined) return false;
    switch (condition.operator) {
      case '=':
        return order === 0;
      case '!=':
        return order !== 0;
      case '>':
        return order > 0;
      case '<':
        return order < 0;
      case '>=':
        return order >= 0;
      case '<=':
        return order <= 0;
    }
  });
}

function expectedOf(c: EnableWhen): AnswerValue | undefined {
  if (c.answerCoding) return { ...(c.answerCoding.system ? { system: c.answerCoding.system } : {}), code: c.answerCoding.code ?? '' };
  return c.answerBoolean ?? c.answerDecimal ?? c.answerInteger ?? c.answerDate ?? c.answerDateTime ?? c.answerString;
}

/** -1, 0 or 1; undefined when the two cannot be compared (a Coding against a number). */
function compare(a: AnswerValue, b: AnswerValue): number | undefined {
  if (typeof a === 'object' || typeof b === 'object') {
    if (typeof a !== 'object' || typeof b !== 'object') {
      // A choice whose options are codes still answers an answerString naming the code.
      const code = typeof a === 'object' ? a.code : b;
      const other = typeof a === 'object' ? b : (a as unknown);
      return String(code) === String(other) ? 0 : 1;
    }
    const sameSystem = !a.system || !b.system || a.system === b.system;
    return sameSystem && a.code === b.code ? 0 : 1;
  }
  if (typeof a !== typeof b) return undefined;
  return a === b ? 0 : a < b ? -1 : 1;
}
