import { banner, layout } from '../layout.js';
import { html, type SafeHtml } from '../html.js';
import type { MessageKey } from '../i18n/index.js';
import type { PageContext } from '../page-context.js';

export interface LoginView {
  username: string;
  next: string;
  /** A catalog key: why the form is shown again (wrong password, session ended …). */
  message?: { kind: 'error' | 'info' | 'success'; key: MessageKey };
}

export function loginPage(page: PageContext, view: LoginView): SafeHtml {
  const { t } = page;
  return layout(page, {
    title: t('login.title'),
    bodyClass: 'page-login',
    body: html`<section class="card login-card" aria-labelledby="login-title">
  <div class="login-brand">
    <h1 id="login-title">${t('login.title')}</h1>
    <p class="muted">${t('app.tagline')}</p>
  </div>
  ${view.message ? banner(view.message.kind, t(view.message.key)) : ''}
  <form method="post" action="/app/login" class="form login-form">
    <input type="hidden" name="next" value="${view.next}">
    <div class="field">
      <label for="f-username">${t('login.username')}</label>
      <input id="f-username" name="username" type="text" value="${view.username}" autocomplete="username" autocapitalize="none" spellcheck="false" maxlength="64" required${view.username ? '' : html` autofocus`}>
    </div>
    <div class="field">
      <label for="f-password">${t('login.password')}</label>
      <input id="f-password" name="password" type="password" autocomplete="current-password" maxlength="256" required${view.username ? html` autofocus` : ''}>
    </div>
    <button type="submit" class="button button-primary button-block">${t('login.submit')}</button>
  </form>
</section>`,
  });
}
