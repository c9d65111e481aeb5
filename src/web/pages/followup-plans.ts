import type { FieldError } from '../../lib/errors.js';
import type { FollowupPlan } from '../../modules/followup/plans/plans.schemas.js';
import type { FollowupTask } from '../../modules/followup/worklist/worklist.schemas.js';
import { localDateTime } from '../format.js';
import { errorSummary, textArea, textField, type FormValues } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import { banner, layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

export interface FollowupPageView {
  /** Today's and overdue tasks of the viewer's department; null for roles without worklists. */
  worklist: { today: FollowupTask[]; overdue: FollowupTask[] } | null;
  plans: FollowupPlan[];
  canManage: boolean;
  values: FormValues;
  errors: FieldError[];
  saved: { code: string; version: number } | null;
  timeZone: string;
}

/** 随访: the department's calls of the day and the overdue ones; the plans, and for admins and managers a plan editor. */
export function followupPage(page: PageContext, view: FollowupPageView): SafeHtml {
  const { t } = page;
  const tasks = (items: FollowupTask[]) =>
    items.length === 0
      ? html`<p class="muted">${t('followup.page.noTasks')}</p>`
      : html`<ul class="plain">${items.map(
          (task) => html`<li><a href="/app/patients/${encodeURIComponent(task.patientId)}#followup">${task.title}</a> · ${localDateTime(task.dueAt, view.timeZone)} · ${t('followup.task.attempts', { n: task.attempts, max: task.maxAttempts })}</li>`,
        )}</ul>`;
  const labels = { code: t('followup.page.code'), definition: t('followup.page.definition') };
  return layout(page, {
    title: t('followup.page.title'),
    section: 'followup',
    body: html`<h1 class="page-title">${t('followup.page.title')}</h1>
${view.saved ? banner('success', t('followup.page.saved', { code: view.saved.code, version: view.saved.version })) : ''}
${view.worklist
  ? html`<section class="card" aria-labelledby="fu-today"><h2 id="fu-today">${t('followup.page.today')}</h2>${tasks(view.worklist.today)}</section>
<section class="card" aria-labelledby="fu-overdue"><h2 id="fu-overdue">${t('followup.page.overdue')}</h2>${tasks(view.worklist.overdue)}</section>`
  : ''}
<section class="card" aria-labelledby="fu-plans">
  <h2 id="fu-plans">${t('followup.page.plans')}</h2>
  <table class="table">
    <thead><tr><th scope="col">${t('followup.page.code')}</th><th scope="col">${t('followup.page.name')}</th><th scope="col">${t('followup.page.trigger')}</th><th scope="col">${t('followup.page.steps')}</th><th scope="col">${t('followup.page.status')}</th></tr></thead>
    <tbody>${view.plans.map(
      (p) => html`<tr>
      <td data-label="${t('followup.page.code')}">${view.canManage ? html`<a class="mono" href="/app/followup?edit=${encodeURIComponent(p.code)}#fu-edit">${p.code}</a>` : html`<span class="mono">${p.code}</span>`} v${p.version}</td>
      <td data-label="${t('followup.page.name')}">${page.lang === 'zh-CN' ? p.definition.name['zh-CN'] : p.definition.name.en}</td>
      <td data-label="${t('followup.page.trigger')}">${p.definition.trigger}</td>
      <td data-label="${t('followup.page.steps')}">${p.definition.steps.map((s) => `${s.day}: ${s.kind}`).join(' · ')}</td>
      <td data-label="${t('followup.page.status')}">${p.status}</td>
    </tr>`,
    )}</tbody>
  </table>
</section>
${view.canManage
  ? html`<section class="card" aria-labelledby="fu-edit">
  <h2 id="fu-edit">${t('followup.page.edit')}</h2>
  <p class="muted">${t('followup.page.editHint')}</p>
  ${errorSummary(t, view.errors, labels)}
  <form method="post" action="/app/followup/plans" class="form" novalidate>
    ${textField({ values: view.values, errors: view.errors, t, name: 'code', label: labels.code, required: true, maxlength: 64 })}
    ${textArea({ values: view.values, errors: view.errors, t, name: 'definition', label: labels.definition, rows: 16, maxlength: 20000 })}
    <div class="form-actions"><button type="submit" class="button button-primary">${t('followup.page.save')}</button></div>
  </form>
</section>`
  : ''}`,
  });
}
