import type { TemplateLocale } from './templates.js';

const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * An instant as a patient reads it in a message, in the hospital's time zone: 11月24日 09:30 or 24 Nov 09:30.
 * For the `{time}` variables of templates, so every module writes dates the same way.
 */
export function messageDateTime(instant: Date, timeZone: string, locale: TemplateLocale): string {
  const key = `${timeZone}\u0000${locale}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, month: locale === 'zh-CN' ? 'numeric' : 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formats.set(key, format);
  }
  const parts = Object.fromEntries(format.formatToParts(instant).map((p) => [p.type, p.value]));
  return locale === 'zh-CN' ? `${parts['month']}月${parts['day']}日 ${parts['hour']}:${parts['minute']}` : `${parts['day']} ${parts['month']} ${parts['hour']}:${parts['minute']}`;
}
