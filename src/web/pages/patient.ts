import type { Encounter, PatientFile, TimelineEntry } from '../../modules/patients/patients.schemas.js';
import type { Department } from '../../modules/staff/staff.schemas.js';
import { displayPhone, localDateTime, localDay, yuan } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { banner, layout } from '../layout.js';
import type { PageContext } from '../page-context.js';
import { careSection, type CareView } from './care.js';
import { followupSection, type FollowupView } from './followup.js';

export interface PatientView {
  file: PatientFile;
  timeline: { items: TimelineEntry[]; nextCursor: string | null };
  /** Set when the timeline shows an older page. */
  olderPage: boolean;
  departments: Department[];
  timeZone: string;
  canEdit: boolean;
  notice: 'saved' | 'unchanged' | null;
  /** Care reminders, for clinical staff of a department that has seen the patient; null hides the card. */
  care: CareView | null;
  /** What follow-up plans scheduled, for clinical staff of a department that has seen the patient; null hides it. */
  followup?: FollowupView | null;
  /** Feedback's at-risk mark (open complaint, repeat complaints, low satisfaction) and numbers found invalid. */
  risk?: { atRisk: boolean; reasons: string[]; openComplaints: number; invalidNumbers: string[] };
  /** No-shows in the last 90 days, and whether they now keep the patient from booking online or by phone. */
  noShows?: { noShows90Days: number; limited: boolean } | null;
}

export function patientPage(page: PageContext, view: PatientView): SafeHtml {
  const { t } = page;
  const { file } = view;
  const departmentName = (id: string | null) => {
    const d = id ? view.departments.find((x) => x.id === id) : undefined;
    return d ? (page.lang === 'zh-CN' ? d.nameZh : d.nameEn) : '';
  };
  return layout(page, {
    title: file.name,
    section: 'patients',
    body: html`<p class="breadcrumb"><a href="/app/">← ${t('file.back')}</a></p>
${view.notice ? banner('success', t(view.notice === 'saved' ? 'file.saved' : 'file.unchanged')) : ''}
${view.risk?.atRisk ? banner('error', `${t('cc.atRisk')}: ${view.risk.reasons.map((r) => t.maybe(`cc.risk.${r}`) ?? r).join(t('common.listJoin'))}`) : ''}
${view.risk && view.risk.invalidNumbers.length > 0 ? banner('info', `${t('cc.invalidNumbers')}: ${view.risk.invalidNumbers.join(', ')}`) : ''}
${view.noShows && view.noShows.noShows90Days > 0 ? banner(view.noShows.limited ? 'error' : 'info', t(view.noShows.limited ? 'file.noShowsLimited' : 'file.noShows', { n: view.noShows.noShows90Days })) : ''}
<section class="card file-head" aria-labelledby="patient-name">
  <div class="file-head-main">
    <h1 id="patient-name" class="patient-name">${file.name}</h1>
    <p class="file-head-meta">
      <span>${t(`gender.${file.gender}`)}</span>${file.age === null ? '' : html`<span>${t('patient.age', { n: file.age })}</span>`}<span>${t('file.visits', { n: file.summary.visitCount })}</span>${file.summary.lastVisitAt ? html`<span>${t('patient.lastVisit')} ${localDay(file.summary.lastVisitAt, view.timeZone)}</span>` : ''}
    </p>
    ${file.active ? '' : html`<p class="badge badge-warn">${t('file.inactive')}</p>`}
    <p class="tags" aria-label="${t('file.tags')}">${file.tags.map((tag) => html`<span class="tag">${tag}</span>`)}</p>
  </div>
  <div class="file-head-actions">${view.canEdit ? html`<a class="button button-primary" href="/app/patients/${encodeURIComponent(file.id)}/edit">${t('file.edit')}</a> ` : ''}<a class="button" href="/app/appointments?patientId=${encodeURIComponent(file.id)}">${t('file.book')}</a></div>
</section>
<div class="file-grid">
  <div class="file-side">
    ${demographics(page, file)}
    ${contact(page, file)}
    ${identifiersAndConsent(page, file, view.timeZone)}
  </div>
  <div class="file-main">
    ${clinical(page, file, view.timeZone, departmentName)}
    ${view.followup ? followupSection(page, view.followup) : ''}
    ${view.care ? careSection(page, view.care) : ''}
    ${timeline(page, view, departmentName)}
  </div>
</div>`,
  });
}

