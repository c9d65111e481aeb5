import { localTime } from '../../lib/clock.js';
import type { Appointment, ClinicSession } from '../../modules/appointments/appointments.schemas.js';
import type { Assets } from '../assets.js';
import { flag, html, type SafeHtml } from '../html.js';
import type { Lang, Translate } from '../i18n/index.js';
import { patientPage } from '../pages/questionnaire.js';
import type { BookT } from './book.i18n.js';

export interface BookView {
  t: Translate;
  b: BookT;
  lang: Lang;
  assets: Assets;
  path: string;
  /** The hospital's zone: clinic times read as its clock, whatever the phone's zone. */
  timeZone: string;
}

const day = (date: string, lang: Lang) =>
  new Intl.DateTimeFormat(lang === 'zh-CN' ? 'zh-CN' : 'en-GB', { timeZone: 'UTC', month: 'short', day: 'numeric', weekday: 'short' }).format(new Date(`${date}T00:00:00Z`));

function page(view: BookView, title: string, body: SafeHtml): SafeHtml {
  return patientPage(view, title, html`<nav class="book-nav"><a href="/book">${view.b('title')}</a> · <a href="/book/mine">${view.b('mine')}</a></nav>${body}`);
}

export function problemBanner(view: BookView, message: string | null): SafeHtml | string {
  return message ? html`<div class="banner banner-error" role="alert"><p>${message}</p></div>` : '';
}

export function departmentsPage(view: BookView, departments: { id: string; nameZh: string; nameEn: string }[]): SafeHtml {
  const { b, lang } = view;
  return page(
    view,
    b('title'),
    html`<h1>${b('chooseDepartment')}</h1>${departments.length === 0 ? html`<p>${b('noDepartments')}</p>` : ''}
<ul class="book-list">${departments.map((d) => html`<li><a class="button button-block" href="/book?department=${d.id}">${lang === 'en' ? d.nameEn : d.nameZh}</a></li>`)}</ul>`,
  );
}

function doctorLine(view: BookView, s: ClinicSession): SafeHtml {
  const { b } = view;
  return html`<strong>${s.doctor.name}</strong> <span class="muted">${b(`title.${s.doctor.title}`)} · ${b(`fee.${s.doctor.feeClass}`)}</span>${s.doctor.specialty ? html`<br><span class="muted small">${s.doctor.specialty}</span>` : ''}`;
}

export function weekPage(view: BookView, department: string, week: { items: ClinicSession[]; bookingMode: string }): SafeHtml {
  const { b, lang } = view;
  const days = [...new Set(week.items.map((s) => s.date))];
  const bookable = week.bookingMode !== 'view_only';
  return page(
    view,
    `${department} · ${b('title')}`,
    html`<h1>${department}</h1><p class="muted">${b('chooseSession')}</p>
${week.bookingMode === 'view_only' ? html`<div class="banner" role="status"><p>${b('viewOnly')}</p></div>` : week.bookingMode === 'approval' ? html`<p class="muted">${b('approval')}</p>` : ''}
${days.length === 0 ? html`<p>${b('noSessions')}</p>` : ''}
${days.map(
  (date) => html`<section class="book-day"><h2>${day(date, lang)}</h2><ul class="book-list">${week.items
    .filter((s) => s.date === date)
    .map((s) => {
      const state = s.status === 'stopped' ? b('stopped') : s.free > 0 ? b('free', { n: s.free }) : b('full');
      const inner = html`${doctorLine(view, s)}<br>${b(s.halfDay)} ${localTime(new Date(s.startAt), view.timeZone)}–${localTime(new Date(s.endAt), view.timeZone)} · <span class="book-free">${state}</span>`;
      return html`<li class="book-session" data-session="${s.id}">${bookable && s.status === 'open' && s.free > 0 ? html`<a href="/book/session/${s.id}">${inner}</a>` : inner}</li>`;
    })}</ul></section>`,
)}`,
  );
}

