import type { PatientSummary } from '../../modules/patients/patients.schemas.js';
import { localDay, maskedPhone } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

export interface SearchView {
  q: string;
  result: { items: PatientSummary[]; nextCursor: string | null } | null;
  failed: boolean;
  timeZone: string;
}

/**
 * One box; the server answers a submitted search (so it works without script), and app.js replaces the results
 * as the user types, from /api/patients, with the same markup. The texts app.js needs travel in data-labels.
 */
export function searchPage(page: PageContext, view: SearchView): SafeHtml {
  const { t } = page;
  const labels = {
    male: t('gender.male'),
    female: t('gender.female'),
    other: t('gender.other'),
    unknown: t('gender.unknown'),
    age: t('patient.age'),
    phone: t('patient.phone'),
    residentId: t('patient.residentId'),
    lastVisit: t('patient.lastVisit'),
    noVisit: t('patient.noVisit'),
    inactive: t('search.inactive'),
    start: t('search.start'),
    loading: t('search.loading'),
    empty: t('search.empty'),
    failed: t('search.failed'),
    more: t('search.more'),
  };
  const status = view.failed ? t('search.failed') : !view.result ? t('search.start') : view.result.items.length === 0 ? t('search.empty') : '';
  const moreHref = view.result?.nextCursor ? `/app/?${new URLSearchParams({ q: view.q, cursor: view.result.nextCursor }).toString()}` : null;
  return layout(page, {
    title: t('search.title'),
    section: 'patients',
    body: html`<section class="search" aria-labelledby="search-title">
  <h1 id="search-title" class="page-title">${t('search.title')}</h1>
  <form id="patient-search" class="search-form" role="search" method="get" action="/app/" data-labels="${JSON.stringify(labels)}" data-timezone="${view.timeZone}">
    <label for="q" class="visually-hidden">${t('search.label')}</label>
    <div class="search-row">
      <input id="q" name="q" type="search" value="${view.q}" maxlength="64" autocomplete="off" autocapitalize="none" spellcheck="false" enterkeyhint="search" placeholder="${t('search.placeholder')}" aria-describedby="q-hint" aria-controls="results" autofocus>
      <button type="submit" class="button button-primary">${t('search.submit')}</button>
    </div>
    <p id="q-hint" class="hint">${t('search.hint')}</p>
  </form>
  <p id="search-status" class="search-status" role="status" aria-live="polite">${status}</p>
  <ol id="results" class="results" aria-label="${t('search.results')}">${(view.result?.items ?? []).map((p) => resultItem(page, p, view.timeZone))}</ol>
  <p id="results-more" class="results-more"${moreHref ? '' : html` hidden`}>${moreHref ? html`<a class="button" href="${moreHref}">${t('search.more')}</a>` : ''}</p>
</section>`,
  });
}

/** Keep in step with renderItem in assets/app.js: the same markup whether the server or the script draws it. */
export function resultItem(page: PageContext, p: PatientSummary, timeZone: string): SafeHtml {
  const { t } = page;
  return html`<li class="result">
  <a class="result-link" href="/app/patients/${encodeURIComponent(p.id)}">
    <span class="result-head"><span class="result-name">${p.name}</span><span class="result-meta">${t(`gender.${p.gender}`)}${p.age === null ? '' : ` · ${t('patient.age', { n: p.age })}`}</span>${p.active ? '' : html`<span class="badge badge-muted">${t('search.inactive')}</span>`}</span>
    <span class="result-ids">${p.phone ? html`<span>${t('patient.phone')} ${maskedPhone(p.phone)}</span>` : ''}${p.residentId ? html`<span>${t('patient.residentId')} ${p.residentId}</span>` : ''}</span>
    <span class="result-foot"><span class="result-visit">${p.lastVisitAt ? `${t('patient.lastVisit')} ${localDay(p.lastVisitAt, timeZone)}` : t('patient.noVisit')}</span><span class="tags">${p.tags.map((tag) => html`<span class="tag">${tag}</span>`)}</span></span>
  </a>
</li>`;
}
