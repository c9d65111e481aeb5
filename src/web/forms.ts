import { z } from 'zod';
import type { FieldError } from '../lib/errors.js';
import { flag, html, type SafeHtml } from './html.js';
import type { Translate } from './i18n/index.js';

/**
 * Pages post urlencoded forms. The route accepts any fields as text and the page turns them into the module's own
 * zod body, so a mistake comes back as a message next to its field instead of a bare 400.
 */
export const FormBody = z.record(z.string(), z.union([z.string(), z.array(z.string())]));
export type FormBody = z.infer<typeof FormBody>;
export type FormValues = Record<string, string>;

export function formValue(body: FormBody | undefined, name: string): string {
  const value = body?.[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** The module's zod issues as field errors whose codes the catalogs know (`error.field.<code>`). */
export function zodFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => {
    const field = issue.path.map(String).join('.');
    const last = String(issue.path.at(-1) ?? '');
    return { field, code: catalogCode(issue, last), message: issue.message };
  });
}

function catalogCode(issue: z.core.$ZodIssue, field: string): string {
  switch (issue.code) {
    case 'too_small':
      if (field === 'password') return 'password_too_short';
      if (field === 'username') return 'invalid_username';
      return issue.origin === 'string' && Number(issue.minimum) <= 1 ? 'required' : 'invalid';
    case 'too_big':
      return 'too_long';
    case 'invalid_format':
      if (issue.format === 'email') return 'invalid_email';
      if (field === 'username') return 'invalid_username';
      if (field === 'birthDate') return 'invalid_date_format';
      return 'invalid';
    case 'invalid_value':
      return 'invalid_choice';
    default:
      return 'invalid';
  }
}

export function fieldMessage(t: Translate, error: FieldError): string {
  return t.maybe(`error.field.${error.code}`) ?? t('error.field.invalid');
}

export function fieldId(name: string): string {
  return `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

interface FieldOptions {
  name: string;
  label: string;
  values: FormValues;
  errors: FieldError[];
  t: Translate;
  hint?: string;
  required?: boolean;
  wide?: boolean;
}

function errorsFor(errors: FieldError[], name: string): FieldError[] {
  return errors.filter((e) => e.field === name);
}

/** Label, hint and message above the control, tied to it with aria-describedby so screen readers read them together. */
function fieldShell(o: FieldOptions, control: (describedBy: string, invalid: boolean) => SafeHtml): SafeHtml {
  const id = fieldId(o.name);
  const mine = errorsFor(o.errors, o.name);
  const describedBy = [o.hint ? `${id}-hint` : '', mine.length > 0 ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="field${mine.length > 0 ? ' field-invalid' : ''}${o.wide ? ' field-wide' : ''}">
  <label for="${id}">${o.label}${o.required ? html`<span class="required" aria-hidden="true">*</span>` : ''}</label>
  ${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ''}
  ${mine.length > 0 ? html`<p class="field-error" id="${id}-error">${mine.map((e) => html`<span>${fieldMessage(o.t, e)}</span> `)}</p>` : ''}
  ${control(describedBy, mine.length > 0)}
</div>`;
}

function describe(describedBy: string, invalid: boolean): SafeHtml {
  return html`${describedBy ? html` aria-describedby="${describedBy}"` : ''}${invalid ? html` aria-invalid="true"` : ''}`;
}

export function textField(
  o: FieldOptions & { type?: 'text' | 'email' | 'tel' | 'date' | 'password'; maxlength?: number; autocomplete?: string; inputmode?: string; placeholder?: string },
): SafeHtml {
  return fieldShell(
    o,
    (d, invalid) =>
      html`<input id="${fieldId(o.name)}" name="${o.name}" type="${o.type ?? 'text'}" value="${o.type === 'password' ? '' : (o.values[o.name] ?? '')}"${o.maxlength ? html` maxlength="${o.maxlength}"` : ''}${o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ''}${o.inputmode ? html` inputmode="${o.inputmode}"` : ''}${o.placeholder ? html` placeholder="${o.placeholder}"` : ''}${flag('required', o.required ?? false)}${describe(d, invalid)}>`,
  );
}

export function textArea(o: FieldOptions & { maxlength?: number; rows?: number }): SafeHtml {
  return fieldShell(
    o,
    (d, invalid) =>
      html`<textarea id="${fieldId(o.name)}" name="${o.name}" rows="${o.rows ?? 3}"${o.maxlength ? html` maxlength="${o.maxlength}"` : ''}${describe(d, invalid)}>${o.values[o.name] ?? ''}</textarea>`,
  );
}

export function selectField(o: FieldOptions & { options: { value: string; label: string }[] }): SafeHtml {
  const current = o.values[o.name] ?? '';
  return fieldShell(
    o,
    (d, invalid) =>
      html`<select id="${fieldId(o.name)}" name="${o.name}"${flag('required', o.required ?? false)}${describe(d, invalid)}>${o.options.map(
        (opt) => html`<option value="${opt.value}"${flag('selected', opt.value === current)}>${opt.label}</option>`,
      )}</select>`,
  );
}

/** The list at the top of a form that failed, each item linking to its field. */
export function errorSummary(t: Translate, errors: FieldError[], labels: Record<string, string>): SafeHtml {
  if (errors.length === 0) return html``;
  return html`<div class="banner banner-error error-summary" role="alert" tabindex="-1" id="error-summary">
  <p>${t('form.errorSummary', { n: errors.length })}</p>
  <ul>${errors.map((e) => {
    const label = labels[e.field];
    return label
      ? html`<li><a href="#${fieldId(e.field)}">${t('form.labelMessage', { label, message: fieldMessage(t, e) })}</a></li>`
      : html`<li>${t.maybe(`error.field.${e.code}`) ?? e.message}</li>`;
  })}</ul>
</div>`;
}
