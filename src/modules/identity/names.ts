import { pinyin } from 'pinyin-pro';
import { soundex } from './strings.js';

/**
 * A name part as the comparators see it. Chinese names are compared three ways: by character (张 = 张), by
 * toneless pinyin (张 = 章 = "Zhang", the homophones and romanised spellings that registration desks produce)
 * and by "fuzzy" pinyin that folds the sounds southern speakers merge (zh/z, ch/c, sh/s, n/l, -ng/-n), so
 * 陈 chen and 程 cheng meet. Latin names are lower-case letters; their pinyin is the letters themselves, so a
 * romanised Chinese name and its characters compare equal.
 */
export interface NamePart {
  /**
   * A serial number of this object (from 1): a candidate's digest holds its names by it, so that equal numbers
   * mean the same shared object.
   */
  id: number;
  /** Characters for a Chinese name, lower-case letters otherwise. */
  text: string;
  /** Toneless pinyin (or the Latin letters), no spaces. */
  pinyin: string;
  fuzzy: string;
  /**
   * Blocking codes. Every name has its fuzzy pinyin (张, 章 and "Zhang" all give "zan"); Latin names also have
   * the Soundex of it, which survives English-style typos (FEBRL). Chinese names do without Soundex: it folds
   * li, liu, lu and le into one code, and blocks that coarse would make every 李 a candidate for every 刘.
   */
  codes: string[];
  han: boolean;
}

const HAN = /\p{Script=Han}/u;
// Two-character surnames common enough to matter; a full name starting with one splits after two characters.
const COMPOUND_SURNAMES = new Set(
  '欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 端木 独孤 南宫 西门 申屠 澹台 呼延 钟离 闻人 万俟 百里 东郭'.split(' '),
);

// Name parts repeat endlessly (a few hundred surnames, tens of thousands of given names): converting each once and
// sharing the result saves the pinyin work per record and the memory of a million-record index. Bounded, so a
// stream of unique Latin names cannot grow it without end.
const PART_CACHE_LIMIT = 200_000;
const partCache = new Map<string, NamePart | null>();

export function namePart(raw: string | undefined, role: 'family' | 'given'): NamePart | null {
  if (raw === undefined) return null;
  const cacheKey = role === 'family' ? `f${raw}` : `g${raw}`;
  const cached = partCache.get(cacheKey);
  if (cached !== undefined) return cached;
  const part = convertNamePart(raw, role);
  if (partCache.size >= PART_CACHE_LIMIT) partCache.clear();
  partCache.set(cacheKey, part);
  return part;
}

let partSerial = 0;

function convertNamePart(raw: string, role: 'family' | 'given'): NamePart | null {
  const trimmed = raw.trim();
  if (trimmed.length === 0) return null;
  if (HAN.test(trimmed)) {
    const text = trimmed.replace(/[^\p{Script=Han}]/gu, '');
    const syllables = pinyin(text, { toneType: 'none', type: 'array', surname: role === 'family' ? 'all' : 'off' }).map((s) =>
      s.toLowerCase().replace(/[^a-z]/g, '').replace(/v/g, 'u'),
    );
    const joined = syllables.join('');
    // Folded like a Latin string (not syllable by syllable), so that characters and their romanisation agree.
    const fuzzy = fuzzyLatin(joined);
    return { id: ++partSerial, text, pinyin: joined, fuzzy, codes: [fuzzy], han: true };
  }
  const letters = trimmed
    .normalize('NFKD')
    .toLowerCase()
    .replace(/ü/g, 'u')
    .replace(/[^a-z]/g, '');
  if (letters.length === 0) return null;
  const fuzzy = fuzzyLatin(letters);
  return { id: ++partSerial, text: letters, pinyin: letters, fuzzy, codes: [soundex(fuzzy), fuzzy], han: false };
}

/**
 * Splits a full name into family and given parts. Chinese names lead with the family name (compound surnames
 * take two characters); a Latin "Family, Given" splits at the comma; other Latin names are read family first,
 * as romanised Chinese names are written on Chinese forms. The swapped-name comparator covers the other order.
 */
export function splitFullName(full: string): { family: string; given: string } {
  const trimmed = full.trim();
  if (HAN.test(trimmed)) {
    const han = trimmed.replace(/[^\p{Script=Han}]/gu, '');
    const cut = han.length > 2 && COMPOUND_SURNAMES.has(han.slice(0, 2)) ? 2 : 1;
    return { family: han.slice(0, cut), given: han.slice(cut) };
  }
  if (trimmed.includes(',')) {
    const [family = '', ...rest] = trimmed.split(',');
    return { family, given: rest.join(' ') };
  }
  const [family = '', ...rest] = trimmed.split(/\s+/);
  return { family, given: rest.join(' ') };
}

/** zh/z, ch/c, sh/s, -ng/-n everywhere and a leading n/l: applied to whole strings, on both sides alike. */
function fuzzyLatin(letters: string): string {
  return letters.replace(/([zcs])h/g, '$1').replace(/ng/g, 'n').replace(/^n/, 'l');
}
