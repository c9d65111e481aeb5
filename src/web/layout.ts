import { can } from '../modules/staff/permissions.js';
import { assetUrl, type AssetName } from './assets.js';
import { html, type SafeHtml } from './html.js';
import type { Lang } from './i18n/index.js';
import type { PageContext } from './page-context.js';

export type Section = 'patients' | 'staff' | 'messages' | 'campaigns' | 'jobs' | 'imports' | 'followup' | 'callcentre' | 'feedback' | 'identity' | 'stats' | null;

/** The same page with the other language; every other query parameter is kept. */
function switchLanguageHref(page: PageContext, to: Lang): string {
  const url = new URL(page.path, 'http://x');
  url.searchParams.set('lang', to);
  return `${url.pathname}${url.search}`;
}

function header(page: PageContext, section: Section): SafeHtml {
  const { t, actor } = page;
  const other: Lang = page.lang === 'zh-CN' ? 'en' : 'zh-CN';
  const navLink = (href: string, label: string, name: Section) =>
    html`<a href="${href}" class="nav-link"${name === section ? html` aria-current="page"` : ''}>${label}</a>`;
  return html`<header class="topbar">
  <div class="topbar-inner">
    <a class="brand" href="/app/"><img src="${assetUrl(page.assets, 'icon.svg')}" alt="" width="28" height="28"><span class="brand-name">${t('app.name')}</span></a>
    ${actor
      ? html`<nav class="nav" aria-label="${t('nav.main')}">
      ${navLink('/app/', t('nav.patients'), 'patients')}
      ${can(actor.role, 'appointments.read') ? navLink('/app/appointments', t('nav.appointments'), null) : ''}
      ${can(actor.role, 'followup.plans.read') ? navLink('/app/followup', t('nav.followup'), 'followup') : ''}
      ${can(actor.role, 'consultations.write') ? navLink('/app/callcentre', t('nav.callcentre'), 'callcentre') : ''}
      ${can(actor.role, 'feedback.read') ? navLink('/app/feedback', t('nav.feedback'), 'feedback') : ''}
      ${can(actor.role, 'messages.read') ? navLink('/app/messages', t('nav.messages'), 'messages') : ''}
      ${can(actor.role, 'campaigns.read') ? navLink('/app/campaigns', t('nav.campaigns'), 'campaigns') : ''}
      ${can(actor.role, 'jobs.read') ? navLink('/app/jobs', t('nav.jobs'), 'jobs') : ''}
      ${can(actor.role, 'staff.manage') ? navLink('/app/staff', t('nav.staff'), 'staff') : ''}
      ${can(actor.role, 'imports.quarantine') ? navLink('/app/imports/quarantine', t('nav.imports'), 'imports') : ''}
      ${can(actor.role, 'identity.reviews.read') ? navLink('/app/identity/reviews', t('nav.identity'), 'identity') : ''}
      ${can(actor.role, 'stats.read') ? navLink('/app/stats', t('nav.stats'), 'stats') : ''}
    </nav>`
      : ''}
    <div class="userbox">
      ${actor
        ? html`<span class="user" title="${t('nav.signedInAs')}"><span class="user-name">${actor.username}</span><span class="user-role">${t(`role.${actor.role}`)}</span></span>`
        : ''}
      <a class="lang-switch" href="${switchLanguageHref(page, other)}" lang="${other}" hreflang="${other}" title="${t('nav.switchLanguageLabel')}">${t('nav.switchLanguage')}</a>
      ${actor ? html`<form method="post" action="/app/logout" class="logout"><button type="submit" class="button-link">${t('nav.signOut')}</button></form>` : ''}
    </div>
  </div>
</header>`;
}

export function layout(page: PageContext, options: { title: string; body: SafeHtml; section?: Section; bodyClass?: string; scripts?: AssetName[] }): SafeHtml {
  const { t } = page;
  return html`<html lang="${page.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${options.title} · ${t('app.short')}</title>
<link rel="icon" href="${assetUrl(page.assets, 'icon.svg')}" type="image/svg+xml">
<link rel="stylesheet" href="${assetUrl(page.assets, 'app.css')}">
<script src="${assetUrl(page.assets, 'app.js')}" defer></script>
${(options.scripts ?? []).map((name) => html`<script src="${assetUrl(page.assets, name)}" defer></script>`)}
</head>
<body class="${options.bodyClass ?? ''}">
<a class="skip-link" href="#main">${t('nav.skip')}</a>
${header(page, options.section ?? null)}
<main id="main" class="main" tabindex="-1">
${options.body}
</main>
<footer class="footer"><p>${t('app.footer')}</p></footer>
</body>
</html>`;
}

/** A notice banner (saved, signed out) or an error banner; `role` makes screen readers announce it. */
export function banner(kind: 'success' | 'error' | 'info', text: string, extra?: SafeHtml): SafeHtml {
  return html`<div class="banner banner-${kind}" role="${kind === 'error' ? 'alert' : 'status'}"><p>${text}</p>${extra ?? ''}</div>`;
}
