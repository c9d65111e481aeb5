import type { QuarantineRow } from '../../modules/imports/imports.repository.js';
import { localDateTime } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { banner, layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

export const QUARANTINE_STATUSES = ['open', 'review', 'retried', 'discarded'] as const;

export interface QuarantineView {
  items: QuarantineRow[];
  status: (typeof QUARANTINE_STATUSES)[number];
  nextCursor: string | null;
  firstPage: boolean;
  notice: 'retried' | 'discarded' | null;
  /** Already translated: why a retry did not go in. */
  problem: string | null;
  timeZone: string;
}

/** The staff page of the import quarantine: each record as received, why it failed, and retry or discard. */
export function quarantinePage(page: PageContext, view: QuarantineView): SafeHtml {
  const { t } = page;
  const tabs = QUARANTINE_STATUSES.map(
    (s) => html`<a class="nav-link" href="/app/imports/quarantine?status=${s}"${s === view.status ? html` aria-current="page"` : ''}>${t(`quarantine.status.${s}`)}</a>`,
  );
  return layout(page, {
    title: t('quarantine.title'),
    section: 'imports',
    body: html`<h1 class="page-title">${t('quarantine.title')}</h1>
<p>${t('quarantine.intro')}</p>
${view.notice ? banner('success', t(view.notice === 'retried' ? 'quarantine.retried' : 'quarantine.discarded')) : ''}
${view.problem ? banner('error', view.problem) : ''}
<nav class="nav" aria-label="${t('quarantine.status')}">${tabs}</nav>
${view.items.length === 0 ? html`<p class="card">${t('quarantine.empty')}</p>` : view.items.map((item) => record(page, item, view))}
<p class="timeline-nav">
  ${view.firstPage ? '' : html`<a href="/app/imports/quarantine?status=${view.status}">${t('quarantine.first')}</a>`}
  ${view.nextCursor ? html`<a class="button" rel="next" href="/app/imports/quarantine?${new URLSearchParams({ status: view.status, cursor: view.nextCursor }).toString()}">${t('quarantine.more')}</a>` : ''}
</p>`,
  });
}

function record(page: PageContext, item: QuarantineRow, view: QuarantineView): SafeHtml {
  const { t } = page;
  const open = item.status === 'open';
  return html`<section class="card quarantine-record" aria-label="${item.position}">
  <dl class="dl">
    <dt>${t('quarantine.received')}</dt><dd>${localDateTime(item.createdAt, view.timeZone)}</dd>
    <dt>${t('quarantine.source')}</dt><dd><span class="mono">${item.format} · ${item.source}</span></dd>
    <dt>${t('quarantine.position')}</dt><dd>${item.position}</dd>
    <dt>${t('quarantine.reason')}</dt><dd><span class="mono">${item.code}</span> ${item.reason}</dd>
  </dl>
  ${
    open
      ? html`<form method="post" action="/app/imports/quarantine/${encodeURIComponent(item.id)}" class="form">
    <label for="raw-${item.id}">${t('quarantine.raw')}</label>
    <textarea id="raw-${item.id}" name="raw" rows="6" class="mono" spellcheck="false">${item.raw}</textarea>
    <div class="form-actions">
      <button type="submit" name="action" value="retry" class="button button-primary">${t('quarantine.retry')}</button>
      <button type="submit" name="action" value="discard" class="button button-danger">${t('quarantine.discard')}</button>
    </div>
  </form>`
      : html`<pre class="mono">${item.raw}</pre>`
  }
</section>`;
}