function row(label: string, value: SafeHtml | string | null | undefined, none: string): SafeHtml {
  const empty = value === null || value === undefined || value === '';
  return html`<div class="dl-row"><dt>${label}</dt><dd>${empty ? html`<span class="muted">${none}</span>` : value}</dd></div>`;
}

function demographics(page: PageContext, file: PatientFile): SafeHtml {
  const { t } = page;
  const none = t('file.none');
  return html`<section class="card" aria-labelledby="sec-demo">
  <h2 id="sec-demo">${t('file.demographics')}</h2>
  <dl class="dl">
    ${row(t('file.pinyin'), file.namePinyin, none)}
    ${row(t('file.gender'), t(`gender.${file.gender}`), none)}
    ${row(t('file.birthDate'), file.birthDate, none)}
    ${row(t('file.residentId'), file.residentId ? html`<span class="mono">${file.residentId}</span>` : null, none)}
    ${row(t('file.occupation'), file.occupation, none)}
    ${row(t('file.employer'), file.employer, none)}
    ${row(t('file.source'), file.source ? (t.maybe(`source.${file.source}`) ?? file.source) : null, none)}
  </dl>
</section>`;
}

function contact(page: PageContext, file: PatientFile): SafeHtml {
  const { t } = page;
  const none = t('file.none');
  const a = file.address;
  const address = [a.province, a.city, a.district, a.detail].filter((p, i, all): p is string => Boolean(p) && p !== all[i - 1]).join(' ');
  return html`<section class="card" aria-labelledby="sec-contact">
  <h2 id="sec-contact">${t('file.contact')}</h2>
  <dl class="dl">
    ${row(t('file.phone'), file.phone ? html`<span class="mono nowrap">${displayPhone(file.phone)}</span>` : null, none)}
    ${row(t('file.email'), file.email, none)}
    ${row(t('file.address'), address, none)}
    ${row(t('file.preferredLanguage'), t(`language.${file.preferredLanguage}`), none)}
    ${row(t('file.preferredChannel'), t(`channel.${file.preferredChannel}`), none)}
    ${row(
      t('file.emergencyContacts'),
      file.emergencyContacts.length > 0
        ? html`<ul class="plain">${file.emergencyContacts.map((c) => html`<li>${t('file.contactPerson', { name: c.name, relationship: c.relationship })} <span class="mono nowrap">${displayPhone(c.phone)}</span></li>`)}</ul>`
        : null,
      none,
    )}
  </dl>
</section>`;
}

function identifiersAndConsent(page: PageContext, file: PatientFile, timeZone: string): SafeHtml {
  const { t } = page;
  const none = t('file.none');
  return html`<section class="card" aria-labelledby="sec-ids">
  <h2 id="sec-ids">${t('file.identifiers')}</h2>
  ${file.identifiers.length > 0
    ? html`<dl class="dl">${file.identifiers.map((i) => row(t.maybe(`identifier.${i.system}`) ?? i.system, html`<span class="mono">${i.value}</span>`, none))}</dl>`
    : html`<p class="muted">${none}</p>`}
  <h2 id="sec-consent">${t('file.consent')}</h2>
  ${file.consent.length > 0
    ? html`<ul class="consent-list" aria-labelledby="sec-consent">${file.consent.map(
        (c) => html`<li>
      <span class="consent-what">${t(`consent.channel.${c.channel}`)} · ${t(`consent.purpose.${c.purpose}`)}</span>
      <span class="badge ${c.granted ? 'badge-ok' : 'badge-muted'}">${t(c.granted ? 'consent.granted' : 'consent.refused')}</span>
      <span class="consent-when muted">${t('consent.recorded', { date: localDay(c.recordedAt, timeZone), method: t(`consent.method.${c.method}`) })}</span>
    </li>`,
      )}</ul>`
    : html`<p class="muted">${none}</p>`}
</section>`;
}

