import type { MessagingSettings } from '../../config.js';

const minuteFormats = new Map<string, Intl.DateTimeFormat>();

/** Minutes after local midnight in the hospital's time zone. */
export function localMinutes(instant: Date, timeZone: string): number {
  let format = minuteFormats.get(timeZone);
  if (!format) minuteFormats.set(timeZone, (format = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })));
  const [h = 0, m = 0] = format.format(instant).split(':').map(Number);
  return h * 60 + m;
}

/** Quiet hours wrap past midnight when start > end (21:00–08:00); equal start and end means none. */
export function inQuietHours(instant: Date, timeZone: string, quiet: MessagingSettings['quietHours']): boolean {
  if (quiet.start === quiet.end) return false;
  const now = localMinutes(instant, timeZone);
  return quiet.start < quiet.end ? now >= quiet.start && now < quiet.end : now >= quiet.start || now < quiet.end;
}

/** Exponential backoff for transient errors: 30 s, 1 min, 2 min … capped at an hour. */
export function backoffMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

export const MAX_ATTEMPTS = 10;
export const MARKETING_WINDOW_MS = 7 * 24 * 3600 * 1000;
