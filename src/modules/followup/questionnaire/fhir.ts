/**
 * The part of FHIR R4 Questionnaire and QuestionnaireResponse that HCRM reads. Definitions are kept as they were
 * written (standard ones load unchanged); these types only name what the loader, the form and the scoring use.
 */
export interface Coding {
  system?: string;
  code?: string;
  display?: string;
  extension?: Extension[];
}

export interface Extension {
  url: string;
  valueDecimal?: number;
  valueInteger?: number;
  valueString?: string;
  valueCode?: string;
  valueDate?: string;
  valueDateTime?: string;
  valueCoding?: Coding;
  extension?: Extension[];
}

export interface AnswerOption {
  valueCoding?: Coding;
  valueString?: string;
  valueInteger?: number;
  valueDate?: string;
  initialSelected?: boolean;
  extension?: Extension[];
  _valueString?: { extension?: Extension[] };
}

export const ENABLE_WHEN_OPERATORS = ['exists', '=', '!=', '>', '<', '>=', '<='] as const;
export type EnableWhenOperator = (typeof ENABLE_WHEN_OPERATORS)[number];

export interface EnableWhen {
  question: string;
  operator: EnableWhenOperator;
  answerBoolean?: boolean;
  answerDecimal?: number;
  answerInteger?: number;
  answerDate?: string;
  answerDateTime?: string;
  answerString?: string;
  answerCoding?: Coding;
}

export const ITEM_TYPES = ['group', 'display', 'boolean', 'decimal', 'integer', 'date', 'dateTime', 'string', 'text', 'choice', 'open-choice'] as const;
export type ItemType = (typeof ITEM_TYPES)[number];

export interface QuestionnaireItem {
  linkId: string;
  text?: string;
  _text?: { extension?: Extension[] };
  prefix?: string;
  type: ItemType;
  required?: boolean;
  repeats?: boolean;
  readOnly?: boolean;
  maxLength?: number;
  enableWhen?: EnableWhen[];
  enableBehavior?: 'any' | 'all';
  answerOption?: AnswerOption[];
  code?: Coding[];
  extension?: Extension[];
  item?: QuestionnaireItem[];
}

export interface Questionnaire {
  resourceType: 'Questionnaire';
  id?: string;
  url: string;
  version?: string;
  name?: string;
  title?: string;
  _title?: { extension?: Extension[] };
  status: 'draft' | 'active' | 'retired' | 'unknown';
  language?: string;
  item?: QuestionnaireItem[];
}

export const EXT = {
  ordinalValue: 'http://hl7.org/fhir/StructureDefinition/ordinalValue',
  itemWeight: 'http://hl7.org/fhir/StructureDefinition/itemWeight',
  minValue: 'http://hl7.org/fhir/StructureDefinition/minValue',
  maxValue: 'http://hl7.org/fhir/StructureDefinition/maxValue',
  translation: 'http://hl7.org/fhir/StructureDefinition/translation',
} as const;

/**
 * HCRM's local code system for the tags in `item.code` that feed statistics. An item may carry several
 * (`satisfaction-overall` and `aspect-doctor`); unknown codes of this system are refused at load.
 */
export const TAG_SYSTEM = 'https://hcrm.example/fhir/CodeSystem/followup-tag';
export const TAGS = [
  'satisfaction-overall',
  'nps',
  'aspect-doctor',
  'aspect-nursing',
  'aspect-waiting',
  'aspect-environment',
  'aspect-cost',
  'aspect-explanation',
  'complaint',
] as const;
export type Tag = (typeof TAGS)[number];

/** A stored answer value: boolean, number, text (string, text, date, dateTime, open-choice free text) or a Coding. */
export type AnswerValue = boolean | number | string | { system?: string; code: string; display?: string };
export type Answers = Record<string, AnswerValue[]>;

/** Every item in document order, with its path (`item[2].item[0]`) and its ancestors. */
export interface FlatItem {
  item: QuestionnaireItem;
  path: string;
  ancestors: QuestionnaireItem[];
}

export function flattenItems(items: QuestionnaireItem[] | undefined, path = '', ancestors: QuestionnaireItem[] = []): FlatItem[] {
  const out: FlatItem[] = [];
  (items ?? []).forEach((item, i) => {
    const here = `${path}${path ? '.' : ''}item[${i}]`;
    out.push({ item, path: here, ancestors });
    out.push(...flattenItems(item.item, here, [...ancestors, item]));
  });
  return out;
}

export function extensionNumber(extensions: Extension[] | undefined, url: string): number | undefined {
  const found = extensions?.find((e) => e.url === url);
  return found?.valueDecimal ?? found?.valueInteger;
}

/** The translated text for `lang` from a `_text` (or `_title`) element, falling back to the primary text. */
export function translated(text: string | undefined, element: { extension?: Extension[] } | undefined, lang: string): string {
  for (const ext of element?.extension ?? []) {
    if (ext.url !== EXT.translation) continue;
    const language = ext.extension?.find((e) => e.url === 'lang')?.valueCode;
    const content = ext.extension?.find((e) => e.url === 'content')?.valueString;
    if (content && language && (language === lang || language.split('-')[0] === lang.split('-')[0])) return content;
  }
  return text ?? '';
}

export function tagsOf(item: QuestionnaireItem): Tag[] {
  return (item.code ?? []).filter((c) => c.system === TAG_SYSTEM && (TAGS as readonly string[]).includes(c.code ?? '')).map((c) => c.code as Tag);
}

/** The value an answerOption stands for, in the AnswerValue shape. */
export function optionValue(option: AnswerOption): AnswerValue | undefined {
  if (option.valueCoding) return { ...(option.valueCoding.system ? { system: option.valueCoding.system } : {}), code: option.valueCoding.code ?? '', ...(option.valueCoding.display ? { display: option.valueCoding.display } : {}) };
  return option.valueString ?? option.valueInteger ?? option.valueDate;
}

/** The score of an option: ordinalValue or itemWeight, on the option or on its Coding (both places occur in the wild). */
export function optionScore(option: AnswerOption): number | undefined {
  for (const url of [EXT.ordinalValue, EXT.itemWeight]) {
    const value = extensionNumber(option.extension, url) ?? extensionNumber(option.valueCoding?.extension, url);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** A key that identifies an option in a form field and compares answers: the code of a Coding, else the value. */
export function optionKey(value: AnswerValue): string {
  return typeof value === 'object' ? value.code : String(value);
}
