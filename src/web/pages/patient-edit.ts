import type { FieldError } from '../../lib/errors.js';
import { Gender, Language, PatientSource, PreferredChannel } from '../../modules/patients/patients.schemas.js';
import type { PatientFile } from '../../modules/patients/patients.schemas.js';
import { errorSummary, selectField, textArea, textField, type FormValues } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import type { Translate } from '../i18n/index.js';
import { banner, layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

export interface EditView {
  file: PatientFile;
  values: FormValues;
  errors: FieldError[];
  conflict: boolean;
}

export function fieldLabels(t: Translate): Record<string, string> {
  return {
    name: t('file.name'),
    gender: t('file.gender'),
    birthDate: t('file.birthDate'),
    residentId: t('file.residentId'),
    phone: t('file.phone'),
    email: t('file.email'),
    'address.province': t('edit.province'),
    'address.city': t('edit.city'),
    'address.district': t('edit.district'),
    'address.detail': t('edit.detail'),
    occupation: t('file.occupation'),
    employer: t('file.employer'),
    source: t('file.source'),
    preferredLanguage: t('file.preferredLanguage'),
    preferredChannel: t('file.preferredChannel'),
    tags: t('file.tags'),
    pastHistory: t('clinical.pastHistory'),
    familyHistory: t('clinical.familyHistory'),
  };
}

export function editPage(page: PageContext, view: EditView): SafeHtml {
  const { t } = page;
  const { file, values, errors } = view;
  const labels = fieldLabels(t);
  const base = { values, errors, t };
  const patientHref = `/app/patients/${encodeURIComponent(file.id)}`;
  return layout(page, {
    title: `${t('edit.title')} · ${file.name}`,
    section: 'patients',
    body: html`<p class="breadcrumb"><a href="${patientHref}">← ${file.name}</a></p>
<section class="card form-card" aria-labelledby="edit-title">
  <h1 id="edit-title" class="page-title">${t('edit.title')}<span class="subtitle">${file.name}</span></h1>
  ${view.conflict ? banner('error', t('edit.conflict'), html`<p><a class="button" href="${patientHref}/edit">${t('edit.reload')}</a></p>`) : ''}
  ${errorSummary(t, errors, labels)}
  <form method="post" action="${patientHref}/edit" class="form" novalidate>
    <input type="hidden" name="version" value="${values['version'] ?? ''}">
    <fieldset>
      <legend>${t('edit.basic')}</legend>
      <div class="form-grid">
        ${textField({ ...base, name: 'name', label: labels['name']!, maxlength: 50, required: true, autocomplete: 'off' })}
        ${selectField({ ...base, name: 'gender', label: labels['gender']!, required: true, options: Gender.options.map((g) => ({ value: g, label: t(`gender.${g}`) })) })}
        ${textField({ ...base, name: 'birthDate', label: labels['birthDate']!, type: 'date' })}
        ${textField({
          ...base,
          name: 'residentId',
          label: labels['residentId']!,
          maxlength: 18,
          inputmode: 'text',
          autocomplete: 'off',
          hint: file.residentId ? t('edit.residentIdHint', { masked: file.residentId }) : t('edit.residentIdEmpty'),
        })}
      </div>
    </fieldset>
    <fieldset>
      <legend>${t('edit.contact')}</legend>
      <div class="form-grid">
        ${textField({ ...base, name: 'phone', label: labels['phone']!, type: 'tel', maxlength: 30, autocomplete: 'off', inputmode: 'tel' })}
        ${textField({ ...base, name: 'email', label: labels['email']!, type: 'email', maxlength: 254, autocomplete: 'off' })}
        ${selectField({ ...base, name: 'preferredChannel', label: labels['preferredChannel']!, options: PreferredChannel.options.map((c) => ({ value: c, label: t(`channel.${c}`) })) })}
        ${selectField({ ...base, name: 'preferredLanguage', label: labels['preferredLanguage']!, options: Language.options.map((l) => ({ value: l, label: t(`language.${l}`) })) })}
      </div>
    </fieldset>
    <fieldset>
      <legend>${t('edit.address')}</legend>
      <div class="form-grid">
        ${textField({ ...base, name: 'address.province', label: labels['address.province']!, maxlength: 50 })}
        ${textField({ ...base, name: 'address.city', label: labels['address.city']!, maxlength: 50 })}
        ${textField({ ...base, name: 'address.district', label: labels['address.district']!, maxlength: 50 })}
        ${textField({ ...base, name: 'address.detail', label: labels['address.detail']!, maxlength: 200 })}
      </div>
    </fieldset>
    <fieldset>
      <legend>${t('edit.other')}</legend>
      <div class="form-grid">
        ${textField({ ...base, name: 'occupation', label: labels['occupation']!, maxlength: 50 })}
        ${textField({ ...base, name: 'employer', label: labels['employer']!, maxlength: 100 })}
        ${selectField({ ...base, name: 'source', label: labels['source']!, options: [{ value: '', label: t('edit.notSet') }, ...PatientSource.options.map((s) => ({ value: s, label: t(`source.${s}`) }))] })}
        ${textField({ ...base, name: 'tags', label: labels['tags']!, hint: t('edit.tagsHint') })}
      </div>
    </fieldset>
    ${file.access.clinical
      ? html`<fieldset>
      <legend>${t('edit.history')}</legend>
      ${textArea({ ...base, name: 'pastHistory', label: labels['pastHistory']!, maxlength: 4000, wide: true })}
      ${textArea({ ...base, name: 'familyHistory', label: labels['familyHistory']!, maxlength: 4000, wide: true })}
    </fieldset>`
      : ''}
    <div class="form-actions">
      <button type="submit" class="button button-primary">${t('edit.save')}</button>
      <a class="button" href="${patientHref}">${t('edit.cancel')}</a>
    </div>
  </form>
</section>`,
  });
}