function clinical(page: PageContext, file: PatientFile, timeZone: string, departmentName: (id: string | null) => string): SafeHtml {
  const { t } = page;
  const none = t('file.none');
  const c = file.clinical;
  if (!c) {
    return html`<section class="card" aria-labelledby="sec-clinical"><h2 id="sec-clinical">${t('clinical.title')}</h2><p class="muted">${t('clinical.hidden')}</p></section>`;
  }
  return html`<section class="card" aria-labelledby="sec-clinical">
  <h2 id="sec-clinical">${t('clinical.title')}</h2>
  <dl class="dl">
    ${row(t('clinical.pastHistory'), c.pastHistory ? html`<span class="prewrap">${c.pastHistory}</span>` : null, none)}
    ${row(t('clinical.familyHistory'), c.familyHistory ? html`<span class="prewrap">${c.familyHistory}</span>` : null, none)}
    ${row(t('clinical.totalSpend'), t('clinical.money', { amount: yuan(c.totalSpendCents) }), none)}
  </dl>
  <h3>${t('clinical.allergies')}</h3>
  ${c.allergies.length > 0
    ? html`<ul class="allergy-list">${c.allergies.map(
        (a) => html`<li><strong>${a.substance}</strong>${a.reaction ? html` — ${a.reaction}` : ''}${a.severity ? html` <span class="badge badge-warn">${t.maybe(`severity.${a.severity}`) ?? a.severity}</span>` : ''}</li>`,
      )}</ul>`
    : html`<p class="muted">${t('clinical.noAllergies')}</p>`}
  <h3>${t('clinical.encounters')}</h3>
  ${c.encounters.length > 0 ? html`<ul class="encounters">${c.encounters.map((e) => encounter(page, e, timeZone, departmentName))}</ul>` : html`<p class="muted">${t('clinical.noEncounters')}</p>`}
</section>`;
}

function encounter(page: PageContext, e: Encounter, timeZone: string, departmentName: (id: string | null) => string): SafeHtml {
  const { t } = page;
  const when = e.endAt && localDay(e.endAt, timeZone) !== localDay(e.startAt, timeZone) ? `${localDay(e.startAt, timeZone)} – ${localDay(e.endAt, timeZone)}` : localDay(e.startAt, timeZone);
  return html`<li class="encounter">
  <div class="encounter-head"><span class="badge badge-class">${t(`class.${e.class}`)}</span><time datetime="${e.startAt}">${when}</time><span class="muted">${t(`status.${e.status}`)}</span></div>
  <p class="encounter-meta">${departmentName(e.departmentId) ? html`<span>${t('common.labelValue', { label: t('clinical.department'), value: departmentName(e.departmentId) })}</span>` : ''}${e.attendingDoctorName ? html`<span>${t('common.labelValue', { label: t('clinical.doctor'), value: e.attendingDoctorName })}</span>` : ''}${e.chargesCents > 0 ? html`<span>${t('common.labelValue', { label: t('clinical.charges'), value: t('clinical.money', { amount: yuan(e.chargesCents) }) })}</span>` : ''}</p>
  ${e.diagnoses.length > 0
    ? html`<ul class="diagnoses" aria-label="${t('clinical.diagnoses')}">${e.diagnoses.map(
        (d) => html`<li><span class="mono code">${d.code}</span> ${d.text}${d.primary ? html` <span class="badge badge-ok">${t('clinical.primary')}</span>` : ''}</li>`,
      )}</ul>`
    : ''}
  ${e.procedures.length > 0 ? html`<p class="procedures">${t('common.labelValue', { label: t('clinical.procedures'), value: e.procedures.map((p) => p.text).join(t('common.listJoin')) })}</p>` : ''}
  ${e.summary ? html`<p class="prewrap encounter-summary">${e.summary}</p>` : ''}
</li>`;
}

function timeline(page: PageContext, view: PatientView, departmentName: (id: string | null) => string): SafeHtml {
  const { t } = page;
  const base = `/app/patients/${encodeURIComponent(view.file.id)}`;
  return html`<section class="card" id="timeline" aria-labelledby="sec-timeline">
  <h2 id="sec-timeline">${t('timeline.title')}</h2>
  ${view.timeline.items.length > 0
    ? html`<ol class="timeline">${view.timeline.items.map(
        (entry) => html`<li class="tl-item tl-${entry.kind}">
      <time datetime="${entry.at}">${localDateTime(entry.at, view.timeZone)}</time>
      <div class="tl-body">
        <p class="tl-title">${t.maybe(`timeline.${entry.title}`) ?? entry.title}</p>
        ${entry.detail ? html`<p class="tl-detail">${entry.detail}</p>` : ''}
        ${departmentName(entry.departmentId) ? html`<p class="tl-dept muted">${departmentName(entry.departmentId)}</p>` : ''}
      </div>
    </li>`,
      )}</ol>`
    : html`<p class="muted">${t('timeline.empty')}</p>`}
  <p class="timeline-nav">
    ${view.olderPage ? html`<a href="${base}#timeline">${t('timeline.newest')}</a>` : ''}
    ${view.timeline.nextCursor ? html`<a class="button" rel="next" href="${base}?${new URLSearchParams({ cursor: view.timeline.nextCursor }).toString()}#timeline">${t('timeline.more')}</a>` : ''}
  </p>
</section>`;
}
