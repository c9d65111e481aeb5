import type { AgreementLevel, FieldComparison, FieldName } from './identity.schemas.js';
import type { NamePart } from './names.js';
import type { PreparedRecord } from './prepared-record.js';
import { editDistance, jaroWinkler } from './strings.js';
import type { WeightTable } from './weights.js';

/** One field's agreement before weighting. */
export interface Agreement { level: AgreementLevel; note?: string }

const MISSING: Agreement = { level: 'missing' };
/** Agreement levels in order of strength; a level's rank is also its place in LEVELS. */
export const RANK: Record<AgreementLevel, number> = { exact: 4, close: 3, partial: 2, missing: 1, different: 0 };
export const LEVELS: readonly AgreementLevel[] = ['different', 'missing', 'partial', 'close', 'exact'];

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
 * With `mustReach`, gives up (null) once the score can no longer reach it: most candidates are clearly someone
 * else, and the search only needs those that can. A result that is not null is the full comparison, equal to the
 * one without `mustReach` to the last bit (the score is summed in the same order).
 */
export function compareRecords(a: PreparedRecord, b: PreparedRecord, weights: WeightTable, mustReach = -Infinity): Comparison | null {
  if (mustReach === -Infinity) return explain(a, b, weights, fullAgreements(a, b));
  const agreements = boundedAgreements(a, b, weights, mustReach);
  return agreements === null ? null : explain(a, b, weights, agreements);
}

function fullAgreements(a: PreparedRecord, b: PreparedRecord): Agreement[] {
  const names = compareNames(a, b);
  const agreements: Agreement[] = [names.family, names.given];
  for (let i = 2; i < FIELDS.length; i++) agreements.push(FIELDS[i]![1](a, b));
  return agreements;
}

function explain(a: PreparedRecord, b: PreparedRecord, weights: WeightTable, agreements: Agreement[]): Comparison {
  const fields: FieldComparison[] = [];
  let score = 0;
  for (let i = 0; i < FIELDS.length; i++) {
    const field = FIELDS[i]![0];
    const agreement = agreements[i]!;
    const weight = weights[field][agreement.level];
    score += weight;
    fields.push({ field, level: agreement.level, weight, ...(agreement.note === undefined ? {} : { note: agreement.note }) });
  }
  return { score, fields };
}

/**
 * The agreements, or null as soon as an upper bound on the score falls below `mustReach`. A first pass settles
 * every field that costs no more than a string equality (missing, the same value, gender) and counts each other
 * field at the most a differing value can weigh; then those fields are compared for real, the ones whose bound
 * usually falls furthest first (phone, IDs, birth date), and the bound tightens after each. Most candidates of a
 * deep block (the same surname born the same year) fall below it after a phone and a birth date, before any
 * address text is compared. Written for speed, as it runs for every candidate: weights by position, and nothing
 * allocated until a candidate passes.
 */
function boundedAgreements(a: PreparedRecord, b: PreparedRecord, weights: WeightTable, mustReach: number): Agreement[] | null {
  const floor = mustReach - BOUND_SLACK;
  const { w, open, most } = boundTables(weights);
  const s = scratch;
  const names = namesOf(a, b);
  s[0] = names.family;
  s[1] = names.given;
  let bound = w[0]![names.family.level] + w[1]![names.given.level];
  // First the fields that usually sink a wrong candidate (birth date and phone, compared in full: both cheap),
  // with the address counted at the most it could add; only a candidate still afloat has its address read.
  s[BIRTH] = a.birth === b.birth ? (a.birth === null ? MISSING : EXACT) : FIELDS[BIRTH]![1](a, b);
  s[PHONE] = a.phone === b.phone ? (a.phone === null ? MISSING : EXACT) : FIELDS[PHONE]![1](a, b);
  s[GENDER] = a.gender === null || b.gender === null ? MISSING : a.gender === b.gender ? EXACT : DIFFERENT;
  bound += w[BIRTH]![s[BIRTH].level] + w[PHONE]![s[PHONE].level] + w[GENDER]![s[GENDER].level];
  bound += settle(s, w, open, RESIDENT_ID, a.residentId, b.residentId);
  if (a.source === b.source || a.identifiers.size === 0 || b.identifiers.size === 0) {
    s[IDENTIFIER] = MISSING;
    bound += w[IDENTIFIER]!.missing;
  } else {
    s[IDENTIFIER] = PENDING;
    bound += open[IDENTIFIER]!;
  }
  if (bound + addressMost(a, w, most) < floor) return null;
  bound += settle(s, w, open, STREET_NUMBER, a.streetNumber, b.streetNumber);
  bound += settle(s, w, open, POSTCODE, a.postcode, b.postcode);
  bound += settle(s, w, open, STREET, a.street, b.street);
  bound += settle(s, w, open, LINE2, a.addressLine2, b.addressLine2);
  bound += settle(s, w, open, LOCALITY, a.locality, b.locality);
  bound += settle(s, w, open, CITY, a.city, b.city);
  bound += settle(s, w, open, REGION, a.region, b.region);
  if (bound < floor) return null;
  for (const i of PENDING_ORDER) {
    if (s[i] !== PENDING) continue;
    const agreement = FIELDS[i]![1](a, b);
    s[i] = agreement;
    bound += w[i]![agreement.level] - open[i]!;
    if (bound < floor) return null;
  }
  return s.slice();
}

