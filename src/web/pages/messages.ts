import type { InboundMessage, Message, MessageListQuery } from '../../modules/messaging/messaging.schemas.js';
import { MESSAGE_STATUSES } from '../../modules/messaging/messaging.schemas.js';
import { localDateTime } from '../format.js';
import { selectField, textField } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import { banner, layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

export interface MessagesView {
  filter: Omit<MessageListQuery, 'limit' | 'cursor'>;
  messages: Message[];
  nextCursor: string | null;
  firstPage: boolean;
  /** Null when the viewer may not review inbound replies. */
  reviews: InboundMessage[] | null;
  /** No provider configured for some channel: say honestly that nothing leaves this machine. */
  sandbox: boolean;
  mayCancel: boolean;
  notice: 'cancelled' | 'resolved' | null;
  timeZone: string;
}

const STATUS_BADGE: Record<string, string> = { delivered: 'badge-ok', sent: 'badge-ok', held: 'badge-warn', failed: 'badge-danger', undelivered: 'badge-danger', cancelled: 'badge-muted' };

export function messagesPage(page: PageContext, view: MessagesView): SafeHtml {
  const { t } = page;
  const values = Object.fromEntries(Object.entries(view.filter).map(([k, v]) => [k, v ?? '']));
  const base = { values, errors: [], t };
  const filterQuery = new URLSearchParams(Object.entries(view.filter).filter(([, v]) => v) as [string, string][]);
  return layout(page, {
    title: t('messages.title'),
    section: 'messages',
    body: html`<h1 class="page-title">${t('messages.title')}</h1>
${view.sandbox ? banner('info', t('messages.sandbox')) : ''}
${view.notice ? banner('success', t(view.notice === 'cancelled' ? 'messages.cancelled' : 'messages.review.resolved')) : ''}
<section class="card" aria-labelledby="filters-title">
  <h2 id="filters-title">${t('messages.filters')}</h2>
  <form method="get" action="/app/messages" class="form filters">
    ${selectField({ ...base, name: 'status', label: t('messages.status'), options: [{ value: '', label: t('messages.all') }, ...MESSAGE_STATUSES.map((s) => ({ value: s, label: t(`messages.status.${s}`) }))] })}
    ${selectField({ ...base, name: 'channel', label: t('messages.channel'), options: [{ value: '', label: t('messages.all') }, { value: 'sms', label: t('messages.channel.sms') }, { value: 'email', label: t('messages.channel.email') }] })}
    ${textField({ ...base, name: 'purpose', label: t('messages.purpose'), maxlength: 64 })}
    ${textField({ ...base, name: 'patientId', label: t('messages.patient'), maxlength: 64 })}
    <div class="form-actions"><button type="submit" class="button">${t('messages.filter')}</button></div>
  </form>
</section>
<section class="card" aria-labelledby="outbox-title">
  <h2 id="outbox-title">${t('messages.title')}</h2>
  ${view.messages.length === 0
    ? html`<p class="muted">${t('messages.empty')}</p>`
    : html`<table class="table messages-table">
    <thead><tr><th scope="col">${t('messages.created')}</th><th scope="col">${t('messages.patient')}</th><th scope="col">${t('messages.purpose')}</th><th scope="col">${t('messages.channel')}</th><th scope="col">${t('messages.recipient')}</th><th scope="col">${t('messages.body')}</th><th scope="col">${t('messages.status')}</th></tr></thead>
    <tbody>${view.messages.map((m) => messageRow(page, m, view))}</tbody>
  </table>`}
  <p class="timeline-nav">
    ${view.firstPage ? '' : html`<a href="/app/messages?${filterQuery.toString()}">${t('messages.first')}</a>`}
    ${view.nextCursor ? html`<a class="button" rel="next" href="/app/messages?${new URLSearchParams([...filterQuery, ['cursor', view.nextCursor]]).toString()}">${t('messages.more')}</a>` : ''}
  </p>
</section>
${view.reviews ? reviewSection(page, view.reviews, view.timeZone) : ''}`,
  });
}

function messageRow(page: PageContext, m: Message, view: MessagesView): SafeHtml {
  const { t } = page;
  return html`<tr>
  <td data-label="${t('messages.created')}">${localDateTime(m.createdAt, view.timeZone)}<br><span class="muted">${t('messages.scheduled')} ${localDateTime(m.scheduledAt, view.timeZone)}</span></td>
  <td data-label="${t('messages.patient')}"><a href="/app/patients/${encodeURIComponent(m.patientId)}" class="mono">${m.patientId.slice(-8)}</a></td>
  <td data-label="${t('messages.purpose')}">${m.purpose}${m.urgent ? html` <span class="badge badge-warn">${t('messages.urgent')}</span>` : ''}</td>
  <td data-label="${t('messages.channel')}">${t(`messages.channel.${m.channel}`)}${m.channel === 'sms' ? html`<br><span class="muted">${t('messages.segments', { n: m.segments })}</span>` : ''}</td>
  <td data-label="${t('messages.recipient')}" class="mono">${m.recipient ?? ''}</td>
  <td data-label="${t('messages.body')}">${m.subjectLine ? html`<strong>${m.subjectLine}</strong><br>` : ''}${m.body}</td>
  <td data-label="${t('messages.status')}">
    <span class="badge ${STATUS_BADGE[m.status] ?? ''}">${t(`messages.status.${m.status}`)}</span>
    ${m.error ? html`<br><span class="muted">${t('messages.error')}: ${m.error}</span>` : ''}
    ${m.status === 'queued' && view.mayCancel
      ? html`<form method="post" action="/app/messages/${encodeURIComponent(m.id)}/cancel" class="row-actions"><button type="submit" class="button button-small button-danger">${t('messages.cancel')}</button></form>`
      : ''}
  </td>
</tr>`;
}

function reviewSection(page: PageContext, reviews: InboundMessage[], timeZone: string): SafeHtml {
  const { t } = page;
  return html`<section class="card" aria-labelledby="review-title" id="review">
  <h2 id="review-title">${t('messages.review.title')}</h2>
  <p class="muted">${t('messages.review.hint')}</p>
  ${reviews.length === 0
    ? html`<p class="muted">${t('messages.review.empty')}</p>`
    : html`<table class="table review-table">
    <thead><tr><th scope="col">${t('messages.review.received')}</th><th scope="col">${t('messages.review.from')}</th><th scope="col">${t('messages.body')}</th><th scope="col"></th></tr></thead>
    <tbody>${reviews.map(
      (r) => html`<tr>
      <td data-label="${t('messages.review.received')}">${localDateTime(r.receivedAt, timeZone)}</td>
      <td data-label="${t('messages.review.from')}" class="mono">${r.patientId ? html`<a href="/app/patients/${encodeURIComponent(r.patientId)}">${r.from}</a>` : r.from}</td>
      <td data-label="${t('messages.body')}">${r.body}</td>
      <td><form method="post" action="/app/messages/inbound/${encodeURIComponent(r.id)}" class="row-actions">
        <button type="submit" name="resolution" value="opt_out" class="button button-small button-danger">${t('messages.review.optOut')}</button>
        <button type="submit" name="resolution" value="no_action" class="button button-small">${t('messages.review.noAction')}</button>
      </form></td>
    </tr>`,
    )}</tbody>
  </table>`}
</section>`;
}
