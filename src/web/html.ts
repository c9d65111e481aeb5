/**
 * HTML built with a tagged template that escapes every interpolated value unless it is already `SafeHtml`
 * (another `html` fragment, or text passed through `raw()` on purpose). Attribute values must be quoted in the
 * template; escaping covers both quote characters, so a value can never leave its attribute.
 */
export class SafeHtml {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c]!);
}

/** Trusted markup only: constants written in this codebase, never anything a person typed or a service returned. */
export function raw(trusted: string): SafeHtml {
  return new SafeHtml(trusted);
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false || value === true) return '';
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new SafeHtml(out);
}

/** An attribute that is present or absent (`disabled`, `selected`, `aria-invalid`). */
export function flag(name: 'selected' | 'checked' | 'disabled' | 'required' | 'autofocus', on: boolean): SafeHtml {
  return new SafeHtml(on ? ` ${name}` : '');
}