/** Field i settled by equality (missing, or the same value) or left pending at its most: what it adds to the bound. */
function settle(s: Agreement[], w: BoundTables['w'], open: number[], i: number, x: string | null, y: string | null): number {
  if (x === null || y === null) {
    s[i] = MISSING;
    return w[i]!.missing;
  }
  if (x === y) {
    s[i] = EXACT;
    return w[i]!.exact;
  }
  s[i] = PENDING;
  return open[i]!;
}

/** The bound is summed in another order than the score: never prune on a rounding difference. */
const BOUND_SLACK = 1e-9;
const PENDING: Agreement = { level: 'missing', note: 'pending' };
const EXACT: Agreement = { level: 'exact' };
const DIFFERENT: Agreement = { level: 'different' };
const at = (field: FieldName) => FIELDS.findIndex(([f]) => f === field);
const [BIRTH, GENDER, PHONE, RESIDENT_ID, IDENTIFIER, STREET_NUMBER, POSTCODE, STREET, LINE2, LOCALITY, CITY, REGION] = (
  ['birthDate', 'gender', 'phone', 'residentId', 'identifier', 'streetNumber', 'postcode', 'street', 'addressLine2', 'locality', 'city', 'region'] as const
).map(at) as [number, number, number, number, number, number, number, number, number, number, number, number];
/** Reused by every candidate; copied only for one that passes (the matcher is synchronous, so never shared). */
const scratch: Agreement[] = FIELDS.map(() => MISSING);

/** The order in which unsettled fields are compared: those whose weight usually falls furthest first. */
const PENDING_ORDER: readonly number[] = [RESIDENT_ID, IDENTIFIER, POSTCODE, STREET_NUMBER, STREET, LINE2, LOCALITY, CITY, REGION];

/** The most the address can add to `a`'s score against anyone: computed once per incoming record. */
let addressOf: PreparedRecord | null = null;
let addressWeights: BoundTables['w'] | null = null;
let addressBound = 0;
function addressMost(a: PreparedRecord, w: BoundTables['w'], most: number[]): number {
  if (a === addressOf && w === addressWeights) return addressBound;
  const fields: [number, string | null][] = [
    [STREET_NUMBER, a.streetNumber],
    [POSTCODE, a.postcode],
    [STREET, a.street],
    [LINE2, a.addressLine2],
    [LOCALITY, a.locality],
    [CITY, a.city],
    [REGION, a.region],
  ];
  addressBound = fields.reduce((sum, [i, value]) => sum + (value === null ? w[i]!.missing : most[i]!), 0);
  addressOf = a;
  addressWeights = w;
  return addressBound;
}

interface BoundTables {
  /** Weights by field position. */
  w: Record<AgreementLevel, number>[];
  /** The most field i can weigh when equality did not settle it: any level but exact (identifiers: any level). */
  open: number[];
  /** The most field i can weigh when only one side is known: any level at all. */
  most: number[];
}
const boundCache = new WeakMap<WeightTable, BoundTables>();