export function sessionPage(view: BookView, session: ClinicSession, bookable: boolean): SafeHtml {
  const { b, lang } = view;
  return page(
    view,
    `${session.doctor.name} · ${b('title')}`,
    html`<h1>${session.doctor.name}</h1><p>${doctorLine(view, session)}</p><h2>${day(session.date, lang)} ${b(session.halfDay)}</h2><p class="muted">${b('chooseSlot')}</p>
<ul class="book-slots">${(session.slots ?? []).map((slot) =>
      slot.free > 0 && bookable && session.status === 'open'
        ? html`<li><a class="button button-block" href="/book/slot/${slot.id}">${localTime(new Date(slot.startAt), view.timeZone)} · ${b('free', { n: slot.free })}</a></li>`
        : html`<li><span class="button button-block" aria-disabled="true">${localTime(new Date(slot.startAt), view.timeZone)} · ${b('full')}</span></li>`,
    )}</ul>`,
  );
}

export interface SlotFormView extends BookView {
  session: ClinicSession;
  slotId: string;
  /** Signed in with a code: the files of that phone; otherwise the new-patient form. */
  files: { id: string; name: string }[] | null;
  values: Record<string, string>;
  fieldErrors: Record<string, string>;
  problem: string | null;
}

function field(view: SlotFormView, name: 'name' | 'phone' | 'residentId', type: string, autocomplete: string): SafeHtml {
  const error = view.fieldErrors[name];
  return html`<div class="field${error ? ' field-invalid' : ''}"><label for="f-${name}">${view.b(name)}</label>${error ? html`<p class="field-error" id="f-${name}-error">${error}</p>` : ''}<input id="f-${name}" name="${name}" type="${type}" autocomplete="${autocomplete}" value="${view.values[name] ?? ''}" required${error ? html` aria-invalid="true" aria-describedby="f-${name}-error"` : ''}></div>`;
}

export function slotPage(view: SlotFormView): SafeHtml {
  const { b, lang, session } = view;
  const slot = session.slots?.find((s) => s.id === view.slotId);
  const when = html`<p class="book-when"><strong>${session.doctor.name}</strong> · ${day(session.date, lang)} ${slot ? localTime(new Date(slot.startAt), view.timeZone) : ''}</p>`;
  const form = view.files
    ? html`<fieldset class="field"><legend>${b('chooseFile')}</legend>${view.files.map((f, i) => html`<label class="qform-option"><input type="radio" name="patientId" value="${f.id}"${flag('checked', i === 0)}> ${f.name}</label>`)}</fieldset>`
    : html`<h2>${b('yourDetails')}</h2>${field(view, 'name', 'text', 'name')}${field(view, 'phone', 'tel', 'tel')}${field(view, 'residentId', 'text', 'off')}<p class="muted small">${b('consent')}</p>`;
  return page(
    view,
    `${b('book')} · ${session.doctor.name}`,
    html`<h1>${b('book')}</h1>${when}${problemBanner(view, view.problem)}
<form method="post" action="/book/slot/${view.slotId}" class="form qform" novalidate>${form}<div class="qform-actions"><button type="submit" class="button button-primary">${b('book')}</button></div></form>
${view.files ? '' : html`<p><a href="/book/signin?next=${encodeURIComponent(`/book/slot/${view.slotId}`)}">${b('haveFile')}</a></p>`}`,
  );
}

export function donePage(view: BookView, appointment: Pick<Appointment, 'doctorName' | 'date' | 'startAt' | 'status'>): SafeHtml {
  const { b, lang } = view;
  const requested = appointment.status === 'requested';
  return page(
    view,
    b(requested ? 'requested' : 'done'),
    html`<section class="book-done" role="status"><h1>${b(requested ? 'requested' : 'done')}</h1><p class="book-when"><strong>${appointment.doctorName}</strong> · ${day(appointment.date, lang)} ${localTime(new Date(appointment.startAt), view.timeZone)}</p><p>${b(requested ? 'requestedBody' : 'doneBody')}</p></section>
<p><a class="button" href="/book/mine">${b('mine')}</a> <a class="button" href="/book">${b('backToBooking')}</a></p>`,
  );
}

