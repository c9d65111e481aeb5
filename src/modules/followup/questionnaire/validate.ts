import {
  ENABLE_WHEN_OPERATORS,
  EXT,
  flattenItems,
  ITEM_TYPES,
  TAG_SYSTEM,
  TAGS,
  type EnableWhen,
  type ItemType,
  type Questionnaire,
  type QuestionnaireItem,
} from './fhir.js';
import { enabledItems } from './enable-when.js';

/** One problem in a definition, located by linkId and JSON path, so the person fixing the file finds it at once. */
export interface DefinitionProblem {
  linkId: string | null;
  path: string;
  message: string;
}

const ANSWERABLE = new Set<ItemType>(['boolean', 'decimal', 'integer', 'date', 'dateTime', 'string', 'text', 'choice', 'open-choice']);
const ANSWER_KEYS = ['answerBoolean', 'answerDecimal', 'answerInteger', 'answerDate', 'answerDateTime', 'answerString', 'answerCoding'] as const;
/** Which enableWhen answer[x] fits a question of each type (FHIR que-7 and common sense). */
const ANSWER_FOR: Record<string, readonly (typeof ANSWER_KEYS)[number][]> = {
  boolean: ['answerBoolean'],
  decimal: ['answerDecimal', 'answerInteger'],
  integer: ['answerInteger', 'answerDecimal'],
  date: ['answerDate'],
  dateTime: ['answerDateTime', 'answerDate'],
  string: ['answerString'],
  text: ['answerString'],
  choice: ['answerCoding', 'answerString', 'answerInteger', 'answerDate'],
  'open-choice': ['answerCoding', 'answerString', 'answerInteger', 'answerDate'],
};

/**
 * Checks a parsed definition against the FHIR R4 rules HCRM relies on. Returns every problem, not just the first,
 * so one start names everything wrong in the file.
 */
