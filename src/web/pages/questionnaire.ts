import { localDate } from '../../lib/clock.js';
import type { FieldError } from '../../lib/errors.js';
import { enabledItems } from '../../modules/followup/questionnaire/enable-when.js';
import {
  EXT,
  extensionNumber,
  optionKey,
  optionValue,
  translated,
  type AnswerOption,
  type AnswerValue,
  type Questionnaire,
  type QuestionnaireItem,
} from '../../modules/followup/questionnaire/fhir.js';
import { titleOf } from '../../modules/followup/questionnaire/catalog.js';
import { assetUrl, type Assets } from '../assets.js';
import { flag, html, type SafeHtml } from '../html.js';
import type { Lang, MessageKey, Translate } from '../i18n/index.js';

/** What the patient's page needs: the definition, what they entered so far (form values per linkId), and errors. */
export interface FormView {
  t: Translate;
  lang: Lang;
  assets: Assets;
  path: string;
  definition: Questionnaire;
  values: Record<string, string[]>;
  errors: FieldError[];
  expiresAt: string;
  /** The hospital's zone: the link's last day is the patient's calendar day there, not UTC's. */
  timeZone: string;
  saved?: boolean;
}

/** A phone-first page without the staff header: the patient sees the hospital's questionnaire and nothing else. */
export function patientPage(view: { t: Translate; lang: Lang; assets: Assets; path: string }, title: string, body: SafeHtml, withScript = false): SafeHtml {
  const other: Lang = view.lang === 'zh-CN' ? 'en' : 'zh-CN';
  const url = new URL(view.path, 'http://x');
  url.searchParams.set('lang', other);
  return html`<html lang="${view.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<meta name="robots" content="noindex">
<title>${title}</title>
<link rel="icon" href="${assetUrl(view.assets, 'icon.svg')}" type="image/svg+xml">
<link rel="stylesheet" href="${assetUrl(view.assets, 'app.css')}">
${withScript ? html`<script src="${assetUrl(view.assets, 'questionnaire.js')}" defer></script>` : ''}
</head>
<body class="patient-page">
<main id="main" class="main qform-main">
<p class="qform-lang"><a href="${url.pathname}${url.search}" lang="${other}" hreflang="${other}">${view.t('nav.switchLanguage')}</a></p>
${body}
</main>
</body>
</html>`;
}

export function questionnaireForm(view: FormView): SafeHtml {
  const { t, lang, definition } = view;
  const enabled = enabledItems(definition, answersForBranching(definition, view.values));
  const errorsOf = (linkId: string) => view.errors.filter((e) => e.field === `answers.${linkId}`);
  const title = titleOf(definition, lang);
  const body = html`<h1>${title}</h1>
<p class="muted">${t('qform.intro')}</p>
${view.saved ? html`<div class="banner banner-success" role="status"><p>${t('qform.saved')}</p></div>` : ''}
${view.errors.length > 0 ? html`<div class="banner banner-error" role="alert"><p>${t('qform.hasErrors', { n: view.errors.length })}</p></div>` : ''}
<form method="post" action="${view.path.split('?')[0]}" class="form qform" novalidate data-questionnaire>
${(definition.item ?? []).map((item) => renderItem(item, view, enabled, errorsOf))}
<div class="qform-actions">
<button type="submit" name="action" value="save" class="button-secondary">${t('qform.save')}</button>
<button type="submit" name="action" value="submit" class="button">${t('qform.submit')}</button>
</div>
<p class="muted small">${t('qform.expires', { date: localDate(new Date(view.expiresAt), view.timeZone) })}</p>
</form>`;
  return patientPage(view, title, body, true);
}

