import type { AgreementLevel, FieldComparison, FieldName } from './identity.schemas.js';
import type { NamePart } from './names.js';
import type { PreparedRecord } from './prepared-record.js';
import { editDistance, jaroWinkler } from './strings.js';
import type { WeightTable } from './weights.js';

/** One field's agreement before weighting. */
export interface Agreement { level: AgreementLevel; note?: string }

const MISSING: Agreement = { level: 'missing' };
const RANK: Record<AgreementLevel, number> = { exact: 4, close: 3, partial: 2, missing: 1, different: 0 };

type Comparator = (a: PreparedRecord, b: PreparedRecord) => Agreement;

/**
 * The fields in the order they are compared and explained: names first (they are computed together), then the
 * cheap, decisive numbers, and the long address texts last, so that scoring can stop early (see below).
 */
const FIELDS: readonly (readonly [FieldName, Comparator])[] = [
  ['familyName', (a, b) => compareNames(a, b).family],
  ['givenName', (a, b) => compareNames(a, b).given],
  ['birthDate', (a, b) => compareBirthDates(a.birth, b.birth)],
  ['gender', (a, b) => (a.gender === null || b.gender === null ? MISSING : { level: a.gender === b.gender ? 'exact' : 'different' })],
  ['phone', (a, b) => comparePhones(a.phone, b.phone)],
  ['residentId', (a, b) => compareCodes(a.residentId, b.residentId)],
  // Within one source an identifier is that source's record key: another value is another registration, not
  // evidence about the person, and neighbouring MRNs are not typos of each other. Across sources a shared
  // system is a person-level number (insurance, social security) and is compared.
  ['identifier', (a, b) => (a.source === b.source ? MISSING : compareIdentifiers(a.identifiers, b.identifiers))],
  ['streetNumber', (a, b) => compareCodes(a.streetNumber, b.streetNumber)],
  ['postcode', (a, b) => compareCodes(a.postcode, b.postcode)],
  ['street', (a, b) => compareText(a.street, b.street)],
  ['addressLine2', (a, b) => compareText(a.addressLine2, b.addressLine2)],
  ['locality', (a, b) => compareText(a.locality, b.locality)],
  ['city', (a, b) => compareText(a.city, b.city)],
  ['region', (a, b) => compareText(a.region, b.region)],
];

export const COMPARED_FIELDS: readonly FieldName[] = FIELDS.map(([field]) => field);

export interface Comparison { score: number; fields: FieldComparison[] }

/**
 * Compares two prepared records field by field and weighs each agreement. Every field appears in the result,
 * missing ones with weight 0, so an explanation always shows the whole comparison.
 *
 * With `mustReach`, gives up (null) as soon as even full agreement on the remaining fields could not lift the
 * score to it: most candidates are clearly someone else, and their address texts need not be compared.
 */
export function compareRecords(a: PreparedRecord, b: PreparedRecord, weights: WeightTable, mustReach = -Infinity): Comparison | null {
  const best = bestRemaining(weights);
  const fields: FieldComparison[] = [];
  let score = 0;
  let names: { family: Agreement; given: Agreement } | null = null;
  for (let i = 0; i < FIELDS.length; i++) {
    const [field, compare] = FIELDS[i]!;
    let agreement: Agreement;
    if (field === 'familyName' || field === 'givenName') {
      names ??= compareNames(a, b);
      agreement = field === 'familyName' ? names.family : names.given;
    } else agreement = compare(a, b);
    const weight = weights[field][agreement.level];
    score += weight;
    fields.push({ field, level: agreement.level, weight, ...(agreement.note === undefined ? {} : { note: agreement.note }) });
    if (score + best[i + 1]! < mustReach) return null;
  }
  return { score, fields };
}

const remainingCache = new WeakMap<WeightTable, number[]>();

/** best[i]: the most the fields from i onwards can still add. */
function bestRemaining(weights: WeightTable): number[] {
  let best = remainingCache.get(weights);
  if (best === undefined) {
    best = new Array<number>(FIELDS.length + 1).fill(0);
    for (let i = FIELDS.length - 1; i >= 0; i--) best[i] = best[i + 1]! + Math.max(0, ...Object.values(weights[FIELDS[i]![0]]));
    remainingCache.set(weights, best);
  }
  return best;
}

