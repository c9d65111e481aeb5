/**
 * String similarity for the comparators. Jaro–Winkler because it was built for short, typo-ridden names (the
 * US Census record-linkage work FEBRL follows); optimal string alignment distance because typists swap
 * neighbouring digits, which plain Levenshtein counts as two edits.
 */

// Scratch buffers reused by every call: the matcher compares a record with dozens of candidates, and fresh
// arrays per comparison made the garbage collector the largest cost. Longer strings get their own arrays.
const FLAGS_A = new Uint8Array(256);
const FLAGS_B = new Uint8Array(256);
const ROWS = [new Int32Array(257), new Int32Array(257), new Int32Array(257)] as const;

export function jaroWinkler(a: string, b: string): number {
  if (a === b) return a.length === 0 ? 0 : 1;
  if (a.length === 0 || b.length === 0) return 0;
  const aMatched = a.length <= 256 ? FLAGS_A.fill(0, 0, a.length) : new Uint8Array(a.length);
  const bMatched = b.length <= 256 ? FLAGS_B.fill(0, 0, b.length) : new Uint8Array(b.length);
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    const from = Math.max(0, i - window);
    const to = Math.min(b.length - 1, i + window);
    const ch = a.charCodeAt(i);
    for (let j = from; j <= to; j++) {
      if (bMatched[j] === 1 || ch !== b.charCodeAt(j)) continue;
      aMatched[i] = 1;
      bMatched[j] = 1;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  for (let i = 0, j = 0; i < a.length; i++) {
    if (aMatched[i] === 0) continue;
    while (bMatched[j] === 0) j++;
    if (a.charCodeAt(i) !== b.charCodeAt(j)) transpositions++;
    j++;
  }
  const jaro = (matches / a.length + matches / b.length + (matches - transpositions / 2) / matches) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < a.length && prefix < b.length && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/** Edits (insert, delete, substitute, swap two neighbours) between a and b, giving up above `limit`. */
export function editDistance(a: string, b: string, limit = 3): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  // A common beginning and end change no distance (so dates of one year, or phones of one range, leave a few
  // digits to align); one edit needs no table at all.
  let start = 0;
  while (start < a.length && start < b.length && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a.charCodeAt(endA - 1) === b.charCodeAt(endB - 1)) {
    endA--;
    endB--;
  }
  if (limit === 1) return oneEditApart(a, b, start, endA, endB) ? 1 : 2;
  if (start > 0 || endA < a.length) {
    a = a.slice(start, endA);
    b = b.slice(start, endB);
  }
  if (a.length === 0 || b.length === 0) return Math.min(Math.max(a.length, b.length), limit + 1);
  const long = b.length > 256;
  let before = long ? new Int32Array(b.length + 1) : ROWS[0];
  let previous = long ? new Int32Array(b.length + 1) : ROWS[1];
  let row = long ? new Int32Array(b.length + 1) : ROWS[2];
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    let best = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const bj = b.charCodeAt(j - 1);
      let value = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (ai === bj ? 0 : 1));
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) value = Math.min(value, before[j - 2]! + 1);
      row[j] = value;
      if (value < best) best = value;
    }
    if (best > limit) return limit + 1;
    [before, previous, row] = [previous, row, before];
  }
  return Math.min(previous[b.length]!, limit + 1);
}

/** What differs between a and b (after their common beginning and end) is one substitution, insertion, deletion or swap. */
function oneEditApart(a: string, b: string, start: number, endA: number, endB: number): boolean {
  const restA = endA - start;
  const restB = endB - start;
  if (restA + restB === 1) return true;
  if (restA === 1 && restB === 1) return true;
  return restA === 2 && restB === 2 && a.charCodeAt(start) === b.charCodeAt(start + 1) && a.charCodeAt(start + 1) === b.charCodeAt(start);
}

const SOUNDEX_CODES: Record<string, string> = {
  b: '1', f: '1', p: '1', v: '1',
  c: '2', g: '2', j: '2', k: '2', q: '2', s: '2', x: '2', z: '2',
  d: '3', t: '3', l: '4', m: '5', n: '5', r: '6',
};

/** American Soundex (h and w do not separate equal codes): a blocking key that survives most vowel and double-letter typos. */
export function soundex(word: string): string {
  const letters = word.toLowerCase().replace(/[^a-z]/g, '');
  if (letters.length === 0) return '';
  let code = letters[0]!.toUpperCase();
  let previous = SOUNDEX_CODES[letters[0]!] ?? '';
  for (let i = 1; i < letters.length && code.length < 4; i++) {
    const ch = letters[i]!;
    const digit = SOUNDEX_CODES[ch];
    if (digit !== undefined && digit !== previous) code += digit;
    if (ch !== 'h' && ch !== 'w') previous = digit ?? '';
  }
  return code.padEnd(4, '0');
}
