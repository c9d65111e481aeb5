import { describe, expect, it } from 'vitest';
import { conditionHolds, enabledItems } from '../../src/modules/followup/questionnaire/enable-when.js';
import type { AnswerValue, EnableWhen, Questionnaire } from '../../src/modules/followup/questionnaire/fhir.js';

const when = (operator: EnableWhen['operator'], answer: Partial<EnableWhen>): EnableWhen => ({ question: 'q', operator, ...answer }) as EnableWhen;

describe('enableWhen operators, one table per answer type', () => {
  it.each([
    // [operator, expected answer, given answers, holds]
    ['exists', { answerBoolean: true }, [3], true],
    ['exists', { answerBoolean: true }, [], false],
    ['exists', { answerBoolean: false }, [], true],
    ['exists', { answerBoolean: false }, [3], false],
  ] as const)('exists %s %j with %j → %s', (op, answer, given, holds) => {
    expect(conditionHolds(when(op, answer), [...given])).toBe(holds);
  });

  it.each([
    ['=', 5, [5], true],
    ['=', 5, [4], false],
    ['!=', 5, [4], true],
    ['!=', 5, [5], false],
    ['>', 5, [6], true],
    ['>', 5, [5], false],
    ['<', 5, [4], true],
    ['<', 5, [5], false],
    ['>=', 5, [5], true],
    ['>=', 5, [4], false],
    ['<=', 5, [5], true],
    ['<=', 5, [6], false],
    ['=', 5, [], false],
    ['!=', 5, [], false],
    ['=', 5, [1, 5], true],
  ] as const)('integer: answer %s %s with %j → %s', (op, value, given, holds) => {
    expect(conditionHolds(when(op, { answerInteger: value }), [...given])).toBe(holds);
  });

  it.each([
    ['>', 38.5, [38.6], true],
    ['<=', 38.5, [38.5], true],
    ['<', 38.5, [39], false],
  ] as const)('decimal: %s %s with %j → %s', (op, value, given, holds) => {
    expect(conditionHolds(when(op, { answerDecimal: value }), [...given])).toBe(holds);
  });

  it.each([
    ['=', true, [true], true],
    ['=', true, [false], false],
    ['!=', true, [false], true],
  ] as const)('boolean: %s %s with %j → %s', (op, value, given, holds) => {
    expect(conditionHolds(when(op, { answerBoolean: value }), [...given])).toBe(holds);
  });

  it.each([
    ['>', '2026-01-01', ['2026-03-05'], true],
    ['<', '2026-01-01', ['2025-12-31'], true],
    ['>=', '2026-01-01', ['2025-12-31'], false],
  ] as const)('date: %s %s with %j → %s', (op, value, given, holds) => {
    expect(conditionHolds(when(op, { answerDate: value }), [...given])).toBe(holds);
  });

  it.each([
    ['=', 'yes', ['yes'], true],
    ['!=', 'yes', ['no'], true],
    ['=', 'yes', ['YES'], false],
  ] as const)('string: %s %s with %j → %s', (op, value, given, holds) => {
    expect(conditionHolds(when(op, { answerString: value }), [...given])).toBe(holds);
  });

  it.each([
    ['=', { code: '1' }, [{ code: '1' }], true],
    ['=', { system: 'http://loinc.org', code: 'LA1' }, [{ system: 'http://loinc.org', code: 'LA1' }], true],
    ['=', { system: 'http://loinc.org', code: 'LA1' }, [{ system: 'http://snomed.info/sct', code: 'LA1' }], false],
    ['=', { system: 'http://loinc.org', code: 'LA1' }, [{ code: 'LA1' }], true],
    ['!=', { code: '1' }, [{ code: '2' }], true],
    ['=', { code: 'insulin' }, [{ code: 'oral' }, { code: 'insulin' }], true],
  ] as const)('coding: %s %j with %j → %s', (op, value, given, holds) => {
    expect(conditionHolds(when(op, { answerCoding: value }), given as unknown as AnswerValue[])).toBe(holds);
  });
});

describe('enableWhen across a questionnaire', () => {
  const q: Questionnaire = {
    resourceType: 'Questionnaire',
    url: 'https://example.org/q',
    status: 'active',
    item: [
      { linkId: 'fever', type: 'boolean' },
      { linkId: 'temp', type: 'decimal', enableWhen: [{ question: 'fever', operator: '=', answerBoolean: true }] },
      { linkId: 'see-doctor', type: 'display', enableWhen: [{ question: 'temp', operator: '>=', answerDecimal: 39 }] },
      {
        linkId: 'both',
        type: 'group',
        enableBehavior: 'all',
        enableWhen: [
          { question: 'fever', operator: '=', answerBoolean: true },
          { question: 'temp', operator: '<', answerDecimal: 39 },
        ],
        item: [{ linkId: 'inner', type: 'string' }, { linkId: 'inner-2', type: 'group', item: [{ linkId: 'deepest', type: 'string' }] }],
      },
      {
        linkId: 'either',
        type: 'string',
        enableBehavior: 'any',
        enableWhen: [
          { question: 'fever', operator: '=', answerBoolean: false },
          { question: 'temp', operator: '>', answerDecimal: 40 },
        ],
      },
    ],
  };

  it('enables an item when its condition holds', () => {
    expect(enabledItems(q, {}).has('temp')).toBe(false);
    expect(enabledItems(q, { fever: [true] }).has('temp')).toBe(true);
  });

  it('treats an answer to a disabled question as no answer, so a chain switches off together', () => {
    const on = enabledItems(q, { fever: [true], temp: [39.5] });
    expect(on.has('see-doctor')).toBe(true);
    const off = enabledItems(q, { fever: [false], temp: [39.5] });
    expect(off.has('temp')).toBe(false);
    expect(off.has('see-doctor')).toBe(false);
  });

  it('needs every condition with enableBehavior all, and one with any', () => {
    expect(enabledItems(q, { fever: [true], temp: [38] }).has('both')).toBe(true);
    expect(enabledItems(q, { fever: [true], temp: [39.5] }).has('both')).toBe(false);
    expect(enabledItems(q, { fever: [false] }).has('either')).toBe(true);
    expect(enabledItems(q, { fever: [true], temp: [40.5] }).has('either')).toBe(true);
    expect(enabledItems(q, { fever: [true], temp: [38] }).has('either')).toBe(false);
  });

  it('disables every descendant of a disabled group, however deep', () => {
    const off = enabledItems(q, { fever: [false] });
    for (const linkId of ['both', 'inner', 'inner-2', 'deepest']) expect(off.has(linkId), linkId).toBe(false);
    const on = enabledItems(q, { fever: [true], temp: [38] });
    for (const linkId of ['both', 'inner', 'inner-2', 'deepest']) expect(on.has(linkId), linkId).toBe(true);
  });
});
