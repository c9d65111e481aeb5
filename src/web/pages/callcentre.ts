import type { CallerCard, Consultation, KnowledgeArticle, LookupResult } from '../../modules/consultations/consultations.schemas.js';
import type { Feedback } from '../../modules/feedback/feedback.schemas.js';
import { can } from '../../modules/staff/permissions.js';
import { localDateTime } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { banner, layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

export interface ConsoleView {
  phone: string;
  lookup: LookupResult | null;
  selected: CallerCard | null;
  categories: string[];
  feedbackCategories: readonly string[];
  departments: { id: string; name: string }[];
  articles: KnowledgeArticle[];
  callbacks: Consultation[];
  notice: { kind: 'success' | 'error'; text: string } | null;
  timeZone: string;
}

const option = (value: string, label: string) => html`<option value="${value}">${label}</option>`;

function card(page: PageContext, view: ConsoleView, c: CallerCard): SafeHtml {
  const { t } = page;
  return html`<section class="card caller-card" aria-labelledby="caller-${c.patientId}" data-patient="${c.patientId}">
  <h2 id="caller-${c.patientId}">${c.name} <span class="muted">${c.age ?? '—'} · ${c.residentId ?? '—'}</span>
    ${c.atRisk.atRisk ? html`<span class="badge badge-warn" data-risk>${t('cc.atRisk')}: ${c.atRisk.reasons.map((r) => t.maybe(`cc.risk.${r}`) ?? r).join(t('common.listJoin'))}</span>` : ''}</h2>
  ${c.invalidNumbers.length > 0 ? html`<p class="badge badge-warn">${t('cc.invalidNumbers')}: ${c.invalidNumbers.join(', ')}</p>` : ''}
  <p>${t('cc.consent')}: ${c.consent.filter((x) => x.granted).map((x) => `${x.channel}/${x.purpose}`).join(', ') || '—'}</p>
  ${c.sections.map(
    (s) => html`<h3>${t.maybe(s.title) ?? s.title}</h3>${s.items.length === 0
      ? html`<p class="muted">${t('cc.none')}</p>`
      : html`<ul>${s.items.map((i) => html`<li${i.flagged ? html` class="flagged" data-flagged` : ''}>${i.at ? localDateTime(i.at, view.timeZone) : ''} ${i.text}</li>`)}</ul>`}`,
  )}
  <h3>${t('cc.booking')}</h3>
  ${c.actions.length > 0 ? html`<ul>${c.actions.map((a) => html`<li><a href="${a.href}">${t.maybe(a.title) ?? a.title}</a></li>`)}</ul>` : html`<p class="muted">${t('cc.bookingUnavailable')}</p>`}
  ${view.selected?.patientId === c.patientId ? '' : html`<p><a class="button" href="/app/callcentre?phone=${encodeURIComponent(view.phone)}&amp;patient=${encodeURIComponent(c.patientId)}">${t('cc.select')}</a></p>`}
</section>`;
}

function forms(page: PageContext, view: ConsoleView, c: CallerCard | null): SafeHtml {
  const { t } = page;
  const hidden = html`<input type="hidden" name="phone" value="${view.phone}">${c ? html`<input type="hidden" name="patientId" value="${c.patientId}">` : ''}`;
  return html`<div class="console-forms">
<section class="card" aria-labelledby="cc-consultation"><h2 id="cc-consultation">${t('cc.consultation')}</h2>
<form method="post" action="/app/callcentre/consultations">${hidden}
  <div class="field"><label for="f-category">${t('cc.category')}</label><select id="f-category" name="category">${view.categories.map((k) => option(k, t.maybe(`cc.category.${k}`) ?? k))}</select></div>
  <div class="field"><label for="f-question">${t('cc.question')}</label><textarea id="f-question" name="question" rows="2" required></textarea></div>
  <div class="field"><label for="f-article">${t('cc.standardAnswer')}</label><select id="f-article" name="articleVersionId"><option value="">—</option>${view.articles.map((a) => option(a.id, `${a.title} (v${a.version})`))}</select></div>
  <div class="field"><label for="f-answer">${t('cc.answer')}</label><textarea id="f-answer" name="answer" rows="2"></textarea></div>
  <div class="field"><label><input type="checkbox" name="callback" value="on"> ${t('cc.callbackTomorrow')}</label></div>
  <button type="submit" class="button button-primary">${t('cc.save')}</button>
</form></section>
${c
  ? html`<section class="card" aria-labelledby="cc-contact"><h2 id="cc-contact">${t('cc.contact')}</h2>
<form method="post" action="/app/callcentre/contacts">${hidden}
  <div class="field"><label for="f-kind">${t('cc.kind')}</label><select id="f-kind" name="kind">${['call_in', 'call_out', 'sms', 'email', 'letter', 'visit'].map((k) => option(k, t.maybe(`cc.kind.${k}`) ?? k))}</select></div>
  <div class="field"><label for="f-outcome">${t('cc.outcome')}</label><select id="f-outcome" name="outcome">${['reached', 'no_answer', 'busy', 'wrong_number', 'number_invalid', 'refused'].map((k) => option(k, t.maybe(`cc.outcome.${k}`) ?? k))}</select></div>
  <div class="field"><label for="f-summary">${t('cc.summary')}</label><textarea id="f-summary" name="summary" rows="2"></textarea></div>
  <button type="submit" class="button">${t('cc.save')}</button>
</form></section>
<section class="card" aria-labelledby="cc-complaint"><h2 id="cc-complaint">${t('cc.complaint')}</h2>
<form method="post" action="/app/callcentre/complaints">${hidden}
  <div class="field"><label for="f-fcategory">${t('cc.category')}</label><select id="f-fcategory" name="category">${view.feedbackCategories.map((k) => option(k, t.maybe(`cc.fcategory.${k}`) ?? k))}</select></div>
  <div class="field"><label for="f-severity">${t('cc.severity')}</label><select id="f-severity" name="severity">${['low', 'medium', 'high', 'critical'].map((k) => option(k, t.maybe(`cc.severity.${k}`) ?? k))}</select></div>
  <div class="field"><label for="f-department">${t('cc.department')}</label><select id="f-department" name="departmentId"><option value="">—</option>${view.departments.map((d) => option(d.id, d.name))}</select></div>
  <div class="field"><label for="f-text">${t('cc.complaintText')}</label><textarea id="f-text" name="text" rows="3" required></textarea></div>
  <button type="submit" class="button">${t('cc.save')}</button>
</form></section>`
  : ''}
</div>`;
}

export function agentConsolePage(page: PageContext, view: ConsoleView): SafeHtml {
  const { t } = page;
  const matches = view.lookup?.matches ?? [];
  return layout(page, {
    title: t('cc.title'),
    section: 'callcentre',
    body: html`<h1 class="page-title">${t('cc.title')}</h1>
${view.notice ? banner(view.notice.kind, view.notice.text) : ''}
<form method="get" action="/app/callcentre" class="card search-form" role="search">
  <label for="f-phone">${t('cc.phone')}</label> <input id="f-phone" name="phone" type="tel" value="${view.phone}" autofocus>
  <button type="submit" class="button button-primary">${t('cc.lookup')}</button>
</form>
${view.lookup ? html`<p class="muted" data-matches="${matches.length}">${t('cc.matches', { n: matches.length })}</p>` : ''}
${(view.selected ? [view.selected] : matches).map((c) => card(page, view, c))}
${view.lookup ? forms(page, view, view.selected) : ''}
<section class="card" aria-labelledby="cc-callbacks"><h2 id="cc-callbacks">${t('cc.callbacks')}</h2>
${view.callbacks.length === 0 ? html`<p class="muted">${t('cc.none')}</p>` : html`<ul>${view.callbacks.map((c) => html`<li>${localDateTime(c.callbackDueAt, view.timeZone)} · ${c.category} · ${c.question}</li>`)}</ul>`}
</section>`,
  });
}

export function feedbackInboxPage(page: PageContext, view: { items: Feedback[]; now: Date; timeZone: string }): SafeHtml {
  const { t } = page;
  const countdown = (deadline: string | null) => {
    if (!deadline) return html`<span class="muted">—</span>`;
    const hours = (new Date(deadline).getTime() - view.now.getTime()) / 3_600_000;
    return hours < 0 ? html`<span class="badge badge-warn" data-overdue>${t('cc.overdue', { h: Math.ceil(-hours) })}</span>` : html`<span class="badge badge-muted">${t('cc.dueIn', { h: Math.floor(hours) })}</span>`;
  };
  return layout(page, {
    title: t('cc.inbox'),
    section: 'feedback',
    body: html`<h1 class="page-title">${t('cc.inbox')}</h1>
<p class="timeline-nav">${page.actor && can(page.actor.role, 'feedback.rules.manage') ? html`<a href="/app/feedback/rules">${t('cc.rules.title')}</a> ` : ''}${page.actor && can(page.actor.role, 'contacts.review') ? html`<a href="/app/contacts">${t('cc.review.title')}</a>` : ''}</p>
<section class="card"><table class="table">
<thead><tr><th scope="col">${t('cc.deadline')}</th><th scope="col">${t('cc.kindOfFeedback')}</th><th scope="col">${t('cc.severity')}</th><th scope="col">${t('cc.status')}</th><th scope="col">${t('cc.level')}</th><th scope="col">${t('cc.complaintText')}</th></tr></thead>
<tbody>${view.items.map(
      (f) => html`<tr id="f-${f.id}" data-feedback="${f.id}"><td>${countdown(f.deadlineAt)}</td><td>${t.maybe(`cc.feedback.${f.kind}`) ?? f.kind}</td><td>${t.maybe(`cc.severity.${f.severity}`) ?? f.severity}</td><td>${f.status}</td><td>${f.escalationLevel}</td><td>${f.text}</td></tr>`,
    )}</tbody></table>${view.items.length === 0 ? html`<p class="muted">${t('cc.none')}</p>` : ''}</section>`,
  });
}

export function escalationsPage(page: PageContext, view: { items: { feedbackId: string; at: string; level: number | null; note: string | null; status: string }[]; timeZone: string }): SafeHtml {
  const { t } = page;
  return layout(page, {
    title: t('cc.escalations'),
    section: 'feedback',
    body: html`<h1 class="page-title">${t('cc.escalations')}</h1>
<section class="card"><table class="table"><thead><tr><th scope="col">${t('cc.when')}</th><th scope="col">${t('cc.level')}</th><th scope="col">${t('cc.status')}</th><th scope="col">${t('cc.note')}</th></tr></thead>
<tbody>${view.items.map((e) => html`<tr><td>${localDateTime(e.at, view.timeZone)}</td><td>L${e.level ?? ''}</td><td>${e.status}</td><td>${e.note ?? ''}</td></tr>`)}</tbody></table>
${view.items.length === 0 ? html`<p class="muted">${t('cc.none')}</p>` : ''}</section>`,
  });
}