/** Straight or crossed: a record with family and given name swapped (Wei Zhang / Zhang Wei) still agrees. */
export function compareNames(a: PreparedRecord, b: PreparedRecord): { family: Agreement; given: Agreement } {
  const family = compareNameParts(a.family, b.family);
  const given = compareNameParts(a.given, b.given);
  const straight = RANK[family.level] + RANK[given.level];
  if (straight >= RANK.close * 2) return { family, given };
  const crossedFamily = compareNameParts(a.family, b.given);
  const crossedGiven = compareNameParts(a.given, b.family);
  if (RANK[crossedFamily.level] >= RANK.close && RANK[crossedGiven.level] >= RANK.close && RANK[crossedFamily.level] + RANK[crossedGiven.level] > straight) {
    return { family: { level: crossedFamily.level, note: 'names swapped' }, given: { level: crossedGiven.level, note: 'names swapped' } };
  }
  return { family, given };
}

export function compareNameParts(a: NamePart | null, b: NamePart | null): Agreement {
  if (a === null || b === null) return MISSING;
  if (a.text === b.text) return { level: 'exact' };
  // Characters against their romanisation is as good as agreement gets across scripts; two different
  // characters with one reading (张/章) are a homophone slip, weaker evidence.
  if (a.pinyin === b.pinyin) return a.han && b.han ? { level: 'close', note: 'homophone' } : { level: 'exact', note: 'same pinyin' };
  if (a.fuzzy === b.fuzzy) return { level: 'close', note: 'similar sound' };
  // Two characters of one Chinese name against the other's two: one wrong character is a typo, not another person.
  const similarity = jaroWinkler(a.pinyin, b.pinyin);
  if (similarity >= 0.92) return { level: 'close', note: 'similar spelling' };
  if (similarity >= 0.85) return { level: 'partial', note: 'similar spelling' };
  return { level: 'different' };
}

export function compareBirthDates(a: string | null, b: string | null): Agreement {
  if (a === null || b === null) return MISSING;
  if (a === b) return { level: 'exact' };
  if (a.length === 8 && b.length === 8 && a.slice(0, 4) === b.slice(0, 4) && a.slice(4, 6) === b.slice(6, 8) && a.slice(6, 8) === b.slice(4, 6)) {
    return { level: 'close', note: 'day and month swapped' };
  }
  const edits = editDistance(a, b, 2);
  if (edits === 1) return { level: 'close', note: editNote(a, b) };
  if (edits === 2) return { level: 'partial', note: 'two digits differ' };
  return { level: 'different' };
}

export function comparePhones(a: string | null, b: string | null): Agreement {
  if (a === null || b === null) return MISSING;
  if (a === b) return { level: 'exact' };
  // One written with its area code (010 8888 6666), the other without.
  if (a.length >= 7 && b.length >= 7 && (a.endsWith(b) || b.endsWith(a))) return { level: 'close', note: 'area code added' };
  return editDistance(a, b, 1) === 1 ? { level: 'close', note: editNote(a, b) } : { level: 'different' };
}

/** Numbers and codes: one keying error (a digit wrong, two swapped) is close, more is another value. */
export function compareCodes(a: string | null, b: string | null): Agreement {
  if (a === null || b === null) return MISSING;
  if (a === b) return { level: 'exact' };
  return editDistance(a, b, 1) === 1 ? { level: 'close', note: editNote(a, b) } : { level: 'different' };
}

export function compareText(a: string | null, b: string | null): Agreement {
  if (a === null || b === null) return MISSING;
  if (a === b) return { level: 'exact' };
  const similarity = jaroWinkler(a, b);
  if (similarity >= 0.92) return { level: 'close', note: 'similar spelling' };
  if (Math.min(a.length, b.length) >= 2 && (a.includes(b) || b.includes(a))) return { level: 'close', note: 'shorter form' };
  if (similarity >= 0.85) return { level: 'partial', note: 'similar spelling' };
  return { level: 'different' };
}

export function compareIdentifiers(a: Map<string, string>, b: Map<string, string>): Agreement {
  let best: Agreement = MISSING;
  for (const [system, value] of a) {
    const other = b.get(system);
    if (other === undefined) continue;
    const agreement = compareCodes(value, other);
    const labelled = { ...agreement, note: agreement.note === undefined ? system : `${system}: ${agreement.note}` };
    if (best.level === 'missing' || RANK[agreement.level] > RANK[best.level]) best = labelled;
  }
  return best;
}

function editNote(a: string, b: string): string {
  if (a.length === b.length) {
    const diffs: number[] = [];
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diffs.push(i);
    if (diffs.length === 2 && diffs[1] === diffs[0]! + 1) return 'transposed digits';
    if (diffs.length === 1) return 'one character differs';
  }
  return a.length < b.length ? 'one character missing' : 'one character extra';
}
