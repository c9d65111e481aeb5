import type { Contact } from '../../modules/contacts/contacts.schemas.js';
import type { RoutingRule } from '../../modules/feedback/feedback.schemas.js';
import { can } from '../../modules/staff/permissions.js';
import type { FieldError } from '../../lib/errors.js';
import { localDateTime } from '../format.js';
import { fieldMessage } from '../forms.js';
import { flag, html, type SafeHtml } from '../html.js';
import { banner, layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

type Option = { value: string; label: string };
type Notice = { kind: 'success' | 'error'; text: string } | null;

const select = (name: string, label: string, options: Option[], current: string | null, id: string) =>
  html`<div class="field"><label for="${id}">${label}</label><select id="${id}" name="${name}">${options.map((o) => html`<option value="${o.value}"${flag('selected', o.value === (current ?? ''))}>${o.label}</option>`)}</select></div>`;

export interface RulesView {
  rules: RoutingRule[];
  kinds: readonly string[];
  categories: readonly string[];
  severities: readonly string[];
  departments: Option[];
  staff: Option[];
  notice: Notice;
}

/** One rule's fields; `key` keeps ids unique when several rules are on the page. */
function ruleFields(page: PageContext, view: RulesView, r: Partial<RoutingRule>, key: string): SafeHtml {
  const { t } = page;
  const any = { value: '', label: t('cc.rules.any') };
  return html`<div class="field"><label for="r-${key}-name">${t('cc.rules.name')}</label><input id="r-${key}-name" name="name" value="${r.name ?? ''}" maxlength="100" required></div>
  ${select('kind', t('cc.kindOfFeedback'), [any, ...view.kinds.map((k) => ({ value: k, label: t.maybe(`cc.feedback.${k}`) ?? k }))], r.kind ?? null, `r-${key}-kind`)}
  ${select('category', t('cc.category'), [any, ...view.categories.map((k) => ({ value: k, label: t.maybe(`cc.fcategory.${k}`) ?? k }))], r.category ?? null, `r-${key}-category`)}
  ${select('departmentId', t('cc.department'), [any, ...view.departments], r.departmentId ?? null, `r-${key}-department`)}
  ${select('severity', t('cc.severity'), [any, ...view.severities.map((k) => ({ value: k, label: t.maybe(`cc.severity.${k}`) ?? k }))], r.severity ?? null, `r-${key}-severity`)}
  ${select('assigneeId', t('cc.rules.assignee'), [{ value: '', label: '—' }, ...view.staff], r.assigneeId ?? null, `r-${key}-assignee`)}
  <div class="field"><label for="r-${key}-group">${t('cc.rules.group')}</label><input id="r-${key}-group" name="assigneeGroup" value="${r.assigneeGroup ?? ''}" maxlength="64"></div>
  <div class="field"><label for="r-${key}-hours">${t('cc.rules.deadlineHours')}</label><input id="r-${key}-hours" name="deadlineHours" type="number" min="1" max="2000" value="${r.deadlineHours ?? 24}" required></div>
  <div class="field"><label for="r-${key}-priority">${t('cc.rules.priority')}</label><input id="r-${key}-priority" name="priority" type="number" min="0" max="1000" value="${r.priority ?? 0}"></div>
  <div class="field"><label><input type="checkbox" name="active" value="on"${flag('checked', r.active ?? true)}> ${t('cc.rules.active')}</label></div>`;
}

/** The admins' routing rules: every rule editable in place, a new one at the end. */
export function routingRulesPage(page: PageContext, view: RulesView): SafeHtml {
  const { t } = page;
  return layout(page, {
    title: t('cc.rules.title'),
    section: 'feedback',
    body: html`<h1 class="page-title">${t('cc.rules.title')}</h1>
<p class="muted">${t('cc.rules.explain')}</p>
${view.notice ? banner(view.notice.kind, view.notice.text) : ''}
${view.rules.length === 0 ? html`<p class="muted">${t('cc.none')}</p>` : ''}
${view.rules.map(
  (r) => html`<section class="card" data-rule="${r.id}" aria-labelledby="rule-${r.id}"><h2 id="rule-${r.id}">${r.name}${r.active ? '' : html` <span class="badge badge-muted">${t('cc.rules.inactive')}</span>`}</h2>
<form method="post" action="/app/feedback/rules/${encodeURIComponent(r.id)}" class="form"><input type="hidden" name="version" value="${r.version}">
  ${ruleFields(page, view, r, r.id)}
  <button type="submit" class="button">${t('cc.rules.save')}</button>
</form></section>`,
)}
<section class="card" aria-labelledby="rule-new"><h2 id="rule-new">${t('cc.rules.new')}</h2>
<form method="post" action="/app/feedback/rules" class="form">
  ${ruleFields(page, view, {}, 'new')}
  <button type="submit" class="button button-primary">${t('cc.rules.add')}</button>
</form></section>`,
  });
}

export interface ContactsView {
  contacts: Contact[];
  staff: Option[];
  staffId: string | null;
  from: string;
  to: string;
  nextCursor: string | null;
  notice: Notice;
  timeZone: string;
  /** A score refused: shown on that contact's form, with what was typed. */
  refused?: { contactId: string; errors: FieldError[]; values: { score: string; note: string }; text: string } | null;
}

/** The score form of one contact; a refusal names the field at fault beside it (aria-invalid, aria-describedby). */
function scoreForm(page: PageContext, c: Contact, back: string, refused: ContactsView['refused']): SafeHtml {
  const { t } = page;
  const mine = refused?.contactId === c.id ? refused : null;
  const errorId = `r-${c.id}-error`;
  const invalid = (field: string) => (mine?.errors.some((e) => e.field === field) ? html` aria-invalid="true" aria-describedby="${errorId}"` : '');
  const score = mine ? Number(mine.values.score) : (c.qualityScore ?? 3);
  const note = mine ? mine.values.note : (c.qualityNote ?? '');
  return html`<form method="post" action="/app/contacts/${encodeURIComponent(c.id)}/review" class="row-actions">
  <input type="hidden" name="back" value="${back}">
  ${mine ? html`<p class="field-error" id="${errorId}" role="alert">${mine.errors.length > 0 ? mine.errors.map((e) => html`<span data-field="${e.field}">${t.maybe(`cc.review.field.${e.field}`) ?? e.field}: ${fieldMessage(t, e)}</span> `) : mine.text}</p>` : ''}
  <select name="score" aria-label="${t('cc.review.score')}"${invalid('score')}>${[5, 4, 3, 2, 1].map((n) => html`<option value="${n}"${flag('selected', n === score)}>${n}</option>`)}</select>
  <input name="note" maxlength="1000" value="${note}" aria-label="${t('cc.note')}"${invalid('note')}>
  <button type="submit" class="button button-small">${t('cc.review.save')}</button></form>`;
}

/** A contact's recordings: a player for roles that may listen, for everyone else only that one exists. */
function recordings(page: PageContext, c: Contact): SafeHtml | string {
  const { t } = page;
  if (c.recordings.length === 0) return '';
  const mayPlay = page.actor !== null && can(page.actor.role, 'recordings.play');
  return html`<ul class="recordings">${c.recordings.map((r) =>
    mayPlay
      ? html`<li><audio controls preload="none" src="/api/recordings/${encodeURIComponent(r.id)}" aria-label="${t('cc.review.recording')}" data-recording="${r.id}"></audio></li>`
      : html`<li class="muted" data-recording="${r.id}">${t('cc.review.recordingKept', { kb: Math.ceil(r.size / 1024) })}</li>`,
  )}</ul>`;
}

/** The contact log by staff member and period; managers and admins score each contact (1–5) with a note. */
export function contactsReviewPage(page: PageContext, view: ContactsView): SafeHtml {
  const { t } = page;
  const mayReview = page.actor !== null && can(page.actor.role, 'contacts.review');
  const query = (cursor: string) => new URLSearchParams({ ...(view.staffId ? { staffId: view.staffId } : {}), from: view.from, to: view.to, cursor }).toString();
  return layout(page, {
    title: t('cc.review.title'),
    section: 'feedback',
    body: html`<h1 class="page-title">${t('cc.review.title')}</h1>
${view.notice ? banner(view.notice.kind, view.notice.text) : ''}
<form method="get" action="/app/contacts" class="card search-form">
  ${select('staffId', t('cc.review.staff'), view.staff, view.staffId, 'c-staff')}
  <div class="field"><label for="c-from">${t('cc.review.from')}</label><input id="c-from" name="from" type="date" value="${view.from}"></div>
  <div class="field"><label for="c-to">${t('cc.review.to')}</label><input id="c-to" name="to" type="date" value="${view.to}"></div>
  <button type="submit" class="button button-primary">${t('cc.review.show')}</button>
</form>
<section class="card"><table class="table">
<thead><tr><th scope="col">${t('cc.when')}</th><th scope="col">${t('cc.kind')}</th><th scope="col">${t('cc.outcome')}</th><th scope="col">${t('cc.summary')}</th><th scope="col">${t('cc.review.recordings')}</th><th scope="col">${t('cc.review.score')}</th></tr></thead>
<tbody>${view.contacts.map(
      (c) => html`<tr data-contact="${c.id}"><td>${localDateTime(c.at, view.timeZone)}</td><td>${t.maybe(`cc.kind.${c.kind}`) ?? c.kind}</td><td>${c.outcome ? (t.maybe(`cc.outcome.${c.outcome}`) ?? c.outcome) : ''}</td><td>${c.summary ?? ''}</td><td>${recordings(page, c)}</td>
<td>${c.qualityScore !== null ? html`<span class="badge badge-ok" data-score="${c.qualityScore}">${c.qualityScore}/5</span> ${c.qualityNote ?? ''}` : html`<span class="muted">${t('cc.review.unscored')}</span>`}
${mayReview && c.source === 'log' ? scoreForm(page, c, query(''), view.refused) : ''}</td></tr>`,
    )}</tbody></table>
${view.contacts.length === 0 ? html`<p class="muted">${t('cc.none')}</p>` : ''}
${view.nextCursor ? html`<p><a class="button" rel="next" href="/app/contacts?${query(view.nextCursor)}">${t('staff.more')}</a></p>` : ''}</section>`,
  });
}
