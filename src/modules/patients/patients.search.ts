import { addDays, startOfLocalDay } from '../../lib/clock.js';
import type { ServiceContext } from '../../lib/context.js';
import { birthDateRangeForAges } from './demographics.js';
import { normaliseNameQuery } from './name-keys.js';
import { parsePhone, phoneDigits } from './phone.js';
import type { IdMatch, PatientFilters } from './patients.repository.js';
import type { PatientSearchQuery } from './patients.schemas.js';
import { parseResidentId } from './resident-id.js';

export type SearchPlan =
  | { kind: 'name'; prefix: string; filters: PatientFilters }
  | { kind: 'ids'; mode: 'phone_last4' | 'phone' | 'resident_id' | 'identifier' | 'list'; matches: IdMatch[]; filters: PatientFilters };

/**
 * Reads what was typed into the one search box. Four digits are the end of a phone number; a valid resident ID
 * number is looked up by its keyed hash; other digit strings may be a phone number or an identifier (MRN), so
 * both are tried; `system|value` names the identifier's system; anything else is a name, its pinyin or initials.
 */
export function planSearch(ctx: Pick<ServiceContext, 'cipher' | 'timeZone'>, query: PatientSearchQuery, today: string): SearchPlan {
  const filters = filtersOf(query, today, ctx.timeZone);
  const q = query.q?.trim();
  if (!q) return { kind: 'ids', mode: 'list', matches: [{ all: true }], filters };

  if (/^\d{4}$/.test(q)) return { kind: 'ids', mode: 'phone_last4', matches: [{ phoneLast4: q }], filters };

  const pipe = q.indexOf('|');
  if (pipe > 0) return { kind: 'ids', mode: 'identifier', matches: [{ system: q.slice(0, pipe), identifierValue: q.slice(pipe + 1) }], filters };

  const residentId = parseResidentId(q, today);
  if (residentId.ok && /^\d{17}[\dXx]$|^\d{15}$/.test(q)) {
    return { kind: 'ids', mode: 'resident_id', matches: [{ residentIdHash: ctx.cipher.lookupHash(residentId.value) }], filters };
  }

  if (/^\(?\+?\d[\d\s()-]*$/.test(q)) {
    const phone = parsePhone(q);
    const matches: IdMatch[] = [{ identifierValue: q }];
    if (phone.ok) matches.push({ phone: phone.e164 });
    else if (phoneDigits(q) !== q) matches.push({ identifierValue: phoneDigits(q) });
    return { kind: 'ids', mode: phone.ok ? 'phone' : 'identifier', matches, filters };
  }

  if (/^[\p{Script=Han}\p{L}\s·.]+$/u.test(q)) return { kind: 'name', prefix: normaliseNameQuery(q), filters };

  return { kind: 'ids', mode: 'identifier', matches: [{ identifierValue: q }], filters };
}

/** The classification filters of a search, also the segment of a campaign (patients.service.ts). */
export function filtersOf(query: Omit<PatientSearchQuery, 'limit'>, today: string, timeZone: string): PatientFilters {
  const ages = birthDateRangeForAges(today, query.minAge, query.maxAge);
  const tags = query.tag === undefined ? [] : Array.isArray(query.tag) ? query.tag : [query.tag];
  return {
    includeInactive: query.includeInactive === 'true',
    // Dates are the hospital's calendar days; the end date is inclusive, so the range ends where the next day starts.
    lastVisitFrom: query.lastVisitFrom ? startOfLocalDay(query.lastVisitFrom, timeZone).toISOString() : undefined,
    lastVisitTo: query.lastVisitTo ? startOfLocalDay(addDays(query.lastVisitTo, 1), timeZone).toISOString() : undefined,
    province: query.province,
    city: query.city,
    district: query.district,
    source: query.source,
    departmentId: query.departmentId,
    diagnosisPrefix: query.diagnosis?.toUpperCase(),
    minSpendCents: query.minSpend === undefined ? undefined : Math.round(query.minSpend * 100),
    maxSpendCents: query.maxSpend === undefined ? undefined : Math.round(query.maxSpend * 100),
    tags,
    bornOnOrAfter: ages.onOrAfter,
    bornOnOrBefore: ages.onOrBefore,
  };
}
