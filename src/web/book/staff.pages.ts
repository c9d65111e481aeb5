import { localTime } from '../../lib/clock.js';
import type { Appointment, ClinicSession } from '../../modules/appointments/appointments.schemas.js';
import { html, type SafeHtml } from '../html.js';
import { banner, layout } from '../layout.js';
import type { PageContext } from '../page-context.js';
import type { BookT } from './book.i18n.js';

export interface StaffBookingView {
  b: BookT;
  timeZone: string;
  departments: { id: string; name: string }[];
  departmentId: string | null;
  patient: { id: string; name: string } | null;
  week: ClinicSession[];
  pending: Appointment[];
  canBook: boolean;
  notice: string | null;
  problem: string | null;
}

/**
 * The staff booking page (/app/appointments): requests waiting for a decision, and a department's clinics for
 * the coming days with every slot's free places for the staff member's channel; from a patient's file each free
 * slot has a button that books it for them (agents for callers).
 */
export function staffBookingPage(page: PageContext, view: StaffBookingView): SafeHtml {
  const { b } = view;
  const time = (iso: string) => localTime(new Date(iso), view.timeZone);
  const keep = view.patient ? html`<input type="hidden" name="patientId" value="${view.patient.id}">` : '';
  const body = html`<h1>${b('staff.title')}</h1>
${view.notice ? banner('success', view.notice) : ''}${view.problem ? banner('error', view.problem) : ''}
<section class="card" aria-labelledby="sec-pending"><h2 id="sec-pending">${b('staff.pending')}</h2>
${view.pending.length === 0 ? html`<p class="muted">${b('staff.noPending')}</p>` : ''}
<ul class="plain">${view.pending.map(
    (a) => html`<li data-appointment="${a.id}">${a.doctorName} · ${a.date} ${time(a.startAt)} · <a href="/app/patients/${a.patientId}">${b('staff.patient')}</a>
${view.canBook ? html`<form method="post" action="/app/appointments/${a.id}/decide" class="row-actions"><button class="button button-small" name="action" value="approve">${b('staff.approve')}</button><button class="button button-small button-danger" name="action" value="reject">${b('staff.reject')}</button></form>` : ''}</li>`,
  )}</ul></section>
<section class="card"><form method="get" action="/app/appointments" class="form">${keep}
<label for="department">${b('staff.department')}</label> <select id="department" name="department">${view.departments.map((d) => html`<option value="${d.id}"${d.id === view.departmentId ? html` selected` : ''}>${d.name}</option>`)}</select>
<button type="submit" class="button">${b('staff.show')}</button></form>
<p class="muted">${view.patient ? b('staff.bookFor', { name: view.patient.name }) : b('staff.pickPatient')}</p>
${view.week.map(
    (s) => html`<div class="book-session" data-session="${s.id}"><p><strong>${s.doctor.name}</strong> · ${s.date} ${b(s.halfDay)} · ${s.status === 'stopped' ? b('stopped') : b('free', { n: s.free })}</p>
<div class="row-actions">${(s.slots ?? []).map((slot) =>
      view.patient && view.canBook && slot.free > 0 && s.status === 'open'
        ? html`<form method="post" action="/app/appointments/book">${keep}<input type="hidden" name="slotId" value="${slot.id}"><input type="hidden" name="department" value="${s.departmentId}"><button class="button button-small" type="submit">${time(slot.startAt)} · ${b('free', { n: slot.free })}</button></form>`
        : html`<span class="badge badge-muted">${time(slot.startAt)} · ${b('free', { n: slot.free })}</span>`,
    )}</div></div>`,
  )}</section>`;
  return layout(page, { title: view.b('staff.title'), body });
}
