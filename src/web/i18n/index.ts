import type { FastifyReply, FastifyRequest } from 'fastify';
import { en } from './en.js';
import { zhCN, type MessageKey } from './zh-CN.js';

export type { MessageKey };
export const LANGS = ['zh-CN', 'en'] as const;
export type Lang = (typeof LANGS)[number];
export const DEFAULT_LANG: Lang = 'zh-CN';
export const LANG_COOKIE = 'hcrm_lang';

export const catalogs: Record<Lang, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };

export interface Translate {
  (key: MessageKey, params?: Record<string, string | number>): string;
  /** For keys built from data (`gender.${g}`, `timeline.${title}`): the text, or undefined when the catalog has none. */
  maybe(key: string, params?: Record<string, string | number>): string | undefined;
  readonly lang: Lang;
}

export function translator(lang: Lang): Translate {
  const catalog = catalogs[lang];
  const fill = (text: string, params?: Record<string, string | number>) =>
    params ? text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole)) : text;
  const t = ((key: MessageKey, params?: Record<string, string | number>) => fill(catalog[key], params)) as Translate;
  t.maybe = (key, params) => (Object.hasOwn(catalog, key) ? fill(catalog[key as MessageKey], params) : undefined);
  Object.defineProperty(t, 'lang', { value: lang });
  return t;
}

function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
}

/** `?lang=` wins (and is remembered in a cookie), then the cookie, then zh-CN. Read from the raw URL so any page takes it. */
export function langOf(request: FastifyRequest): Lang {
  const asked = new URLSearchParams(request.url.split('?')[1] ?? '').get('lang');
  if (isLang(asked)) return asked;
  const remembered = request.cookies[LANG_COOKIE];
  return isLang(remembered) ? remembered : DEFAULT_LANG;
}

export function rememberLang(request: FastifyRequest, reply: FastifyReply): void {
  const asked = new URLSearchParams(request.url.split('?')[1] ?? '').get('lang');
  if (isLang(asked) && request.cookies[LANG_COOKIE] !== asked) {
    void reply.setCookie(LANG_COOKIE, asked, { path: '/', sameSite: 'lax', httpOnly: true, maxAge: 365 * 24 * 3600, secure: request.protocol === 'https' });
  }
}
