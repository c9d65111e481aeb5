import { ROLES } from '../../lib/context.js';
import type { FieldError } from '../../lib/errors.js';
import type { Department, StaffUser } from '../../modules/staff/staff.schemas.js';
import { localDateTime } from '../format.js';
import { errorSummary, selectField, textField, type FormValues } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import { banner, layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

export interface StaffView {
  staff: StaffUser[];
  nextCursor: string | null;
  firstPage: boolean;
  departments: Department[];
  values: FormValues;
  errors: FieldError[];
  notice: 'created' | 'updated' | null;
  /** Already translated: why the last action on an account did not happen. */
  problem: string | null;
  timeZone: string;
  now: Date;
}

export function staffPage(page: PageContext, view: StaffView): SafeHtml {
  const { t } = page;
  const departmentName = (id: string | null) => {
    const d = id ? view.departments.find((x) => x.id === id) : undefined;
    return d ? (page.lang === 'zh-CN' ? d.nameZh : d.nameEn) : t('staff.noDepartment');
  };
  const labels = {
    username: t('staff.username'),
    displayName: t('staff.displayName'),
    email: t('staff.email'),
    role: t('staff.role'),
    departmentId: t('staff.department'),
    password: t('staff.password'),
  };
  const base = { values: view.values, errors: view.errors, t };
  return layout(page, {
    title: t('staff.title'),
    section: 'staff',
    body: html`<h1 class="page-title">${t('staff.title')}</h1>
${view.notice ? banner('success', t(view.notice === 'created' ? 'staff.created' : 'staff.updated')) : ''}
${view.problem ? banner('error', view.problem) : ''}
<div class="staff-grid">
  <section class="card" aria-labelledby="staff-list-title">
    <h2 id="staff-list-title">${t('staff.list')}</h2>
    <table class="table staff-table">
      <thead><tr><th scope="col">${labels.username}</th><th scope="col">${labels.displayName}</th><th scope="col">${labels.email}</th><th scope="col">${labels.role}</th><th scope="col">${labels.departmentId}</th><th scope="col">${t('staff.status')}</th><th scope="col">${t('staff.actions')}</th></tr></thead>
      <tbody>${view.staff.map((s) => staffRow(page, s, departmentName(s.departmentId), view))}</tbody>
    </table>
    <p class="timeline-nav">
      ${view.firstPage ? '' : html`<a href="/app/staff">${t('staff.first')}</a>`}
      ${view.nextCursor ? html`<a class="button" rel="next" href="/app/staff?${new URLSearchParams({ cursor: view.nextCursor }).toString()}">${t('staff.more')}</a>` : ''}
    </p>
  </section>
  <section class="card form-card" aria-labelledby="staff-create-title">
    <h2 id="staff-create-title">${t('staff.create')}</h2>
    ${errorSummary(t, view.errors, labels)}
    <form method="post" action="/app/staff" class="form" novalidate>
      ${textField({ ...base, name: 'username', label: labels.username, hint: t('staff.usernameHint'), maxlength: 64, required: true, autocomplete: 'off' })}
      ${textField({ ...base, name: 'displayName', label: labels.displayName, maxlength: 100, required: true, autocomplete: 'off' })}
      ${textField({ ...base, name: 'email', label: labels.email, type: 'email', hint: t('staff.emailHint'), maxlength: 254, autocomplete: 'off' })}
      ${selectField({ ...base, name: 'role', label: labels.role, required: true, options: ROLES.map((r) => ({ value: r, label: t(`role.${r}`) })) })}
      ${selectField({
        ...base,
        name: 'departmentId',
        label: labels.departmentId,
        options: [{ value: '', label: t('staff.noDepartment') }, ...view.departments.filter((d) => d.active).map((d) => ({ value: d.id, label: page.lang === 'zh-CN' ? d.nameZh : d.nameEn }))],
      })}
      ${textField({ ...base, name: 'password', label: labels.password, type: 'password', hint: t('staff.passwordHint'), maxlength: 256, required: true, autocomplete: 'new-password' })}
      <div class="form-actions"><button type="submit" class="button button-primary">${t('staff.submit')}</button></div>
    </form>
  </section>
</div>`,
  });
}

function staffRow(page: PageContext, s: StaffUser, department: string, view: StaffView): SafeHtml {
  const { t } = page;
  const me = page.actor?.id === s.id;
  const locked = s.lockedUntil !== null && new Date(s.lockedUntil) > view.now;
  return html`<tr>
  <td data-label="${t('staff.username')}"><span class="mono">${s.username}</span>${me ? html` <span class="badge badge-muted">${t('staff.you')}</span>` : ''}</td>
  <td data-label="${t('staff.displayName')}">${s.displayName}</td>
  <td data-label="${t('staff.email')}">
    <form method="post" action="/app/staff/${encodeURIComponent(s.id)}" class="row-actions">
      <input type="hidden" name="version" value="${s.version}">
      <input type="email" name="email" value="${s.email ?? ''}" maxlength="254" aria-label="${t('staff.emailOf', { name: s.username })}">
      <button type="submit" name="action" value="email" class="button button-small">${t('staff.saveEmail')}</button>
    </form>
  </td>
  <td data-label="${t('staff.role')}">${t(`role.${s.role}`)}</td>
  <td data-label="${t('staff.department')}">${department}</td>
  <td data-label="${t('staff.status')}">
    <span class="badge ${s.active ? 'badge-ok' : 'badge-muted'}">${t(s.active ? 'staff.active' : 'staff.inactive')}</span>
    ${locked ? html`<span class="badge badge-warn">${t('staff.lockedUntil', { time: localDateTime(s.lockedUntil, view.timeZone) })}</span>` : ''}
  </td>
  <td data-label="${t('staff.actions')}">
    <form method="post" action="/app/staff/${encodeURIComponent(s.id)}" class="row-actions">
      <input type="hidden" name="version" value="${s.version}">
      ${s.active && !me ? html`<button type="submit" name="action" value="deactivate" class="button button-small button-danger">${t('staff.deactivate')}</button>` : ''}
      ${s.active ? '' : html`<button type="submit" name="action" value="reactivate" class="button button-small">${t('staff.reactivate')}</button>`}
      ${locked ? html`<button type="submit" name="action" value="unlock" class="button button-small">${t('staff.unlock')}</button>` : ''}
    </form>
  </td>
</tr>`;
}
