import type { FieldError } from '../../../lib/errors.js';
import { enabledItems } from './enable-when.js';
import { EXT, extensionNumber, flattenItems, optionKey, optionValue, type AnswerValue, type Answers, type Questionnaire, type QuestionnaireItem } from './fhir.js';

/** Text limits when a definition sets no maxLength: enough for any honest answer, too little to store a file. */
export const DEFAULT_MAX_STRING = 500;
export const DEFAULT_MAX_TEXT = 4000;

export interface CheckOptions {
  /**
   * What to do with an answer to an item that the other answers disable. The patient's page drops them (the
   * patient changed a branch and the hidden field kept its value); the API refuses them, since a client that
   * sends one has misread the form.
   */
  disabledAnswers: 'drop' | 'refuse';
}

/**
 * A submission as it arrives (form fields or JSON: a value or a list of values per linkId) → typed answers, or
 * a field-level error for each problem: unknown linkIds, answers to groups and display items, wrong types, values
 * not among the options, out-of-range numbers and dates, oversized text, several answers to a single-answer
 * item, answers to disabled items, and missing required answers. Field names are `answers.<linkId>`.
 */
export function checkAnswers(q: Questionnaire, raw: Record<string, unknown>, options: CheckOptions): { answers: Answers; errors: FieldError[] } {
  const flat = flattenItems(q.item);
  const items = new Map(flat.map((f) => [f.item.linkId, f.item]));
  const errors: FieldError[] = [];
  const fail = (linkId: string, code: string, message: string) => errors.push({ field: `answers.${linkId}`, code, message });
  const typed: Answers = {};

  for (const [linkId, given] of Object.entries(raw)) {
    const item = items.get(linkId);
    const values = (Array.isArray(given) ? given : [given]).filter((v) => v !== undefined && v !== null && v !== '');
    if (!item) {
      fail(linkId, 'unknown_item', 'is not a question of this questionnaire');
      continue;
    }
    if (values.length === 0) continue;
    if (item.type === 'group' || item.type === 'display') {
      fail(linkId, 'not_answerable', `is a ${item.type}, which takes no answer`);
      continue;
    }
    if (values.length > 1 && !item.repeats) {
      fail(linkId, 'too_many', 'takes one answer only');
      continue;
    }
    const parsed: AnswerValue[] = [];
    for (const value of values) {
      const result = parseValue(item, value);
      if ('error' in result) {
        fail(linkId, result.error[0], result.error[1]);
        break;
      }
      parsed.push(result.value);
    }
    if (parsed.length === values.length) typed[linkId] = dedupe(parsed);
  }

  const enabled = enabledItems(q, typed);
  for (const linkId of Object.keys(typed)) {
    if (enabled.has(linkId)) continue;
    if (options.disabledAnswers === 'refuse') fail(linkId, 'disabled', 'is not asked given the other answers; leave it out');
    delete typed[linkId];
  }
  for (const { item } of flat) {
    if (!item.required || !enabled.has(item.linkId) || errors.some((e) => e.field === `answers.${item.linkId}`)) continue;
    if (!hasAnswer(item, typed)) fail(item.linkId, 'required', item.type === 'group' ? 'needs at least one answer in this section' : 'needs an answer');
  }
  return { answers: typed, errors };
}

function hasAnswer(item: QuestionnaireItem, answers: Answers): boolean {
  if (item.type === 'group') return (item.item ?? []).some((child) => hasAnswer(child, answers));
  return (answers[item.linkId]?.length ?? 0) > 0;
}

function dedupe(values: AnswerValue[]): AnswerValue[] {
  const seen = new Map(values.map((v) => [optionKey(v), v]));
  return [...seen.values()];
}

type Parsed = { value: AnswerValue } | { error: [code: string, message: string] };

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/;

function parseValue(item: QuestionnaireItem, value: unknown): Parsed {
  switch (item.type) {
    case 'boolean':
      if (value === true || value === 'true') return { value: true };
      if (value === false || value === 'false') return { value: false };
      return { error: ['wrong_type', 'must be yes or no'] };
    case 'integer': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d{1,15}\s*$/.test(value) ? Number(value) : Number.NaN;
      if (!Number.isSafeInteger(n)) return { error: ['wrong_type', 'must be a whole number'] };
      return inRange(item, n);
    }
    case 'decimal': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d{1,15}(\.\d{1,10})?\s*$/.test(value) ? Number(value) : Number.NaN;
      if (!Number.isFinite(n)) return { error: ['wrong_type', 'must be a number'] };
      return inRange(item, n);
    }
    case 'date':
      if (typeof value !== 'string' || !DATE.test(value) || Number.isNaN(Date.parse(value))) return { error: ['wrong_type', 'must be a date (YYYY-MM-DD)'] };
      return inRange(item, value);
    case 'dateTime': {
      if (typeof value !== 'string' || !(DATE_TIME.test(value) || DATE.test(value)) || Number.isNaN(Date.parse(value))) return { error: ['wrong_type', 'must be a date and time'] };
      return inRange(item, value);
    }
    case 'string':
    case 'text':
      return text(item, value);
    case 'choice':
    case 'open-choice': {
      const option = matchOption(item, value);
      if (option !== undefined) return { value: option };
      if (item.type === 'choice') return { error: ['not_an_option', 'is not one of the choices offered'] };
      return text(item, typeof value === 'object' && value !== null && 'display' in value ? (value as { display: unknown }).display : value);
    }
    default:
      return { error: ['not_answerable', `is a ${item.type}, which takes no answer`] };
  }
}

function text(item: QuestionnaireItem, value: unknown): Parsed {
  if (typeof value !== 'string') return { error: ['wrong_type', 'must be text'] };
  const trimmed = value.trim();
  const max = item.maxLength ?? (item.type === 'text' ? DEFAULT_MAX_TEXT : DEFAULT_MAX_STRING);
  if ([...trimmed].length > max) return { error: ['too_long', `must be at most ${max} characters`] };
  if (item.type === 'string' && /[\r\n]/.test(trimmed)) return { error: ['wrong_type', 'must be a single line'] };
  return { value: trimmed };
}

/** An option named by its code or value (form fields send text), or by a Coding `{ system?, code }` (JSON). */
function matchOption(item: QuestionnaireItem, value: unknown): AnswerValue | undefined {
  const key = typeof value === 'object' && value !== null && 'code' in value ? String((value as { code: unknown }).code) : typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  if (key === undefined) return undefined;
  for (const option of item.answerOption ?? []) {
    const candidate = optionValue(option);
    if (candidate !== undefined && optionKey(candidate) === key) return candidate;
  }
  return undefined;
}

function inRange(item: QuestionnaireItem, value: number | string): Parsed {
  const min = boundOf(item, EXT.minValue);
  const max = boundOf(item, EXT.maxValue);
  if (min !== undefined && value < min) return { error: ['below_min', `must be at least ${min}`] };
  if (max !== undefined && value > max) return { error: ['above_max', `must be at most ${max}`] };
  return { value };
}

function boundOf(item: QuestionnaireItem, url: string): number | string | undefined {
  const ext = item.extension?.find((e) => e.url === url);
  if (!ext) return undefined;
  return extensionNumber([ext], url) ?? ext.valueDateTime ?? ext.valueDate;
}
