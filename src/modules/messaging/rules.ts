import type { MessagingSettings } from '../../config.js';
import { localTime } from '../../lib/clock.js';

/** Minutes after local midnight in the hospital's time zone. */
export function localMinutes(instant: Date, timeZone: string): number {
  const [h = 0, m = 0] = localTime(instant, timeZone).split(':').map(Number);
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