function boundTables(weights: WeightTable): BoundTables {
  let tables = boundCache.get(weights);
  if (tables === undefined) {
    const w = FIELDS.map(([field]) => weights[field]);
    const most = w.map((l) => Math.max(l.exact, l.close, l.partial, l.different, l.missing));
    const open = FIELDS.map(([field], i) => (field === 'identifier' ? most[i]! : Math.max(w[i]!.close, w[i]!.partial, w[i]!.different)));
    boundCache.set(weights, (tables = { w, open, most }));
  }
  return tables;
}

/**
 * The names of one incoming record against each candidate's, remembered while that record is matched: a deep
 * block holds the same few surnames and given names hundreds of times (name parts are shared objects).
 */
let namesFamily: NamePart | null | undefined;
let namesGiven: NamePart | null | undefined;
const BOTH_EXACT = { family: EXACT, given: EXACT };
let namesHeld = 0;
const NAMES_HELD_LIMIT = 50_000;
let namesSeen = new Map<NamePart | null, Map<NamePart | null, { family: Agreement; given: Agreement }>>();
function namesOf(a: PreparedRecord, b: PreparedRecord): { family: Agreement; given: Agreement } {
  if (a.family === b.family && a.given === b.given && a.family !== null && a.given !== null) return BOTH_EXACT;
  if (a.family !== namesFamily || a.given !== namesGiven) {
    namesFamily = a.family;
    namesGiven = a.given;
    namesSeen = new Map();
    namesHeld = 0;
  }
  let byGiven = namesSeen.get(b.family);
  if (byGiven === undefined) namesSeen.set(b.family, (byGiven = new Map()));
  let names = byGiven.get(b.given);
  if (names === undefined) {
    names = compareNames(a, b);
    // Bounded: records with the same name arriving one after another keep one memo, and Latin names vary without end.
    if (++namesHeld > NAMES_HELD_LIMIT) {
      namesSeen = new Map();
      namesHeld = 0;
    } else byGiven.set(b.given, names);
  }
  return names;
}

/** Straight or crossed: a record with family and given name swapped (Wei Zhang / Zhang Wei) still agrees. */
export function compareNames(a: PreparedRecord, b: PreparedRecord): { family: Agreement; given: Agreement } {
  const family = compareNameParts(a.family, b.family);
  const given = compareNameParts(a.given, b.given);
  if (!mayCross(RANK[family.level], RANK[given.level])) return { family, given };
  const crossedFamily = compareNameParts(a.family, b.given);
  const crossedGiven = compareNameParts(a.given, b.family);
  if (crosses(RANK[family.level], RANK[given.level], RANK[crossedFamily.level], RANK[crossedGiven.level])) {
    return { family: { level: crossedFamily.level, note: 'names swapped' }, given: { level: crossedGiven.level, note: 'names swapped' } };
  }
  return { family, given };
}

/** Names that agree straight at least closely on both parts are read straight, whatever the crossed reading gives. */
function mayCross(family: number, given: number): boolean {
  return family + given < RANK.close * 2;
}

/**
 * Whether the crossed reading (the record's family name against the candidate's given name and the other way
 * round) replaces the straight one, by the ranks of the four agreements: both crossed parts close or better, and
 * more agreement than straight. Candidate digests weigh names by this same rule.
 */
export function crosses(family: number, given: number, crossedFamily: number, crossedGiven: number): boolean {
  return mayCross(family, given) && crossedFamily >= RANK.close && crossedGiven >= RANK.close && crossedFamily + crossedGiven > family + given;
}

/**
 * Name parts are shared objects (one per distinct name, see namePart), and the same pairs meet again and again
 * in a big index: each pair is compared once and remembered (bounded per part; the agreements are never changed).
 */
const partPairs = new WeakMap<NamePart, Map<NamePart, Agreement>>();
const PART_PAIRS_LIMIT = 20_000;

export function compareNameParts(a: NamePart | null, b: NamePart | null): Agreement {
  if (a === null || b === null) return MISSING;
  if (a === b) return EXACT;
  let known = partPairs.get(a);
  if (known === undefined) partPairs.set(a, (known = new Map()));
  let agreement = known.get(b);
  if (agreement === undefined) {
    agreement = compareNamePartsOnce(a, b);
    if (known.size >= PART_PAIRS_LIMIT) known.clear();
    known.set(b, agreement);
  }
  return agreement;
}

function compareNamePartsOnce(a: NamePart, b: NamePart): Agreement {
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