function renderItem(item: QuestionnaireItem, view: FormView, enabled: Set<string>, errorsOf: (linkId: string) => FieldError[]): SafeHtml {
  const { t, lang } = view;
  const text = translated(item.text, item._text, lang);
  const hidden = !enabled.has(item.linkId);
  // The served script re-evaluates these conditions as the patient answers; without it the server's render holds.
  const branching = item.enableWhen ? html` data-enable-when="${JSON.stringify(item.enableWhen)}" data-enable-behavior="${item.enableBehavior ?? 'any'}"` : '';
  const common = html` data-link-id="${item.linkId}" data-type="${item.type}"${branching}${hidden ? html` hidden` : ''}`;
  if (item.type === 'display') return html`<p class="qform-display"${common}>${text}</p>`;
  if (item.type === 'group') {
    return html`<fieldset class="qform-group"${common}><legend>${item.prefix ? `${item.prefix} ` : ''}${text}</legend>${(item.item ?? []).map((child) => renderItem(child, view, enabled, errorsOf))}</fieldset>`;
  }
  const errors = errorsOf(item.linkId);
  const id = `q-${item.linkId.replace(/[^\w-]/g, '_')}`;
  const values = view.values[item.linkId] ?? [];
  const hints: string[] = [];
  const min = boundText(item, EXT.minValue);
  const max = boundText(item, EXT.maxValue);
  if (min !== undefined || max !== undefined) hints.push(t('qform.range', { min: min ?? '', max: max ?? '' }));
  if (item.maxLength) hints.push(t('qform.maxLength', { n: item.maxLength }));
  const label = html`${item.prefix ? `${item.prefix} ` : ''}${text}${item.required ? html`<span class="required" aria-label="${t('qform.required')}">*</span>` : ''}`;
  const described = errors.length > 0 || hints.length > 0 ? html` aria-describedby="${id}-note"` : '';
  const note = html`${errors.map((e) => html`<p class="field-error" id="${id}-note">${t.maybe(`qform.error.${e.code}`) ?? e.message}</p>`)}${hints.length > 0 && errors.length === 0 ? html`<p class="hint" id="${id}-note">${hints.join(' · ')}</p>` : ''}`;
  const inputName = `q:${item.linkId}`;
  const field = (control: SafeHtml, asGroup: boolean) =>
    asGroup
      ? html`<fieldset class="field qform-question${errors.length > 0 ? ' field-invalid' : ''}"${common}><legend>${label}</legend>${note}${control}</fieldset>`
      : html`<div class="field qform-question${errors.length > 0 ? ' field-invalid' : ''}"${common}><label for="${id}">${label}</label>${note}${control}</div>`;

  switch (item.type) {
    case 'boolean':
      return field(
        html`<div class="qform-options">${[
          ['true', t('qform.yes')],
          ['false', t('qform.no')],
        ].map(([value, shown]) => html`<label class="qform-option"><input type="radio" name="${inputName}" value="${value!}"${flag('checked', values.includes(value!))}> ${shown!}</label>`)}</div>`,
        true,
      );
    case 'choice':
    case 'open-choice': {
      const kind = item.repeats ? 'checkbox' : 'radio';
      const keys = new Set((item.answerOption ?? []).map((o) => optionValue(o)).filter((v): v is AnswerValue => v !== undefined).map(optionKey));
      const other = values.find((v) => !keys.has(v)) ?? '';
      return field(
        html`<div class="qform-options">${(item.answerOption ?? []).map((option) => {
          const value = optionValue(option);
          if (value === undefined) return '';
          const key = optionKey(value);
          return html`<label class="qform-option"><input type="${kind}" name="${inputName}" value="${key}"${flag('checked', values.includes(key))}> ${optionLabel(option, lang)}</label>`;
        })}${item.type === 'open-choice' ? html`<label class="qform-other">${t('qform.other')} <input type="text" name="o:${item.linkId}" value="${other}"${item.maxLength ? html` maxlength="${item.maxLength}"` : ''}></label>` : ''}</div>`,
        true,
      );
    }
    case 'text':
      return field(html`<textarea id="${id}" name="${inputName}" rows="4"${item.maxLength ? html` maxlength="${item.maxLength}"` : ''}${described}>${values[0] ?? ''}</textarea>`, false);
    default: {
      const type = { integer: 'number', decimal: 'number', date: 'date', dateTime: 'datetime-local', string: 'text' }[item.type as string] ?? 'text';
      const extra = html`${item.type === 'integer' ? html` step="1" inputmode="numeric"` : ''}${item.type === 'decimal' ? html` step="any" inputmode="decimal"` : ''}${min !== undefined ? html` min="${min}"` : ''}${max !== undefined ? html` max="${max}"` : ''}${item.maxLength ? html` maxlength="${item.maxLength}"` : ''}`;
      return field(html`<input id="${id}" type="${type}" name="${inputName}" value="${values[0] ?? ''}"${extra}${described}>`, false);
    }
  }
}

function optionLabel(option: AnswerOption, lang: string): string {
  if (option.valueCoding) return translated(option.valueCoding.display ?? option.valueCoding.code, (option.valueCoding as { _display?: { extension?: [] } })._display, lang);
  if (option.valueString !== undefined) return translated(option.valueString, option._valueString, lang);
  return String(option.valueInteger ?? option.valueDate ?? '');
}

function boundText(item: QuestionnaireItem, url: string): string | undefined {
  const ext = item.extension?.find((e) => e.url === url);
  if (!ext) return undefined;
  const n = extensionNumber([ext], url);
  return n !== undefined ? String(n) : (ext.valueDate ?? ext.valueDateTime);
}

/** Form values typed just enough for enableWhen (numbers and booleans), so the server's render branches as the script does. */
function answersForBranching(q: Questionnaire, values: Record<string, string[]>): Record<string, AnswerValue[]> {
  const types = new Map<string, QuestionnaireItem>();
  const walk = (items: QuestionnaireItem[] | undefined) => items?.forEach((i) => (types.set(i.linkId, i), walk(i.item)));
  walk(q.item);
  const out: Record<string, AnswerValue[]> = {};
  for (const [linkId, list] of Object.entries(values)) {
    const item = types.get(linkId);
    if (!item) continue;
    out[linkId] = list
      .filter((v) => v !== '')
      .map((v): AnswerValue => {
        if (item.type === 'boolean') return v === 'true';
        if (item.type === 'integer' || item.type === 'decimal') return Number(v);
        const option = item.answerOption?.map(optionValue).find((o) => o !== undefined && optionKey(o) === v);
        return option ?? v;
      })
      .filter((v) => typeof v !== 'number' || Number.isFinite(v));
  }
  return out;
}

export function notice(view: { t: Translate; lang: Lang; assets: Assets; path: string }, kind: 'thanks' | 'used' | 'expired' | 'invalid'): SafeHtml {
  const { t } = view;
  const title = t(`qform.${kind}.title` as MessageKey);
  return patientPage(view, title, html`<section class="qform-notice qform-${kind}"><h1>${title}</h1><p>${t(`qform.${kind}.body` as MessageKey)}</p></section>`);
}
