import { countSegments, type SegmentCount } from './segments.js';

export type TemplateLocale = 'zh-CN' | 'en';
export const TEMPLATE_LOCALES: readonly TemplateLocale[] = ['zh-CN', 'en'];

/** One text of one purpose in one language, written by the module that sends it (src/modules/<m>/<m>.templates.ts). */
export interface TemplateDefinition {
  /** `<module>.<purpose>`: care.birthday, appointment.reminder. */
  name: string;
  locale: TemplateLocale;
  /** Only this channel; omitted: SMS and e-mail alike. */
  channel?: 'sms' | 'email';
  /** E-mail subject line; may use the same `{variables}`. */
  subject?: string;
  /** Text with named `{variables}`; every name must be declared below and every declared name used. */
  body: string;
  variables: readonly string[];
}
export type TemplateSet = readonly TemplateDefinition[];

export interface Rendered {
  subjectLine: string | null;
  body: string;
  sms: SegmentCount;
}

export class TemplateError extends Error {}

const PLACEHOLDER = /\{(\w+)\}/g;

function placeholders(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/**
 * Every module's templates, checked when the service starts: a placeholder that is not declared, a declared variable
 * the text never uses, a language missing, or an SMS text already over the segment cap stops the start and names the
 * template, instead of sending "{doctor}" to a patient months later.
 */
export class TemplateRegistry {
  readonly #byKey = new Map<string, TemplateDefinition>();

  constructor(sets: readonly TemplateSet[], readonly smsMaxSegments: number) {
    for (const template of sets.flat()) this.#add(template);
    this.#checkLocales();
  }

  #add(template: TemplateDefinition): void {
    const key = `${template.name}\u0000${template.locale}`;
    const where = `template ${template.name} (${template.locale})`;
    if (this.#byKey.has(key)) throw new TemplateError(`${where} is defined twice`);
    const used = new Set([...placeholders(template.body), ...placeholders(template.subject ?? '')]);
    const declared = new Set(template.variables);
    const unknown = [...used].filter((v) => !declared.has(v));
    if (unknown.length > 0) throw new TemplateError(`${where} uses undeclared variable(s) ${unknown.map((v) => `{${v}}`).join(', ')}`);
    const unused = [...declared].filter((v) => !used.has(v));
    if (unused.length > 0) throw new TemplateError(`${where} declares variable(s) its text never uses: ${unused.join(', ')}`);
    if (template.channel !== 'email') {
      const fixed = countSegments(template.body.replace(PLACEHOLDER, ''));
      if (fixed.segments > this.smsMaxSegments) throw new TemplateError(`${where} is ${fixed.segments} SMS segments before any variable; the cap is ${this.smsMaxSegments}`);
    }
    this.#byKey.set(key, template);
  }

  #checkLocales(): void {
    for (const name of this.names()) {
      const versions = TEMPLATE_LOCALES.map((locale) => this.#byKey.get(`${name}\u0000${locale}`));
      const missing = TEMPLATE_LOCALES.filter((_l, i) => !versions[i]);
      if (missing.length > 0) throw new TemplateError(`template ${name} has no ${missing.join(', ')} version`);
      const [first, ...rest] = versions.map((v) => [...v!.variables].sort().join(','));
      if (rest.some((v) => v !== first)) throw new TemplateError(`template ${name} declares different variables in its languages`);
    }
  }

  names(): string[] {
    return [...new Set([...this.#byKey.values()].map((t) => t.name))].sort();
  }

  find(name: string, locale: TemplateLocale): TemplateDefinition | undefined {
    return this.#byKey.get(`${name}\u0000${locale}`);
  }

  /** Fills the variables; returns the list of problems instead when one is missing or unknown. */
  render(template: TemplateDefinition, variables: Record<string, string>): Rendered | { problems: string[] } {
    const missing = template.variables.filter((v) => typeof variables[v] !== 'string');
    const extra = Object.keys(variables).filter((v) => !template.variables.includes(v));
    if (missing.length > 0 || extra.length > 0) {
      return {
        problems: [...missing.map((v) => `variable "${v}" is missing`), ...extra.map((v) => `variable "${v}" is not one of ${template.name}'s (${template.variables.join(', ')})`)],
      };
    }
    const fill = (text: string) => text.replace(PLACEHOLDER, (_whole, name: string) => variables[name]!);
    const body = fill(template.body);
    return { subjectLine: template.subject ? fill(template.subject) : null, body, sms: countSegments(body) };
  }
}
