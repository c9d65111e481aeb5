import type { FieldError } from '../../lib/errors.js';
import { html, type SafeHtml } from '../html.js';
import { layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

export type ErrorStatus = 400 | 403 | 404 | 429 | 500;

export function errorPage(page: PageContext, status: ErrorStatus, options: { requestId: string; message?: string; code?: string; errors?: FieldError[] }): SafeHtml {
  const { t } = page;
  const title = t(`error.title.${status}`);
  return layout(page, {
    title,
    body: html`<section class="card narrow error-page"${options.code ? html` data-code="${options.code}"` : ''}>
  <p class="error-status">${status}</p>
  <h1>${title}</h1>
  <p>${options.message ?? t(`error.body.${status}`, { id: options.requestId })}</p>
  ${options.errors?.length ? html`<ul class="field-errors">${options.errors.map((e) => html`<li data-field="${e.field}"><code>${e.field}</code>: ${t.maybe(`error.field.${e.code}`) ?? e.message}</li>`)}</ul>` : ''}
  <p><a class="button" href="/app/">${t('error.home')}</a></p>
</section>`,
  });
}
