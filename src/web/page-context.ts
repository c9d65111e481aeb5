import type { FastifyReply, FastifyRequest } from 'fastify';
import type { StaffActor } from '../modules/staff/permissions.js';
import type { Assets } from './assets.js';
import type { SafeHtml } from './html.js';
import { langOf, translator, type Lang, type Translate } from './i18n/index.js';

/** What every page view needs besides its own data: language, the signed-in staff member, where we are. */
export interface PageContext {
  t: Translate;
  lang: Lang;
  actor: StaffActor | null;
  /** The GET address of this page (a re-rendered form posts to the same path), for the language switch. */
  path: string;
  assets: Assets;
}

export function pageContext(request: FastifyRequest, assets: Assets): PageContext {
  const lang = langOf(request);
  const actor = request.actor?.kind === 'staff' ? request.actor : null;
  return { t: translator(lang), lang, actor, path: request.url, assets };
}

export function sendPage(reply: FastifyReply, body: SafeHtml, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(`<!doctype html>\n${body.value}`);
}

/** Post/redirect/get: 303 so the browser follows with a GET and a reload never re-posts the form. */
export function seeOther(reply: FastifyReply, location: string): FastifyReply {
  return reply.code(303).header('location', location).send();
}
