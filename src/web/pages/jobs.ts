import type { Job, JobRun } from '../../jobs/jobs.schemas.js';
import { localDateTime } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { banner, layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

export interface JobsView {
  jobs: Job[];
  runs: JobRun[];
  timeZone: string;
  canRun: boolean;
  /** Already translated: how the run an admin just started ended, or why it did not start. */
  notice: { kind: 'success' | 'error'; text: string } | null;
}

export function jobsPage(page: PageContext, view: JobsView): SafeHtml {
  const { t } = page;
  const when = (instant: string | null) => (instant ? localDateTime(instant, view.timeZone) : '—');
  const status = (run: JobRun) =>
    html`<span class="badge ${run.status === 'succeeded' ? 'badge-ok' : run.status === 'running' ? 'badge-muted' : 'badge-warn'}">${t.maybe(`jobs.status.${run.status}`) ?? run.status}</span>`;
  const counts = (run: JobRun) => (run.counts ? Object.entries(run.counts).map(([k, v]) => `${k} ${v}`).join(' · ') : (run.error ?? ''));
  return layout(page, {
    title: t('jobs.title'),
    section: 'jobs',
    body: html`<h1 class="page-title">${t('jobs.title')}</h1>
${view.notice ? banner(view.notice.kind, view.notice.text) : ''}
<section class="card" aria-labelledby="jobs-list-title">
  <h2 id="jobs-list-title">${t('jobs.list')}</h2>
  <table class="table">
    <thead><tr><th scope="col">${t('jobs.name')}</th><th scope="col">${t('jobs.schedule', { zone: view.timeZone })}</th><th scope="col">${t('jobs.nextRun')}</th><th scope="col">${t('jobs.lastRun')}</th><th scope="col"></th></tr></thead>
    <tbody>${view.jobs.map(
      (job) => html`<tr>
      <td data-label="${t('jobs.name')}"><span class="mono">${job.name}</span></td>
      <td data-label="${t('jobs.schedule', { zone: view.timeZone })}"><span class="mono">${job.schedule}</span></td>
      <td data-label="${t('jobs.nextRun')}">${when(job.nextRunAt)}</td>
      <td data-label="${t('jobs.lastRun')}">${job.lastRun ? html`${when(job.lastRun.startedAt)} ${status(job.lastRun)}` : html`<span class="muted">${t('jobs.none')}</span>`}</td>
      <td>${view.canRun ? html`<form method="post" action="/app/jobs/${encodeURIComponent(job.name)}/run" class="row-actions"><button type="submit" class="button button-small"${job.running ? html` disabled` : ''}>${t('jobs.runNow')}</button></form>` : ''}</td>
    </tr>`,
    )}</tbody>
  </table>
</section>
<section class="card" aria-labelledby="jobs-history-title">
  <h2 id="jobs-history-title">${t('jobs.history')}</h2>
  ${view.runs.length === 0
    ? html`<p class="muted">${t('jobs.none')}</p>`
    : html`<table class="table">
    <thead><tr><th scope="col">${t('jobs.name')}</th><th scope="col">${t('jobs.started')}</th><th scope="col">${t('jobs.finished')}</th><th scope="col">${t('jobs.trigger')}</th><th scope="col">${t('jobs.status')}</th><th scope="col">${t('jobs.counts')}</th></tr></thead>
    <tbody>${view.runs.map(
      (run) => html`<tr>
      <td data-label="${t('jobs.name')}"><span class="mono">${run.job}</span></td>
      <td data-label="${t('jobs.started')}">${when(run.startedAt)}</td>
      <td data-label="${t('jobs.finished')}">${when(run.finishedAt)}</td>
      <td data-label="${t('jobs.trigger')}">${t.maybe(`jobs.trigger.${run.trigger}`) ?? run.trigger}</td>
      <td data-label="${t('jobs.status')}">${status(run)}</td>
      <td data-label="${t('jobs.counts')}" class="mono">${counts(run)}</td>
    </tr>`,
    )}</tbody>
  </table>`}
</section>`,
  });
}
