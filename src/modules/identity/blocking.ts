import type { PreparedRecord } from './prepared-record.js';

/**
 * Blocking keys: a record is only compared with records that share at least one. Each key leans on different
 * fields, so a duplicate is lost only when every one of them is damaged at once (FEBRL: one key alone keeps
 * about two thirds of the true pairs; their union keeps nearly all).
 *
 * - `ny` sound code of either name part + birth year: survives a typo in the name, a swapped name order, a
 *   wrong birth day or month, and a homophone or romanised Chinese name;
 * - `d`  the whole birth date: survives any change to names and address;
 * - `nn` the two names' sound codes together (order-free): survives a damaged birth date, phone and address
 *   (for 王伟 it grows past maxBlockSize in a big index and is skipped; the other keys carry on);
 * - `np` family-name code + postcode: survives a damaged birth date and given name (only with a postcode:
 *   a district is too coarse for one name code);
 * - `p`, `r`, `i` phone, resident ID and each identifier value: survive everything else.
 */
export function blockingKeys(record: PreparedRecord): string[] {
  const keys: string[] = [];
  const year = record.birth !== null && record.birth.length >= 4 ? record.birth.slice(0, 4) : null;
  const familyCodes = record.family?.codes.filter((c) => c.length > 0) ?? [];
  const givenCodes = record.given?.codes.filter((c) => c.length > 0) ?? [];
  if (year !== null) for (const code of new Set([...familyCodes, ...givenCodes])) keys.push(`ny:${code}:${year}`);
  if (record.birth !== null && record.birth.length >= 6) keys.push(`d:${record.birth}`);
  // Soundex pairs with Soundex and fuzzy with fuzzy (same position in each list), never across.
  for (let i = 0; i < Math.min(familyCodes.length, givenCodes.length); i++) keys.push(`nn:${[familyCodes[i]!, givenCodes[i]!].sort().join(':')}`);
  if (record.postcode !== null) for (const code of familyCodes) keys.push(`np:${code}:${record.postcode}`);
  if (record.phone !== null && record.phone.length >= 7) keys.push(`p:${record.phone}`);
  if (record.residentId !== null) keys.push(`r:${record.residentId}`);
  for (const [system, value] of record.identifiers) keys.push(`i:${system}:${value}`);
  return keys;
}
