import type { FieldError } from '../../lib/errors.js';
import type { Campaign } from '../../modules/care/care.schemas.js';
import type { Department } from '../../modules/staff/staff.schemas.js';
import { localDateTime } from '../format.js';
import { errorSummary, selectField, textArea, textField, type FormValues } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import { banner, layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

export const SEGMENT_FIELDS = ['minAge', 'maxAge', 'tag', 'province', 'city', 'departmentId', 'diagnosis'] as const;

export interface CampaignsView {
  campaigns: Campaign[];
  departments: Department[];
  values: FormValues;
  errors: FieldError[];
  /** Patients in the segment as the form stands, after "count patients". */
  previewCount: number | null;
  notice: 'created' | null;
  timeZone: string;
  canManage: boolean;
}

export function campaignsPage(page: PageContext, view: CampaignsView): SafeHtml {
  const { t } = page;
  const labels: Record<string, string> = {
    name: t('campaigns.name'),
    body: t('campaigns.body'),
    sendAt: t('campaigns.sendAt'),
    minAge: t('campaigns.minAge'),
    maxAge: t('campaigns.maxAge'),
    tag: t('campaigns.tag'),
    province: t('campaigns.province'),
    city: t('campaigns.city'),
    departmentId: t('campaigns.department'),
    diagnosis: t('campaigns.diagnosis'),
  };
  const base = { values: view.values, errors: view.errors, t };
  return layout(page, {
    title: t('campaigns.title'),
    section: 'campaigns',
    body: html`<h1 class="page-title">${t('campaigns.title')}</h1>
${view.notice ? banner('success', t('campaigns.created')) : ''}
<div class="staff-grid">
  <section class="card" aria-labelledby="campaign-list-title">
    <h2 id="campaign-list-title">${t('campaigns.list')}</h2>
    ${view.campaigns.length === 0
      ? html`<p class="muted">${t('campaigns.none')}</p>`
      : html`<table class="table">
      <thead><tr><th scope="col">${labels['name']}</th><th scope="col">${labels['sendAt']}</th><th scope="col">${t('campaigns.status')}</th></tr></thead>
      <tbody>${view.campaigns.map(
        (c) => html`<tr>
        <td data-label="${labels['name']}"><a href="/app/campaigns/${encodeURIComponent(c.id)}">${c.name}</a></td>
        <td data-label="${labels['sendAt']}">${localDateTime(c.sendAt, view.timeZone)}</td>
        <td data-label="${t('campaigns.status')}">${statusBadge(page, c)}${c.status === 'queued' ? html` <span class="muted">${t('campaigns.queuedCount', { n: c.queuedCount })}</span>` : ''}</td>
      </tr>`,
      )}</tbody>
    </table>`}
  </section>
  ${view.canManage
    ? html`<section class="card form-card" aria-labelledby="campaign-create-title">
    <h2 id="campaign-create-title">${t('campaigns.create')}</h2>
    ${errorSummary(t, view.errors, labels)}
    ${view.previewCount === null ? '' : banner('info', t('campaigns.previewCount', { n: view.previewCount }))}
    <form method="post" action="/app/campaigns" class="form" novalidate>
      ${textField({ ...base, name: 'name', label: labels['name']!, maxlength: 100, required: true })}
      ${textArea({ ...base, name: 'body', label: labels['body']!, hint: t('campaigns.bodyHint', { patientName: '{patientName}' }), maxlength: 500, rows: 4 })}
      ${textField({ ...base, name: 'sendAt', label: labels['sendAt']!, hint: t('campaigns.sendAtHint', { zone: view.timeZone }), placeholder: '2026-12-01 09:00', maxlength: 16 })}
      <fieldset class="fieldset"><legend>${t('campaigns.segment')}</legend>
        ${textField({ ...base, name: 'minAge', label: labels['minAge']!, inputmode: 'numeric', maxlength: 3 })}
        ${textField({ ...base, name: 'maxAge', label: labels['maxAge']!, inputmode: 'numeric', maxlength: 3 })}
        ${textField({ ...base, name: 'tag', label: labels['tag']!, maxlength: 30 })}
        ${textField({ ...base, name: 'province', label: labels['province']!, maxlength: 50 })}
        ${textField({ ...base, name: 'city', label: labels['city']!, maxlength: 50 })}
        ${selectField({ ...base, name: 'departmentId', label: labels['departmentId']!, options: [{ value: '', label: t('campaigns.anyDepartment') }, ...view.departments.map((d) => ({ value: d.id, label: page.lang === 'zh-CN' ? d.nameZh : d.nameEn }))] })}
        ${textField({ ...base, name: 'diagnosis', label: labels['diagnosis']!, maxlength: 8 })}
      </fieldset>
      <div class="form-actions">
        <button type="submit" name="action" value="preview" class="button">${t('campaigns.preview')}</button>
        <button type="submit" name="action" value="create" class="button button-primary">${t('campaigns.submit')}</button>
      </div>
    </form>
  </section>`
    : ''}
</div>`,
  });
}

export function campaignPage(page: PageContext, c: Campaign, options: { timeZone: string; canManage: boolean }): SafeHtml {
  const { t } = page;
  const keys = ['queued', 'sent', 'delivered', 'failed', 'optedOut', 'cancelled'] as const;
  return layout(page, {
    title: c.name,
    section: 'campaigns',
    body: html`<p class="breadcrumb"><a href="/app/campaigns">← ${t('campaigns.back')}</a></p>
<section class="card" aria-labelledby="campaign-title">
  <h1 id="campaign-title" class="page-title">${c.name} ${statusBadge(page, c)}</h1>
  <p>${t('common.labelValue', { label: t('campaigns.sendAt'), value: localDateTime(c.sendAt, options.timeZone) })}</p>
  <p>${t('common.labelValue', { label: t('campaigns.segment'), value: Object.entries(c.segment).map(([k, v]) => `${k}=${String(v)}`).join(' · ') || '—' })}</p>
  <p class="prewrap">${c.body}</p>
  ${options.canManage && c.status !== 'cancelled'
    ? html`<form method="post" action="/app/campaigns/${encodeURIComponent(c.id)}" class="row-actions">
    ${c.status === 'draft' ? html`<button type="submit" name="action" value="send" class="button button-primary">${t('campaigns.send')}</button>` : ''}
    <button type="submit" name="action" value="cancel" class="button button-danger">${t('campaigns.cancel')}</button>
  </form>`
    : ''}
</section>
<section class="card" aria-labelledby="campaign-report">
  <h2 id="campaign-report">${t('campaigns.report')}</h2>
  ${c.report
    ? html`<dl class="dl">${keys.map((k) => html`<div class="dl-row"><dt>${t(`campaigns.report.${k}`)}</dt><dd class="mono">${c.report![k]}</dd></div>`)}</dl>`
    : html`<p class="muted">${t('campaigns.reportPending')}</p>`}
</section>`,
  });
}

function statusBadge(page: PageContext, c: Campaign): SafeHtml {
  return html`<span class="badge ${c.status === 'queued' ? 'badge-ok' : 'badge-muted'}">${page.t(`campaigns.status.${c.status}`)}</span>`;
}