export function validateQuestionnaire(raw: unknown): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const top = (message: string, path = '') => problems.push({ linkId: null, path, message });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return [{ linkId: null, path: '', message: 'is not a JSON object' }];
  const q = raw as Partial<Questionnaire> & Record<string, unknown>;
  if (q.resourceType !== 'Questionnaire') top(`resourceType is ${JSON.stringify(q.resourceType)}, not "Questionnaire"`, 'resourceType');
  if (typeof q.url !== 'string' || q.url.trim() === '') top('url is missing: a questionnaire is identified by url and version', 'url');
  if (q.version !== undefined && typeof q.version !== 'string') top('version must be a string', 'version');
  if (!['draft', 'active', 'retired', 'unknown'].includes(String(q.status))) top('status must be draft, active, retired or unknown', 'status');
  if (q.item !== undefined && !Array.isArray(q.item)) top('item must be an array', 'item');
  if (problems.length > 0) return problems;

  const flat = flattenItems(q.item);
  const byLinkId = new Map<string, QuestionnaireItem>();
  for (const { item, path } of flat) {
    const at = (message: string, sub = '') => problems.push({ linkId: typeof item?.linkId === 'string' ? item.linkId : null, path: `${path}${sub}`, message });
    if (typeof item !== 'object' || item === null) {
      at('is not an object');
      continue;
    }
    if (typeof item.linkId !== 'string' || item.linkId.trim() === '') at('linkId is missing', '.linkId');
    else if (byLinkId.has(item.linkId)) at(`duplicate linkId "${item.linkId}"`, '.linkId');
    else byLinkId.set(item.linkId, item);
    if (!(ITEM_TYPES as readonly string[]).includes(item.type)) {
      at(`item type "${String(item.type)}" is not supported (use ${ITEM_TYPES.join(', ')})`, '.type');
      continue;
    }
    if (item.type === 'group' && (!item.item || item.item.length === 0)) at('a group must contain items', '.item');
    if (item.type === 'group' && item.repeats) at('repeating groups are not supported', '.repeats');
    if (item.type === 'display' && item.item?.length) at('a display item cannot contain items', '.item');
    if (item.type === 'display' && (item.required || item.repeats)) at('a display item cannot be required or repeat', '.required');
    if (item.answerOption !== undefined && item.type !== 'choice' && item.type !== 'open-choice') at(`answerOption on a ${item.type} item: only choice and open-choice items have options`, '.answerOption');
    if (item.type === 'choice' && (!item.answerOption || item.answerOption.length === 0)) at('a choice item needs answerOption', '.answerOption');
    item.answerOption?.forEach((option, i) => {
      const values = ['valueCoding', 'valueString', 'valueInteger', 'valueDate'].filter((k) => k in option);
      if (values.length !== 1) at('an answerOption needs exactly one value[x] (valueCoding, valueString, valueInteger or valueDate)', `.answerOption[${i}]`);
      if (option.valueCoding && typeof option.valueCoding.code !== 'string') at('valueCoding needs a code', `.answerOption[${i}].valueCoding.code`);
    });
    if (item.maxLength !== undefined && (!Number.isInteger(item.maxLength) || item.maxLength < 1)) at('maxLength must be a positive integer', '.maxLength');
    if (item.maxLength !== undefined && !['string', 'text', 'open-choice'].includes(item.type)) at(`maxLength on a ${item.type} item`, '.maxLength');
    for (const url of [EXT.minValue, EXT.maxValue]) {
      const ext = item.extension?.find((e) => e.url === url);
      if (!ext) continue;
      const name = url === EXT.minValue ? 'minValue' : 'maxValue';
      const fits = { integer: ext.valueInteger ?? ext.valueDecimal, decimal: ext.valueDecimal ?? ext.valueInteger, date: ext.valueDate, dateTime: ext.valueDateTime ?? ext.valueDate } as Record<string, unknown>;
      if (!(item.type in fits)) at(`${name} on a ${item.type} item`, '.extension');
      else if (fits[item.type] === undefined) at(`${name} has no value of the item's type`, '.extension');
    }
    for (const code of item.code ?? []) {
      if (code.system === TAG_SYSTEM && !(TAGS as readonly string[]).includes(code.code ?? '')) at(`unknown tag "${code.code}" (known: ${TAGS.join(', ')})`, '.code');
    }
    if ((item.enableWhen?.length ?? 0) > 1 && item.enableBehavior !== 'any' && item.enableBehavior !== 'all') at('enableBehavior (any or all) is required with more than one enableWhen', '.enableBehavior');
  }

  for (const { item, path } of flat) {
    if (!item || !(ITEM_TYPES as readonly string[]).includes(item.type)) continue;
    (item.enableWhen ?? []).forEach((condition: EnableWhen, i) => {
      const at = (message: string) => problems.push({ linkId: item.linkId, path: `${path}.enableWhen[${i}]`, message });
      const target = byLinkId.get(condition.question);
      if (!target) return at(`enableWhen refers to unknown linkId "${condition.question}"`);
      if (target === item) return at('enableWhen refers to the item itself');
      if (!ANSWERABLE.has(target.type)) return at(`enableWhen refers to "${condition.question}", a ${target.type} item that has no answers`);
      if (!(ENABLE_WHEN_OPERATORS as readonly string[]).includes(condition.operator)) return at(`unknown operator "${String(condition.operator)}"`);
      const given = ANSWER_KEYS.filter((k) => condition[k] !== undefined);
      if (given.length !== 1) return at('enableWhen needs exactly one answer[x]');
      const key = given[0]!;
      if (condition.operator === 'exists') {
        if (key !== 'answerBoolean') at('operator "exists" takes answerBoolean');
        return;
      }
      if (!ANSWER_FOR[target.type]!.includes(key)) return at(`${key} cannot be compared with "${condition.question}", a ${target.type} item`);
      if (['>', '<', '>=', '<='].includes(condition.operator) && (key === 'answerBoolean' || key === 'answerCoding')) at(`operator "${condition.operator}" does not order ${key}`);
    });
  }

  if (problems.length === 0) {
    try {
      enabledItems(q as Questionnaire, {});
    } catch (error) {
      top((error as Error).message);
    }
  }
  return problems;
}