export function signInPage(view: BookView & { next: string; phone: string; sent: boolean; problem: string | null; fieldError: string | null }): SafeHtml {
  const { b } = view;
  const next = html`<input type="hidden" name="next" value="${view.next}">`;
  const body = view.sent
    ? html`<p role="status">${b('codeSent', { phone: view.phone, minutes: 5 })}</p>
<form method="post" action="/book/verify" class="form qform" novalidate>${next}<input type="hidden" name="phone" value="${view.phone}">
<div class="field${view.fieldError ? ' field-invalid' : ''}"><label for="f-code">${b('code')}</label>${view.fieldError ? html`<p class="field-error">${view.fieldError}</p>` : ''}<input id="f-code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required></div>
<div class="qform-actions"><button type="submit" class="button button-primary">${b('verify')}</button></div></form>`
    : html`<form method="post" action="/book/signin" class="form qform" novalidate>${next}
<div class="field${view.fieldError ? ' field-invalid' : ''}"><label for="f-phone">${b('phone')}</label>${view.fieldError ? html`<p class="field-error">${view.fieldError}</p>` : ''}<input id="f-phone" name="phone" type="tel" autocomplete="tel" value="${view.phone}" required></div>
<div class="qform-actions"><button type="submit" class="button button-primary">${b('sendCode')}</button></div></form>`;
  return page(view, b('signIn'), html`<h1>${b('signIn')}</h1>${problemBanner(view, view.problem)}${body}<p class="muted small">${b('signOutHint')}</p>`);
}

export function minePage(view: BookView & { appointments: Appointment[]; problem: string | null }): SafeHtml {
  const { b, lang } = view;
  const open = (a: Appointment) => a.status === 'booked' || a.status === 'requested';
  return page(
    view,
    b('mine'),
    html`<h1>${b('mine')}</h1>${problemBanner(view, view.problem)}${view.appointments.length === 0 ? html`<p>${b('noneMine')}</p>` : ''}
<ul class="book-list">${view.appointments.map(
      (a) => html`<li class="book-appointment" data-appointment="${a.id}"><strong>${a.doctorName}</strong> · ${day(a.date, lang)} ${localTime(new Date(a.startAt), view.timeZone)} · <span class="book-status">${b(`status.${a.status}`)}</span>
${open(a) ? html`<div class="qform-actions"><a class="button button-small" href="/book/mine/${a.id}/move">${b('move')}</a><form method="post" action="/book/mine/${a.id}/cancel"><button type="submit" class="button button-small button-danger">${b('cancel')}</button></form></div>` : ''}</li>`,
    )}</ul><p><a class="button" href="/book">${b('backToBooking')}</a></p>`,
  );
}

export function movePage(view: BookView & { appointment: Appointment; sessions: ClinicSession[]; problem: string | null }): SafeHtml {
  const { b, lang } = view;
  return page(
    view,
    b('moveTitle'),
    html`<h1>${b('moveTitle')}</h1><p class="book-when"><strong>${view.appointment.doctorName}</strong> · ${day(view.appointment.date, lang)} ${localTime(new Date(view.appointment.startAt), view.timeZone)}</p>${problemBanner(view, view.problem)}
<form method="post" action="/book/mine/${view.appointment.id}/move" class="form qform">${view.sessions.map(
      (s) => html`<fieldset class="field"><legend>${day(s.date, lang)} ${b(s.halfDay)}</legend><div class="qform-options">${(s.slots ?? [])
        .filter((slot) => slot.free > 0 && slot.id !== view.appointment.slotId)
        .map((slot) => html`<label class="qform-option"><input type="radio" name="slotId" value="${slot.id}"> ${localTime(new Date(slot.startAt), view.timeZone)} · ${b('free', { n: slot.free })}</label>`)}</div></fieldset>`,
    )}<div class="qform-actions"><button type="submit" class="button button-primary">${b('move')}</button></div></form>`,
  );
}

export function noticePage(view: BookView, text: string): SafeHtml {
  return page(view, view.b('title'), html`<section class="qform-notice"><p>${text}</p><p><a class="button" href="/book">${view.b('back')}</a></p></section>`);
}

export function offerPage(view: BookView & { token: string; doctorName: string; date: string; startAt: string; expiresAt: string }): SafeHtml {
  const { b, lang } = view;
  return page(
    view,
    b('offer.title'),
    html`<h1>${b('offer.title')}</h1><p class="book-when"><strong>${view.doctorName}</strong> · ${day(view.date, lang)} ${localTime(new Date(view.startAt), view.timeZone)}</p>
<p>${b('offer.until', { time: localTime(new Date(view.expiresAt), view.timeZone) })}</p>
<form method="post" action="/book/offer/${view.token}" class="form qform"><div class="qform-actions"><button type="submit" class="button button-primary">${b('book')}</button></div></form>`,
  );
}
