import { maskPhone } from '../modules/patients/phone.js';

/** Dates and money as the hospital reads them: in its own time zone, numerals the same in both languages. */
function parts(instant: string, timeZone: string): Record<string, string> {
  const formatted = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(instant));
  return Object.fromEntries(formatted.map((p) => [p.type, p.value]));
}

export function localDay(instant: string | null, timeZone: string): string {
  if (!instant) return '';
  const p = parts(instant, timeZone);
  return `${p['year']}-${p['month']}-${p['day']}`;
}

export function localDateTime(instant: string | null, timeZone: string): string {
  if (!instant) return '';
  const p = parts(instant, timeZone);
  return `${p['year']}-${p['month']}-${p['day']} ${p['hour']}:${p['minute']}`;
}

export function yuan(cents: number): string {
  return (cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** Mainland numbers as people write them (139 1000 7919, 01088886666); foreign ones keep their +country code. */
export function displayPhone(phone: string | null): string {
  if (!phone || phone.includes('*') || !phone.startsWith('+86')) return phone ?? '';
  const national = phone.slice(3);
  return /^1\d{10}$/.test(national) ? `${national.slice(0, 3)} ${national.slice(3, 7)} ${national.slice(7)}` : `0${national}`;
}

/** Phones in lists show only their ends, whatever the role: lists are read over shoulders. Same rule as app.js. */
export function maskedPhone(phone: string | null): string {
  if (!phone) return '';
  return phone.includes('*') ? phone : maskPhone(phone);
}

/** A local path to come back to after signing in; anything else (other hosts, `//evil`, `/\evil`) becomes the start page. */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || next.length > 512) return '/app/';
  return /^\/app\/(?![/\\])[^\\\s]*$/.test(next) ? next : '/app/';
}
