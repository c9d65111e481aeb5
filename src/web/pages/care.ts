import type { FieldError } from '../../lib/errors.js';
import type { CareReminder } from '../../modules/care/care.schemas.js';
import type { Department } from '../../modules/staff/staff.schemas.js';
import { localDateTime } from '../format.js';
import { errorSummary, selectField, textArea, textField, type FormValues } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import { banner } from '../layout.js';
import type { PageContext } from '../page-context.js';

export interface CareView {
  patientId: string;
  reminders: CareReminder[];
  canWrite: boolean;
  departments: Department[];
  values: FormValues;
  errors: FieldError[];
  notice: 'created' | 'closed' | null;
  timeZone: string;
}

/** The care reminders card of the patient page: the list, with end and cancel, and the form that sets a new one. */
export function careSection(page: PageContext, view: CareView): SafeHtml {
  const { t } = page;
  const labels = {
    kind: t('care.kind'),
    drug: t('care.drug'),
    dose: t('care.dose'),
    timesOfDay: t('care.times'),
    startDate: t('care.startDate'),
    endDate: t('care.endDate'),
    recheckDate: t('care.recheckDate'),
    departmentId: t('care.recheckDepartment'),
    bring: t('care.bring'),
    remindAt: t('care.remindAt'),
    text: t('care.text'),
  };
  const base = { values: view.values, errors: view.errors, t };
  const departmentName = (id: string | null) => {
    const d = id ? view.departments.find((x) => x.id === id) : undefined;
    return d ? (page.lang === 'zh-CN' ? d.nameZh : d.nameEn) : '';
  };
  return html`<section class="card" id="care" aria-labelledby="sec-care">
  <h2 id="sec-care">${t('care.title')}</h2>
  ${view.notice ? banner('success', t(view.notice === 'created' ? 'care.created' : 'care.closed')) : ''}
  ${view.reminders.length === 0
    ? html`<p class="muted">${t('care.none')}</p>`
    : html`<ul class="plain care-list">${view.reminders.map((r) => reminderItem(page, r, view, departmentName))}</ul>`}
  ${view.canWrite
    ? html`<details class="care-create"${view.errors.length > 0 ? html` open` : ''}>
    <summary>${t('care.create')}</summary>
    ${errorSummary(t, view.errors, labels)}
    <form method="post" action="/app/patients/${encodeURIComponent(view.patientId)}/care-reminders#care" class="form" novalidate>
      ${selectField({ ...base, name: 'kind', label: labels.kind, required: true, options: (['medication', 'recheck', 'free_text'] as const).map((k) => ({ value: k, label: t(`care.kind.${k}`) })) })}
      ${textField({ ...base, name: 'drug', label: labels.drug, maxlength: 100 })}
      ${textField({ ...base, name: 'dose', label: labels.dose, maxlength: 100 })}
      ${textField({ ...base, name: 'timesOfDay', label: labels.timesOfDay, hint: t('care.timesHint'), maxlength: 60 })}
      ${textField({ ...base, name: 'startDate', label: labels.startDate, type: 'date' })}
      ${textField({ ...base, name: 'endDate', label: labels.endDate, type: 'date' })}
      ${textField({ ...base, name: 'recheckDate', label: labels.recheckDate, type: 'date' })}
      ${selectField({ ...base, name: 'departmentId', label: labels.departmentId, options: [{ value: '', label: '—' }, ...view.departments.filter((d) => d.active).map((d) => ({ value: d.id, label: page.lang === 'zh-CN' ? d.nameZh : d.nameEn }))] })}
      ${textField({ ...base, name: 'bring', label: labels.bring, maxlength: 500 })}
      ${textField({ ...base, name: 'remindAt', label: labels.remindAt, maxlength: 5, placeholder: '09:00' })}
      ${textArea({ ...base, name: 'text', label: labels.text, maxlength: 500, rows: 2 })}
      <div class="form-actions"><button type="submit" class="button button-primary">${t('care.submit')}</button></div>
    </form>
  </details>`
    : ''}
</section>`;
}

function reminderItem(page: PageContext, r: CareReminder, view: CareView, departmentName: (id: string | null) => string): SafeHtml {
  const { t } = page;
  const what = r.kind === 'medication' ? `${r.drug ?? ''} ${r.dose ?? ''}` : r.kind === 'recheck' ? `${r.recheckDate ?? ''} ${departmentName(r.recheckDepartmentId)}${r.bring ? ` · ${r.bring}` : ''}` : (r.text ?? '');
  return html`<li class="care-item">
  <p><span class="badge badge-class">${t(`care.kind.${r.kind}`)}</span> <strong>${what}</strong>
    <span class="badge ${r.status === 'active' ? 'badge-ok' : 'badge-muted'}">${t(`care.status.${r.status}`)}</span></p>
  <p class="muted">${t('care.period', { start: r.startDate, end: r.endDate })} · ${r.timesOfDay.join(' ')}${r.nextReminderAt ? html` · ${t('care.next', { time: localDateTime(r.nextReminderAt, view.timeZone) })}` : ''}</p>
  ${view.canWrite && r.status === 'active'
    ? html`<form method="post" action="/app/care-reminders/${encodeURIComponent(r.id)}" class="row-actions">
    <button type="submit" name="action" value="end" class="button button-small">${t('care.end')}</button>
    <button type="submit" name="action" value="cancel" class="button button-small button-danger">${t('care.cancel')}</button>
  </form>`
    : ''}
</li>`;
}
