import { startOfLocalDay } from '../../../../lib/clock.js';

/**
 * HL7 DTM (YYYY[MM[DD[HH[MM[SS[.S…]]]]]][+/-ZZZZ]) to an ISO instant. A time without an offset is the hospital's
 * local time, as HIS systems in China send it; the zone comes from configuration, never from the machine.
 */
export function hl7Instant(value: string, timeZone: string): string | null {
  const m = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:\.(\d{1,4}))?([+-]\d{4})?$/.exec(value.trim());
  if (!m) return null;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', s = '00', frac = '0', offset] = m;
  const date = `${y}-${mo}-${d}`;
  if (!isDate(date) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  const ms = Number(h) * 3_600_000 + Number(mi) * 60_000 + Number(s) * 1000 + Math.round(Number(`0.${frac}`) * 1000);
  if (offset) {
    const sign = offset.startsWith('-') ? -1 : 1;
    const offsetMs = sign * (Number(offset.slice(1, 3)) * 3_600_000 + Number(offset.slice(3, 5)) * 60_000);
    return new Date(Date.parse(`${date}T00:00:00Z`) + ms - offsetMs).toISOString();
  }
  return new Date(startOfLocalDay(date, timeZone).getTime() + ms).toISOString();
}

/** HL7 DT or the date part of a DTM (birth dates) as YYYY-MM-DD. */
export function hl7Date(value: string): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})/.exec(value.trim());
  if (!m) return null;
  const date = `${m[1]}-${m[2]}-${m[3]}`;
  return isDate(date) ? date : null;
}

function isDate(date: string): boolean {
  const d = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(date);
}
