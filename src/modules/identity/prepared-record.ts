import type { MatchRecord } from './identity.schemas.js';
import { namePart, splitFullName } from './names.js';
import type { NamePart } from './names.js';
import { nationalDigits } from '../patients/phone.js';
import { residentIdCheckChar } from '../patients/resident-id.js';

/**
 * A record reduced once, on arrival, to what the comparators and blocking keys read, so that comparing it
 * with hundreds of candidates costs no parsing or pinyin conversion.
 */
export interface PreparedRecord {
  source: string;
  sourceRecordId: string | null;
  family: NamePart | null;
  given: NamePart | null;
  /** Digits as typed, YYYYMMDD when well formed. */
  birth: string | null;
  gender: 'male' | 'female' | null;
  /** National digits: +86 / 0086 and separators dropped. */
  phone: string | null;
  residentId: string | null;
  /** The resident ID passes its MOD 11-2 check: only then is it trusted for a deterministic link. */
  residentIdValid: boolean;
  streetNumber: string | null;
  street: string | null;
  addressLine2: string | null;
  locality: string | null;
  city: string | null;
  region: string | null;
  postcode: string | null;
  /** system → value */
  identifiers: Map<string, string>;
}

export function prepareRecord(record: MatchRecord): PreparedRecord {
  const name = record.name ?? {};
  let family = name.family;
  let given = name.given;
  if (family === undefined && given === undefined && name.full !== undefined) ({ family, given } = splitFullName(name.full));
  const residentId = clean(record.residentId)?.toUpperCase().replace(/\s/g, '') ?? null;
  const address = record.address ?? {};
  return {
    source: record.source,
    sourceRecordId: clean(record.sourceRecordId),
    family: namePart(family, 'family'),
    given: namePart(given, 'given'),
    // Interned: a few tens of thousands of dates for a whole population, compared for every candidate.
    birth: intern(record.birthDate?.replace(/\D/g, '') || null),
    gender: record.gender === 'male' || record.gender === 'female' ? record.gender : null,
    phone: record.phone === undefined ? null : nationalDigits(record.phone) || null,
    residentId,
    residentIdValid: residentId !== null && /^\d{17}[\dX]$/.test(residentId) && residentIdCheckChar(residentId.slice(0, 17)) === residentId[17],
    streetNumber: folded(address.number),
    street: folded(address.street),
    addressLine2: folded(address.line2),
    locality: intern(folded(address.locality)),
    city: intern(folded(address.city)),
    region: intern(folded(address.region)),
    postcode: clean(address.postcode)?.replace(/\s/g, '') ?? null,
    identifiers: record.identifiers === undefined || record.identifiers.length === 0 ? NO_IDENTIFIERS : new Map(record.identifiers.map((id) => [id.system.trim(), id.value.trim()])),
  };
}

// Shared by every record without identifiers (all of the service index's), never written to.
const NO_IDENTIFIERS: Map<string, string> = new Map();

// Place names repeat across a whole population: one string per distinct value, not one per record. Bounded, so
// free-text street lines cannot grow it without end.
const INTERN_LIMIT = 100_000;
const interned = new Map<string, string>();
function intern(value: string | null): string | null {
  if (value === null) return null;
  const known = interned.get(value);
  if (known !== undefined) return known;
  if (interned.size >= INTERN_LIMIT) interned.clear();
  interned.set(value, value);
  return value;
}

function clean(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed.length === 0 ? null : trimmed;
}

function folded(value: string | undefined): string | null {
  const trimmed = clean(value);
  return trimmed === null ? null : trimmed.toLowerCase().replace(/\s+/g, ' ');
}
