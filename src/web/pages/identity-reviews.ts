import type { ReviewDetail, ReviewSummary } from '../../modules/identity/identity.schemas.js';
import { localDateTime } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { banner, layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

export const REVIEW_STATUSES = ['open', 'linked', 'merged', 'different'] as const;

export interface ReviewListView {
  items: ReviewSummary[];
  status: (typeof REVIEW_STATUSES)[number];
  nextCursor: string | null;
  firstPage: boolean;
  timeZone: string;
}

/** The match review queue: each pair with its score, newest first, by status. */
export function reviewListPage(page: PageContext, view: ReviewListView): SafeHtml {
  const { t } = page;
  const tabs = REVIEW_STATUSES.map((s) => html`<a class="nav-link" href="/app/identity/reviews?status=${s}"${s === view.status ? html` aria-current="page"` : ''}>${t(`identity.status.${s}`)}</a>`);
  const rows = view.items.map(
    (r) => html`<tr>
  <td>${r.patientName}</td><td>${r.candidateName}</td>
  <td class="num">${r.score === null ? '—' : r.score.toFixed(1)}</td>
  <td><span class="mono">${r.source}</span></td>
  <td>${localDateTime(r.createdAt, view.timeZone)}</td>
  <td><a class="button" href="/app/identity/reviews/${encodeURIComponent(r.id)}">${t('identity.open')}</a></td>
</tr>`,
  );
  return layout(page, {
    title: t('identity.title'),
    section: 'identity',
    body: html`<h1 class="page-title">${t('identity.title')}</h1>
<p>${t('identity.intro')}</p>
<nav class="nav" aria-label="${t('identity.status')}">${tabs}</nav>
${
  view.items.length === 0
    ? html`<p class="card">${t('identity.empty')}</p>`
    : html`<table class="table">
  <thead><tr><th scope="col">${t('identity.record')}</th><th scope="col">${t('identity.candidate')}</th><th scope="col">${t('identity.score')}</th><th scope="col">${t('identity.source')}</th><th scope="col">${t('identity.created')}</th><th scope="col"></th></tr></thead>
  <tbody>${rows}</tbody>
</table>`
}
<p class="timeline-nav">
  ${view.firstPage ? '' : html`<a href="/app/identity/reviews?status=${view.status}">${t('identity.first')}</a>`}
  ${view.nextCursor ? html`<a class="button" rel="next" href="/app/identity/reviews?${new URLSearchParams({ status: view.status, cursor: view.nextCursor }).toString()}">${t('identity.more')}</a>` : ''}
</p>`,
  });
}

/** One pair side by side, the explanation field by field, and the decision form while it is open. */
export function reviewPage(page: PageContext, review: ReviewDetail, o: { canDecide: boolean; notice: boolean; timeZone: string }): SafeHtml {
  const { t } = page;
  const e = review.explanation;
  const side = (label: string, card: ReviewDetail['record']) => html`<section class="card" aria-label="${label}">
  <h2>${label}</h2>
  <dl class="dl">
    <dt>${t('file.gender')}</dt><dd>${card.name} · ${t(`gender.${card.gender}`)}</dd>
    <dt>${t('identity.field.birthDate')}</dt><dd>${card.birthDate ?? '—'}</dd>
    <dt>${t('identity.field.residentId')}</dt><dd class="mono">${card.residentId ?? '—'}</dd>
    <dt>${t('identity.field.phone')}</dt><dd class="mono">${card.phone ?? '—'}</dd>
    <dt>${t('identity.address')}</dt><dd>${[card.address.province, card.address.city, card.address.district, card.address.detail].filter(Boolean).join(' ') || '—'}</dd>
    <dt>${t('identity.identifiers')}</dt><dd class="mono">${card.identifiers.map((i) => `${i.system} ${i.value}`).join(', ') || '—'}</dd>
    <dt>${t('identity.visits')}</dt><dd>${String(card.visitCount)}</dd>
  </dl>
  ${card.mergedIntoId ? html`<p>${t('identity.mergedInto', { id: card.mergedIntoId })}</p>` : ''}
</section>`;
  const fields = e.fields.map(
    (f) => html`<tr><td>${t(`identity.field.${f.field}`)}</td><td>${t(`identity.level.${f.level}`)}</td><td class="num">${f.weight.toFixed(1)}</td><td>${f.note ?? ''}</td></tr>`,
  );
  const open = review.status === 'open';
  return layout(page, {
    title: t('identity.title'),
    section: 'identity',
    body: html`<h1 class="page-title">${review.patientName} · ${review.candidateName}</h1>
${o.notice ? banner('success', t('identity.decided')) : ''}
<p><strong>${t('identity.score')}:</strong> ${review.score === null ? '—' : review.score.toFixed(1)} (${t('identity.thresholds', { link: String(e.linkThreshold), review: String(e.reviewThreshold) })}) · ${t(`identity.status.${review.status}`)}</p>
${e.heldForReview ? banner('info', t('identity.held', { reason: e.heldForReview })) : ''}
<div class="grid-2">${side(t('identity.record'), review.record)}${side(t('identity.candidate'), review.candidate)}</div>
<table class="table">
  <thead><tr><th scope="col">${t('identity.field')}</th><th scope="col">${t('identity.level')}</th><th scope="col">${t('identity.weight')}</th><th scope="col">${t('identity.note')}</th></tr></thead>
  <tbody>${fields}</tbody>
</table>
${
  open && o.canDecide
    ? html`<form method="post" action="/app/identity/reviews/${encodeURIComponent(review.id)}" class="form card">
  <h2>${t('identity.decision')}</h2>
  <label for="note">${t('identity.decisionNote')}</label>
  <input id="note" name="note" maxlength="1000">
  <div class="form-actions">
    <button type="submit" name="decision" value="link" class="button button-primary">${t('identity.decide.link')}</button>
    <button type="submit" name="decision" value="merge-keep-new" class="button">${t('identity.decide.mergeKeepNew')}</button>
    <button type="submit" name="decision" value="different" class="button">${t('identity.decide.different')}</button>
  </div>
</form>`
    : review.decidedAt
      ? html`<p>${t('identity.decidedBy', { by: review.decidedBy ?? '', at: localDateTime(review.decidedAt, o.timeZone) })}</p>`
      : ''
}`,
  });
}
