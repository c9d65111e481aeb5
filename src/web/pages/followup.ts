import type { PatientFollowup } from '../../modules/followup/plans/plans.schemas.js';
import { localDateTime } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import type { MessageKey } from '../i18n/index.js';
import type { PageContext } from '../page-context.js';

export interface FollowupView {
  schedule: PatientFollowup;
  timeZone: string;
  /** Doctors ask for a follow-up visit (复诊) from the card: booked in the clinic when one is held that day. */
  canScheduleVisit?: boolean;
  patientId?: string;
  /** Active plans staff may put the patient on by hand (empty: no right to enrol). */
  plans?: { code: string; name: { 'zh-CN': string; en: string } }[];
}

/** The follow-up card of the patient page: each plan the patient is on, why, and its steps; open tasks; 复诊. */
export function followupSection(page: PageContext, view: FollowupView): SafeHtml {
  const { t } = page;
  const { enrolments, tasks, visits } = view.schedule;
  return html`<section class="card" id="followup" aria-labelledby="sec-followup">
  <h2 id="sec-followup">${t('followup.title')}</h2>
  ${enrolments.length === 0 ? html`<p class="muted">${t('followup.none')}</p>` : ''}
  ${enrolments.map(
    (e) => html`<article class="followup-plan">
    <h3>${t('followup.plan', { name: page.lang === 'zh-CN' ? e.plan.name['zh-CN'] : e.plan.name.en, version: e.plan.version })}</h3>
    <p class="muted">${t('followup.why')}: ${e.reason}</p>
    ${e.keepVersion && e.plan.latestVersion > e.plan.version ? html`<p class="badge">${t('followup.newer', { version: e.plan.latestVersion })}</p>` : ''}
    ${e.status === 'stopped' ? html`<p class="badge badge-warn">${t('followup.stopped', { reason: e.stopReason ?? '' })}</p>` : ''}
    <ul class="plain">${e.steps.map(
      (s) => html`<li><span>${t('followup.day', { n: s.day })}</span> · <span>${t(`followup.step.${s.kind}` as MessageKey)}</span> · <span>${localDateTime(s.dueAt, view.timeZone)}</span> · <span class="badge">${t(`followup.status.${s.status}` as MessageKey)}</span> <span class="muted">v${s.planVersion}</span></li>`,
    )}</ul>
  </article>`,
  )}
  ${tasks.length > 0
    ? html`<h3>${t('followup.tasks')}</h3><ul class="plain">${tasks.map(
        (task) => html`<li>${task.title} · ${localDateTime(task.dueAt, view.timeZone)} · ${t.maybe(`timeline.followup.task.${task.status}`) ?? task.status} · ${t('followup.task.attempts', { n: task.attempts, max: task.maxAttempts })}</li>`,
      )}</ul>`
    : ''}
  ${visits.length > 0
    ? html`<h3>${t('followup.visits')}</h3><ul class="plain">${visits.map((v) => html`<li>${v.dueDate} · ${t(`followup.visit.${v.status}` as MessageKey)}</li>`)}</ul>`
    : ''}
  ${view.plans && view.plans.length > 0 && view.patientId
    ? html`<form method="post" action="/app/patients/${view.patientId}/followup-enrolments" class="form form-inline">
    <label>${t('followup.enrol.plan')} <select name="planCode" required>${view.plans.map((p) => html`<option value="${p.code}">${page.lang === 'zh-CN' ? p.name['zh-CN'] : p.name.en}</option>`)}</select></label>
    <button type="submit" class="button">${t('followup.enrol')}</button>
  </form>`
    : ''}
  ${view.canScheduleVisit && view.patientId
    ? html`<form method="post" action="/app/patients/${view.patientId}/followup-visits" class="form form-inline">
    <label>${t('followup.visit.date')} <input type="date" name="date" required></label>
    <button type="submit" class="button">${t('followup.visit.schedule')}</button>
  </form>`
    : ''}
</section>`;
}
